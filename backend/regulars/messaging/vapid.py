"""The server's VAPID key pair (made on first run under var/) and signed Authorization headers."""

from __future__ import annotations

import base64
import functools
import os
import time

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02

from regulars.messaging.config import messaging_settings
from regulars.settings import get_settings

KEY_FILE = "vapid_private.pem"
JWT_LIFETIME = 12 * 3600
RENEW_BEFORE = 3600

_headers: dict[str, tuple[float, str]] = {}


@functools.cache
def keys() -> Vapid02:
    """Loads the key pair, generating it once; concurrent first runs agree on one file."""
    path = get_settings().var_dir / KEY_FILE
    if not path.exists():
        fresh = Vapid02()
        fresh.generate_keys()
        temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}")
        fresh.save_key(str(temporary))
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # atomic: the first process to link wins, the others read its key
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    return Vapid02.from_file(str(path))


def public_key() -> str:
    """The browser's applicationServerKey: the uncompressed P-256 point, base64url without padding."""
    raw = keys().public_key.public_bytes(
        encoding=serialization.Encoding.X962, format=serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def authorization(audience: str) -> str:
    """`vapid t=...,k=...` for one push-service origin; a signed token is reused until an hour before it ends."""
    now = time.time()
    cached = _headers.get(audience)
    if cached is not None and cached[0] - RENEW_BEFORE > now:
        return cached[1]
    expires = int(now) + JWT_LIFETIME
    signed = keys().sign({"aud": audience, "sub": messaging_settings().vapid_subject, "exp": expires})
    header = signed["Authorization"]
    _headers[audience] = (expires, header)
    return header
