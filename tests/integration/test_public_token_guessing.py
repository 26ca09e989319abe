"""Guessing the secrets in the customers' public URLs: wallet tokens (`/w/{token}`), channel codes
(`/f/{code}`) and the counter's rotating redemption tokens (`/redeem/{token}`).

For each such page the app serves, from anonymous clients: every unknown secret answers alike (no oracle
between malformed, unknown, expired or closed), a script guessing from one address is refused with 429
soon and never hits, a spoofed X-Forwarded-For changes nothing, and no guessed or real secret reaches the
log. The pages come with the acquisition room; a test runs as soon as its route is served, and a new
public secret joins by one line in PUBLIC_SECRETS (with a maker of a real one in REAL_SECRETS if needed).
"""

from __future__ import annotations

import re
import secrets as random_secrets

import httpx
import pytest

from regulars.app import create_app
from tests.support.attacks import Secrets, assert_logs_clean, forget_rate_limits, start_logged_server

# route template -> how a guess looks (a token of the same shape as a real one)
PUBLIC_SECRETS = {
    "/w/{token}": lambda: random_secrets.token_urlsafe(32),
    "/f/{code}": lambda: random_secrets.token_urlsafe(8),
    "/redeem/{token}": lambda: random_secrets.token_urlsafe(24),
}
GUESSES = 60
SECRETS = Secrets()
VOLATILE_HEADERS = {"date", "x-request-id", "content-length", "set-cookie"}


def served_templates() -> set[str]:
    return {re.sub(r":\w+}", "}", route.path) for route in create_app().routes}


SERVED = served_templates()


def served(template: str) -> None:
    if template not in SERVED:
        pytest.skip(f"{template} is not served yet (acquisition room)")


@pytest.fixture(scope="module")
def direct(database):
    if not SERVED & set(PUBLIC_SECRETS):
        pytest.skip("no public secret is served yet (acquisition room)")
    server = start_logged_server()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
async def fresh_limits(direct):
    yield
    await forget_rate_limits()


def url_of(template: str, secret: str) -> str:
    SECRETS.add(secret)
    return re.sub(r"{\w+}", secret, template)


def comparable(response: httpx.Response, secret: str) -> tuple:
    text = response.text.replace(secret, "<secret>") if len(secret) >= 8 else response.text
    return response.status_code, text, sorted(k for k in response.headers if k not in VOLATILE_HEADERS)


@pytest.mark.parametrize("template", sorted(PUBLIC_SECRETS))
async def test_unknown_public_secret_answers_alike(direct, template):
    served(template)
    guess = PUBLIC_SECRETS[template]
    tries = ["x", "%00", guess(), guess(), guess().upper()]
    async with httpx.AsyncClient(base_url=direct.url) as stranger:
        answers = [comparable(await stranger.get(url_of(template, t)), t) for t in tries]
    assert answers[0][0] == 404
    assert all(answer == answers[0] for answer in answers), answers


@pytest.mark.parametrize("template", sorted(PUBLIC_SECRETS))
async def test_public_secret_guessing_from_one_address_refused_soon(direct, template):
    served(template)
    guess = PUBLIC_SECRETS[template]
    async with httpx.AsyncClient(base_url=direct.url) as script:
        statuses = [(await script.get(url_of(template, guess()))).status_code for _ in range(GUESSES)]
    assert set(statuses) <= {404, 429}, "no guess hits"
    assert 429 in statuses[:50] and statuses.count(429) >= 10, statuses


@pytest.mark.parametrize("template", sorted(PUBLIC_SECRETS))
async def test_spoofed_forwarded_for_does_not_evade_public_limits(direct, template):
    served(template)
    guess = PUBLIC_SECRETS[template]
    async with httpx.AsyncClient(base_url=direct.url) as script:
        statuses = [(await script.get(url_of(template, guess()), headers={"X-Forwarded-For": f"203.0.113.{i}"}))
                    .status_code for i in range(GUESSES)]
    assert 429 in statuses[:50] and statuses.count(429) >= 10, statuses


def test_attacks_left_no_secret_in_the_server_logs(direct):
    assert_logs_clean([direct], SECRETS)
