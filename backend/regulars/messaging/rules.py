"""Pure decisions of the messaging room: which push endpoints are acceptable, header values, back-off."""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import functools
import hashlib
import ipaddress
import re
from urllib.parse import urlsplit

URGENCIES = ("very-low", "low", "normal", "high")
MAX_TTL = 28 * 24 * 3600
MAX_PAYLOAD = 3072
TOPIC_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
SPACE_RE = re.compile(r"\s")
KEY_RE = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}")


class EndpointRefused(ValueError):
    """The endpoint is not a push service this server may call; `reason` is a message key suffix."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def address_allowed(address: str, *, allow_loopback: bool) -> bool:
    """A public unicast address, or loopback when the local test push service is allowed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def check_endpoint(endpoint: str, *, allow_insecure_local: bool) -> tuple[str, int]:
    """Host and port of an acceptable endpoint URL; raises EndpointRefused otherwise.

    Names are resolved (and every address checked) at connection time, so a name that
    points inward later is refused then too; here the URL's form and any IP literal are checked.
    """
    if len(endpoint) > 1000 or SPACE_RE.search(endpoint):
        raise EndpointRefused("malformed")
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        raise EndpointRefused("malformed")
    verdict = _origin_verdict(parts.scheme, parts.netloc, allow_insecure_local)
    if isinstance(verdict, str):
        raise EndpointRefused(verdict)
    return verdict


@functools.lru_cache(maxsize=1024)
def _origin_verdict(scheme: str, netloc: str, allow_insecure_local: bool) -> tuple[str, int] | str:
    """(host, port) of an acceptable origin, or why it is refused; remembered per origin (a fan-out sends to a
    handful of push services)."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        return "malformed"
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return "malformed"
    literal = ip_literal(host)
    loopback_host = host == "localhost" or (literal is not None and ipaddress.ip_address(literal).is_loopback)
    if scheme not in ("https", "http") or (scheme == "http" and not (allow_insecure_local and loopback_host)):
        return "not_https"
    if not allow_insecure_local and port not in (None, 443):
        return "port"
    if literal is not None and not address_allowed(literal, allow_loopback=allow_insecure_local):
        return "private_address"
    if literal is None and (host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan"))):
        if not (allow_insecure_local and host == "localhost"):
            return "private_address"
    return host, port or (443 if scheme == "https" else 80)


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def b64url_decode(value: str) -> bytes:
    value = value.strip()
    if not KEY_RE.fullmatch(value):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_").rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))


def check_keys(p256dh: str, auth: str) -> None:
    """A subscription's keys: an uncompressed P-256 point and a 16-byte secret."""
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
    except (ValueError, TypeError):
        raise EndpointRefused("keys")
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise EndpointRefused("keys")


def topic_header(topic: str | None) -> str | None:
    """A Topic header value (at most 32 URL-safe characters); longer keys are hashed into one."""
    if topic is None:
        return None
    if TOPIC_RE.match(topic):
        return topic
    digest = hashlib.sha256(topic.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def check_send_options(ttl: int, urgency: str) -> None:
    if not 0 <= ttl <= MAX_TTL:
        raise ValueError(f"ttl {ttl} outside 0..{MAX_TTL}")
    if urgency not in URGENCIES:
        raise ValueError(f"urgency {urgency!r} not one of {URGENCIES}")


def retry_after_seconds(value: str | None, now: dt.datetime, *, default: int = 60, cap: int = 24 * 3600) -> int:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); `default` if absent or unreadable."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return max(1, min(cap, int(value)))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(1, min(cap, int((when - now).total_seconds() + 0.999)))


def backoff_seconds(attempt: int, *, base: float = 0.5, cap: float = 8.0) -> float:
    """Wait before retry number `attempt` (1, 2, ...) after a 5xx or a network error: doubling, capped."""
    return min(cap, base * 2 ** (attempt - 1))
