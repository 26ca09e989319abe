"""Guessing the secrets in the customers' public URLs: wallet tokens (`/w/{token}`), channel codes
(`/f/{code}`) and the counter's rotating redemption tokens (`/redeem/{token}`).

For each such page the app serves, from anonymous clients: every unknown secret answers alike (no oracle
between malformed, unknown, expired or closed), a script guessing from one address is refused with 429
soon and never hits, a spoofed X-Forwarded-For changes nothing, and no guessed or real secret reaches the
log. The one-time code of the follow flow is guessed too: a challenge takes a few attempts, then even the
right code is refused; neither the code, its reference, the wallet token nor the phone reaches the log.
A new public secret joins by one line in PUBLIC_SECRETS; a test runs as soon as its route is served.
"""

from __future__ import annotations

import html
import json
import re
import secrets as random_secrets

import httpx
import pytest

from regulars.app import create_app
from regulars.messaging.sms import DEV_LOG
from regulars.settings import get_settings
from tests.support.acquisition import Visitor, make_channel
from tests.support.attacks import Secrets, assert_logs_clean, forget_rate_limits, start_logged_server
from tests.support.world import new_phone

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


def _dev_sms(ref: str) -> dict:
    """The message the development SMS provider wrote to its file for this reference."""
    lines = (get_settings().var_dir / DEV_LOG).read_text(encoding="utf-8").splitlines()
    return json.loads(next(line for line in reversed(lines) if ref in line))


async def test_one_time_code_guessing_burns_the_challenge(world, direct):
    served("/f/{code}")
    channel = await make_channel(world)
    phone = new_phone()
    SECRETS.add(phone, channel["code"])
    visitor = Visitor(direct.url)
    try:
        sent = await visitor.send_code(channel["code"], phone)
        assert sent.status_code == 303, sent.text[:300]
        page = await visitor.get(sent.headers["location"])
        ref = html.unescape(re.search(r'name="ref" value="([^"]+)"', page.text).group(1))
        right = re.search(r"(\d{6})", _dev_sms(ref)["text"]).group(1)
        SECRETS.add(ref, right)
        wrong = [f"{(int(right) + i) % 1_000_000:06d}" for i in range(1, 6)]
        for guess in wrong:
            answer = await visitor.post_form(f"/f/{channel['code']}", {"action": "verify", "ref": ref, "code": guess})
            assert answer.status_code == 422, "a wrong code never lets anyone in"
        late = await visitor.post_form(f"/f/{channel['code']}", {"action": "verify", "ref": ref, "code": right})
        assert late.status_code == 422, "after the allowed attempts the right code is refused too"
        other_phone = new_phone()  # the first number waits a minute before another code
        SECRETS.add(other_phone)
        again = await visitor.send_code(channel["code"], other_phone)
        assert again.status_code == 303, again.text[:300]
        page = await visitor.get(again.headers["location"])
        ref = html.unescape(re.search(r'name="ref" value="([^"]+)"', page.text).group(1))
        code = re.search(r"(\d{6})", _dev_sms(ref)["text"]).group(1)
        SECRETS.add(ref, code)
        landed = await visitor.post_form(f"/f/{channel['code']}", {"action": "verify", "ref": ref, "code": code})
        assert landed.status_code == 303 and landed.headers["location"].startswith("/w/")
        wallet = landed.headers["location"].split("?", 1)[0]
        SECRETS.add(wallet.removeprefix("/w/"))
        assert (await visitor.get(wallet)).status_code == 200
    finally:
        await visitor.close()


def test_attacks_left_no_secret_in_the_server_logs(direct):
    assert_logs_clean([direct], SECRETS)
