"""Text with the NUL character is refused at the door, on every route, before any handler runs.

SQLite would store a NUL and PostgreSQL refuses it, so the same input would be kept on one engine and
fail on the other; instead every query parameter, JSON value or key, and form field holding one answers
400 naming the field (the same answer as any other refused value, see `validation`).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException

NUL = "\x00"
MESSAGE = "Text contains the NUL character"  # what validation.explain recognises
_ESCAPED = b"\\u0000"  # JSON cannot carry a raw NUL in a string, only this escape


def nul_paths(value: Any, path: str = "") -> list[str]:
    """The paths (`name`, `items[0].note`) of the decoded JSON's strings and keys holding a NUL."""
    if isinstance(value, str):
        return [path] if NUL in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and NUL in key:
                found.append(path or key.replace(NUL, ""))
            else:
                found += nul_paths(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += nul_paths(item, f"{path}[{index}]")
    return found


async def _body_paths(request: Request) -> list[str]:
    content_type, _ = request.content_type
    if content_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        form = await request.form()
        return [name for name, value in form.multi_items() if isinstance(value, str) and (NUL in value or NUL in name)]
    if not content_type.endswith("json"):
        return []
    body = await request.body()
    if _ESCAPED not in body:
        return []
    try:
        decoded = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return []  # not JSON: the decoding that follows says so
    return nul_paths(decoded)


async def refuse_nul(request: Request) -> None:
    """Litestar's before_request hook: raises the framework's ValidationException for every field with a NUL."""
    # Path parameters are not looked at: a path with a NUL names nothing and answers as any unknown one does
    # (a public page's unknown code or token must answer alike, whatever was tried).
    fields = [name for name, value in request.query_params.multi_items() if NUL in value or NUL in name]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        fields += await _body_paths(request)
    if fields:
        unique = list(dict.fromkeys(f.replace(NUL, "") for f in fields))
        raise ValidationException(MESSAGE, extra=[{"key": field, "message": MESSAGE} for field in unique])
