"""Domain errors: services raise these; app.py maps them to problem+json once.

Each error carries a message key (looked up in the rooms' catalogues) and the
parameters that name the thing and the value, so the clerk reads, in their
language, what was wrong and with what.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    default_key = "error.bad_request"

    def __init__(self, key: str | None = None, /, *, field: str | None = None, extra: dict | None = None, **params: Any):
        self.key = key or self.default_key
        self.field = field
        self.params = params
        self.extra = extra or {}
        super().__init__(self.key, params)


class BadInput(DomainError):
    """The request is well formed but a value is not acceptable (422)."""

    status_code = 422
    default_key = "error.invalid"


class NotFound(DomainError):
    status_code = 404
    default_key = "error.not_found"


class Forbidden(DomainError):
    status_code = 403
    default_key = "error.forbidden"


class Conflict(DomainError):
    status_code = 409
    default_key = "error.conflict"


class Gone(DomainError):
    status_code = 410
    default_key = "error.gone"


class TooManyRequests(DomainError):
    status_code = 429
    default_key = "error.too_many"

    def __init__(self, key: str | None = None, /, *, retry_after: int = 1, **params: Any):
        super().__init__(key, **params)
        self.retry_after = retry_after


class Unauthorized(DomainError):
    status_code = 401
    default_key = "error.unauthorized"
