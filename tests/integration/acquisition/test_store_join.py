"""Another store's customer joins this store at the counter, proven by a code sent to their phone (real HTTP)."""

import asyncio
import uuid

from regulars.core.db import raw
from tests.support.acquisition import staff_on
from tests.support.server import ServerProcess
from tests.support.sms_dev import dev_sms_code, dev_sms_text
from tests.support.world import new_phone

MARKETING = {"purpose": "marketing", "granted": True, "notice_version": "2026-01"}


async def customer_of(client, name: str = "二厅客户") -> dict:
    response = await client.post("/api/v1/customers", json={"phone": new_phone("186"), "name": name},
                                 headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    return response.json()


async def test_joining_needs_the_code_sent_to_the_customers_phone(world):
    theirs = await customer_of(world.clerk_b)
    typed = f"{theirs['phone'][:3]} {theirs['phone'][3:7]} {theirs['phone'][7:]}"

    sent = await world.clerk_a.post("/api/v1/customers/follow", json={"phone": typed, "consents": [MARKETING]})
    assert sent.status_code == 202, sent.text
    answer = sent.json()
    assert answer["code_sent"] is True and answer["phone_masked"] == f"{theirs['phone'][:3]}****{theirs['phone'][-4:]}"
    assert answer["expires_in"] > 0 and "name" not in answer  # nothing of the profile before the code
    text = dev_sms_text(answer["ref"])
    assert text.startswith(f"【{world.store_a.name}】") and "请把验证码告诉店员" in text
    assert (await world.clerk_a.get(f"/api/v1/customers/{theirs['id']}")).status_code == 404  # not joined yet

    code = dev_sms_code(answer["ref"])
    wrong = "000000" if code != "000000" else "111111"
    refused = await world.clerk_a.post("/api/v1/customers/follow",
                                       json={"phone": typed, "ref": answer["ref"], "code": wrong})
    assert refused.status_code == 422 and refused.json()["field"] == "code"
    assert refused.json()["detail"] == "验证码不正确"
    assert (await world.clerk_a.get(f"/api/v1/customers/{theirs['id']}")).status_code == 404

    joined = await world.clerk_a.post("/api/v1/customers/follow",
                                      json={"phone": typed, "ref": answer["ref"], "code": code, "consents": [MARKETING]})
    assert joined.status_code == 200, joined.text
    assert sorted(joined.json()["store_ids"]) == sorted([world.store_a.id, world.store_b.id])
    assert joined.json()["home_store_id"] == world.store_b.id and joined.json()["consent"]["marketing"] is True
    assert (await world.clerk_a.get(f"/api/v1/customers/{theirs['id']}")).status_code == 200
    kinds = [e["kind"] for e in (await world.clerk_a.get(f"/api/v1/customers/{theirs['id']}/timeline")).json()]
    assert "followed_in_store" in kinds

    again = await world.clerk_a.post("/api/v1/customers/follow", json={"phone": typed, "ref": answer["ref"], "code": code})
    assert again.status_code == 200  # now the store's customer: nothing more to prove
    rows = await raw("SELECT count(*) AS n FROM customer_store WHERE customer = {}", theirs["id"])
    assert rows[0]["n"] == 2


async def test_a_code_joins_only_the_phone_and_the_store_it_was_sent_for(world):
    first, second = await customer_of(world.clerk_b), await customer_of(world.clerk_b)
    sent = (await world.clerk_a.post("/api/v1/customers/follow", json={"phone": first["phone"]})).json()
    code = dev_sms_code(sent["ref"])
    other_phone = await world.clerk_a.post("/api/v1/customers/follow",
                                           json={"phone": second["phone"], "ref": sent["ref"], "code": code})
    assert other_phone.status_code == 422 and other_phone.json()["field"] == "code"
    assert (await world.clerk_a.get(f"/api/v1/customers/{second['id']}")).status_code == 404
    without_ref = await world.clerk_a.post("/api/v1/customers/follow", json={"phone": first["phone"], "code": code})
    assert without_ref.status_code == 422
    without_code = await world.clerk_a.post("/api/v1/customers/follow", json={"phone": first["phone"], "ref": sent["ref"]})
    assert without_code.status_code == 422 and without_code.json()["detail"] == "请输入客户手机收到的验证码"
    assert (await world.clerk_a.get(f"/api/v1/customers/{first['id']}")).status_code == 404


async def test_the_code_joins_once_under_concurrent_taps(world):
    theirs = await customer_of(world.clerk_b)
    sent = (await world.clerk_a.post("/api/v1/customers/follow", json={"phone": theirs["phone"]})).json()
    body = {"phone": theirs["phone"], "ref": sent["ref"], "code": dev_sms_code(sent["ref"])}
    answers = await asyncio.gather(*(world.clerk_a.post("/api/v1/customers/follow", json=body) for _ in range(8)))
    assert all(a.status_code in (200, 422) for a in answers), [a.text for a in answers]
    assert any(a.status_code == 200 for a in answers)
    events = await raw("SELECT count(*) AS n FROM timeline_event WHERE customer = {} AND kind = 'followed_in_store'",
                       theirs["id"])
    assert events[0]["n"] == 1


async def test_own_customer_unknown_phone_and_admin_need_no_code(world):
    ours = await customer_of(world.clerk_a, "一厅客户")
    own = await world.clerk_a.post("/api/v1/customers/follow", json={"phone": ours["phone"]})
    assert own.status_code == 200 and own.json()["id"] == ours["id"]
    unknown = await world.clerk_a.post("/api/v1/customers/follow", json={"phone": new_phone()})
    assert unknown.status_code == 404 and unknown.json()["detail"].startswith("手机号")
    by_admin = await world.admin.post("/api/v1/customers/follow", json={"phone": ours["phone"]})
    assert by_admin.status_code == 200 and by_admin.json()["store_ids"] == [world.store_a.id]


async def test_codes_a_clerk_sends_are_limited_per_day(world, database):
    limited = ServerProcess.start(extra_env={"REGULARS_JOIN_CODES_PER_CLERK": "2"})
    clerk = await staff_on(limited, "clerk_a2")  # sends nothing elsewhere in this module
    try:
        answers = []
        for _ in range(3):
            theirs = await customer_of(world.clerk_b)
            answers.append(await clerk.post("/api/v1/customers/follow", json={"phone": theirs["phone"]}))
        assert [a.status_code for a in answers] == [202, 202, 429]
        assert answers[2].json()["detail"] == "今天发出的入店验证码已达上限，请明天再试，或请店长办理"
        assert int(answers[2].headers["retry-after"]) > 0
    finally:
        await clerk.close()
        limited.stop()
