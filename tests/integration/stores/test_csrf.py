"""Cross-site request forgery against the staff API: a missing token, a token of another session (even planted
as the cookie), a request the browser marks as coming from another site, a login from another site. Each
answers 403 `error.csrf` and changes nothing; the same request from the app's own page goes through."""

from __future__ import annotations

import uuid

import httpx
import pytest

from regulars.core.db import raw
from tests.support.attacks import Secrets, assert_logs_clean, login_as, start_logged_server
from tests.support.world import STAFF_PASSWORD, new_phone

SECRETS = Secrets()
SECRETS.add(STAFF_PASSWORD)
EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def direct(world):
    server = start_logged_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def clerks(direct):
    a = await login_as(direct.url, "clerk_a", SECRETS)
    b = await login_as(direct.url, "clerk_a2", SECRETS)
    yield a, b
    await a.close()
    await b.close()


def create_body() -> dict:
    phone = new_phone()
    SECRETS.add(phone)
    return {"phone": phone, "name": "跨站"}


async def customers_named(name: str) -> int:
    rows = await raw("SELECT COUNT(*) AS n FROM customer WHERE name = {}", name)
    return rows[0]["n"]


def refused(response: httpx.Response) -> bool:
    return response.status_code == 403 and response.json()["code"] == "error.csrf"


@pytest.mark.parametrize("method,url", [
    ("POST", "/api/v1/customers"),
    ("PATCH", "/api/v1/customers/1"),
    ("DELETE", "/api/v1/customers/1"),
    ("POST", "/api/v1/auth/logout"),
])
async def test_unsafe_request_without_token_refused(clerks, method, url):
    a, _ = clerks
    response = await a.http.request(method, url, json={} if method != "DELETE" else None)
    assert refused(response)
    assert (await a.get("/api/v1/me")).status_code == 200, "the session goes on"


async def test_token_of_another_session_in_the_header_refused(clerks):
    a, b = clerks
    response = await a.http.post("/api/v1/customers", json=create_body(), headers={"x-csrftoken": b.csrf})
    assert refused(response)


async def test_token_of_another_session_planted_as_cookie_and_header_refused(direct, clerks):
    a, b = clerks
    planted = httpx.Cookies()
    planted.set("regulars_session", a.http.cookies.get("regulars_session"))
    planted.set("csrftoken", b.csrf)
    async with httpx.AsyncClient(base_url=direct.url, cookies=planted) as forged:
        response = await forged.post("/api/v1/customers", json={"phone": new_phone(), "name": "种下的令牌"},
                                     headers={"x-csrftoken": b.csrf, "Idempotency-Key": uuid.uuid4().hex})
    assert refused(response)
    assert await customers_named("种下的令牌") == 0


async def test_request_from_another_origin_refused_even_with_the_right_token(clerks):
    a, _ = clerks
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        response = await a.post("/api/v1/customers", json={"phone": new_phone(), "name": "另一站点"},
                                headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        assert refused(response), headers
    assert await customers_named("另一站点") == 0


async def test_request_from_the_app_itself_goes_through(direct, clerks):
    a, _ = clerks
    response = await a.post("/api/v1/customers", json=create_body(),
                            headers={"Origin": direct.url, "Sec-Fetch-Site": "same-origin",
                                     "Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text


async def test_login_from_another_site_refused(direct):
    async with httpx.AsyncClient(base_url=direct.url) as victim_browser:
        response = await victim_browser.post("/api/v1/auth/login", json={"username": "clerk_a", "password": STAFF_PASSWORD},
                                             headers={"Origin": EVIL})
    assert refused(response)
    assert "regulars_session" not in response.cookies


async def test_form_post_from_another_site_refused(clerks):
    a, _ = clerks
    response = await a.http.post("/api/v1/customers/1/notes", data={"text": "csrf"}, headers={"Origin": EVIL})
    assert refused(response)


async def test_token_of_an_ended_session_refused_after_login_again(direct):
    first = await login_as(direct.url, "clerk_a", SECRETS)
    old_token = first.csrf
    assert (await first.post("/api/v1/auth/logout")).status_code == 204
    await first.login()
    SECRETS.add_client(first)
    assert first.csrf != old_token
    response = await first.http.post("/api/v1/customers", json=create_body(),
                                     headers={"x-csrftoken": old_token, "Idempotency-Key": uuid.uuid4().hex})
    assert refused(response)
    await first.close()


async def test_attacks_left_no_secret_in_the_server_logs(direct):
    assert_logs_clean([direct], SECRETS)
