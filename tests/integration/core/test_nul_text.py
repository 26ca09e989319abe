"""Text with the NUL character (which SQLite would keep and PostgreSQL refuses) is refused the same way on both
engines: 400 naming the field, in the caller's language, before anything is written."""

import pytest

from regulars.core.db import raw
from tests.support.acquisition import Visitor, make_channel
from tests.support.coupons import make_customer
from tests.support.world import new_phone

ZH = "不能包含空字符 NUL（\\u0000）"
EN = "must not contain the NUL character (\\u0000)"


async def count(table: str) -> int:
    return (await raw(f"SELECT COUNT(*) AS n FROM {table}"))[0]["n"]


def assert_refused(response, field: str, lang: str = "zh-CN") -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["code"], body["field"]) == ("error.validation", field)
    assert body["detail"].endswith(ZH if lang == "zh-CN" else EN) and field in body["detail"]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_create_customer_name_with_nul_refused(world, lang):
    before = await count("customer")
    response = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone(), "name": "张\u0000三"},
                                        headers={"Idempotency-Key": f"nul-customer-{lang}", "Accept-Language": lang})
    assert_refused(response, "name", lang)
    assert await count("customer") == before


async def test_customer_note_with_nul_refused(world):
    customer_id = await make_customer(world)
    before = await count("timeline_event")
    response = await world.clerk_a.post(f"/api/v1/customers/{customer_id}/notes", json={"text": "想办\u0000宽带"})
    assert_refused(response, "text")
    assert await count("timeline_event") == before


async def test_coupon_template_name_with_nul_refused(world):
    before = await count("coupon_template")
    response = await world.manager_a.post("/api/v1/coupon-templates", json={
        "name_zh": "十元\u0000券", "kind": "amount_off", "amount_off_fen": 1000, "category": "business",
        "purpose": "reward", "valid_days": 30, "scope": "store", "per_customer_limit": None})
    assert_refused(response, "name_zh")
    assert await count("coupon_template") == before


async def test_nested_text_with_nul_names_its_path(world):
    customer_id = await make_customer(world)
    response = await world.clerk_a.patch(f"/api/v1/customers/{customer_id}", json={"interests": ["摄影", "旅\u0000行"]})
    assert_refused(response, "interests[1]")
    profile = await world.clerk_a.get(f"/api/v1/customers/{customer_id}")
    assert "旅\u0000行" not in profile.json().get("interests", [])


async def test_query_parameter_with_nul_refused(world):
    response = await world.clerk_a.get("/api/v1/customers", params={"q": "张\u0000"})
    assert_refused(response, "q")


async def test_escaped_backslash_before_u0000_is_plain_text(world):
    response = await world.clerk_a.post("/api/v1/customers", json={"phone": new_phone(), "name": "a\\u0000b"},
                                        headers={"Idempotency-Key": "nul-lookalike"})
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "a\\u0000b"


@pytest.mark.parametrize("field", ["phone", "notice_version", "referral"])
async def test_follow_form_with_nul_answers_a_page(world, field):
    code = (await make_channel(world))["code"]
    visitor = Visitor(world.url)
    before = await count("otp_challenge")
    try:
        page = await visitor.get(f"/f/{code}?step=phone")
        assert page.status_code == 200
        fields = {"action": "send", "phone": new_phone(), "consent_service": "yes", "age_confirmed": "yes",
                  "notice_version": "x"}
        response = await visitor.post_form(f"/f/{code}", fields | {field: fields.get(field, "") + "\u0000"})
        assert response.status_code == 400, response.text[:500]
        assert response.headers["content-type"].startswith("text/html")
        assert f"字段 {field}：{ZH}" in response.text
        assert await count("otp_challenge") == before
        unknown = await visitor.get("/f/ab%00cd")  # a path with a NUL names nothing: the unknown code's page
        assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    finally:
        await visitor.close()
