"""Passwords (argon2), random tokens and their stored hashes."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from regulars.settings import get_settings

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@functools.cache
def _hasher() -> PasswordHasher:
    if get_settings().argon2_cheap:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    """Spends the time of a real check, so that unknown usernames cannot be told apart by timing."""
    verify_password(_dummy_hash(), password)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """Keyed hash of a bearer token: the database never holds a usable token."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def crockford_code(length: int) -> str:
    """`length` CSPRNG characters of Crockford base32 followed by a mod-37 check character.

    A body whose check would be one of the five extra symbols (*~$=U) is drawn again (0.2 bits fewer): a code
    ending in `~` is awkward to read out at the counter, and chat apps' link detection cuts it off a URL."""
    while True:
        body = "".join(secrets.choice(CROCKFORD) for _ in range(length))
        check = crockford_check(body)
        if check in CROCKFORD:
            return body + check


CHECK_SYMBOLS = CROCKFORD + "*~$=U"


def restore_check(code: str, length: int) -> str:
    """A `length`-character body whose check is one of the extra symbols gets it back: codes made before they were
    drawn again (above) still arrive from links whose trailing `~` or `*` a chat app cut off."""
    if len(code) == length and all(c in CROCKFORD for c in code):
        check = crockford_check(code)
        if check not in CROCKFORD:
            return code + check
    return code


def crockford_check(body: str) -> str:
    value = 0
    for char in body:
        value = (value * 32 + CROCKFORD.index(char)) % 37
    return CHECK_SYMBOLS[value]


def normalise_crockford(code: str) -> str:
    """Upper-cases and maps the look-alikes Crockford allows (O->0, I/L->1), dropping separators."""
    cleaned = code.strip().upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def crockford_valid(code: str) -> bool:
    if len(code) < 2 or any(c not in CROCKFORD for c in code[:-1]):
        return False
    return crockford_check(code[:-1]) == code[-1]
