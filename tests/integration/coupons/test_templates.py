"""Coupon templates: managers for their store, admins for the chain; every field issue 3 names."""

import datetime as dt

from regulars.core import clock
from tests.support.coupons import make_template

URL = "/api/v1/coupon-templates"
FULL = {
    "name_zh": "贴膜免费", "name_en": "Free screen film", "terms_zh": "限本人使用", "terms_en": "Holder only",
    "kind": "service", "item": "手机贴膜", "category": "device", "purpose": "care", "valid_days": 14,
    "stock": 100, "per_customer_limit": 2, "scope": "issuing", "min_spend_fen": 0, "points_price": 300,
}


async def test_create_template_manager_own_store(world):
    response = await world.manager_a.post(URL, json=FULL)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["store_id"] == world.store_a.id
    assert body["remaining"] == 100 and body["issued"] == 0
    assert {k: body[k] for k in FULL} == FULL


async def test_create_template_percent_off_with_cap(world):
    body = {"name_zh": "配件八折", "kind": "percent_off", "percent_off": 20, "max_off_fen": 5000,
            "category": "device", "purpose": "discount", "valid_days": 7}
    response = await world.manager_a.post(URL, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["max_off_fen"] == 5000


async def test_create_template_fixed_window(world):
    start = clock.now() + dt.timedelta(days=1)
    body = {"name_zh": "国庆礼", "kind": "gift", "item": "保温杯", "category": "service", "purpose": "reward",
            "valid_from": start.isoformat(), "valid_until": (start + dt.timedelta(days=7)).isoformat()}
    response = await world.manager_a.post(URL, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["valid_days"] is None


async def test_create_template_clerk_forbidden(world):
    assert (await world.clerk_a.post(URL, json=FULL)).status_code == 403


async def test_create_template_manager_other_store_refused(world):
    response = await world.manager_a.post(URL, json={**FULL, "store_id": world.store_b.id})
    assert response.status_code == 422


async def test_create_template_kind_without_value_refused(world):
    body = {**FULL, "kind": "amount_off", "item": ""}
    response = await world.manager_a.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "amount_off_fen"


async def test_create_template_both_validity_forms_refused(world):
    body = {**FULL, "valid_until": (clock.now() + dt.timedelta(days=3)).isoformat()}
    assert (await world.manager_a.post(URL, json=body)).status_code == 422


async def test_create_template_window_in_past_refused(world):
    body = {**FULL, "valid_days": None, "valid_until": (clock.now() - dt.timedelta(days=1)).isoformat()}
    assert (await world.manager_a.post(URL, json=body)).status_code == 422


async def test_create_template_store_list(world):
    body = {**FULL, "scope": "list", "store_ids": [world.store_a.id, world.store_b.id]}
    response = await world.manager_a.post(URL, json=body)
    assert response.status_code == 201
    assert response.json()["store_ids"] == sorted([world.store_a.id, world.store_b.id])
    assert (await world.manager_a.post(URL, json={**FULL, "scope": "list", "store_ids": [999_999]})).status_code == 422


async def test_list_templates_own_store_and_chain(world):
    own = await make_template(world, owner="manager_a", name_zh="甲店券")
    chain = await make_template(world, owner="admin", name_zh="全公司券", scope="chain")
    other = await make_template(world, owner="manager_b", name_zh="乙店券")
    ids = {t["id"] for t in (await world.clerk_a.get(URL)).json()}
    assert own.id in ids and chain.id in ids and other.id not in ids
    all_ids = {t["id"] for t in (await world.admin.get(URL, params={"limit": 200})).json()}
    assert {own.id, chain.id, other.id} <= all_ids


async def test_get_template_other_store_not_found(world):
    other = await make_template(world, owner="manager_b")
    assert (await world.clerk_a.get(f"{URL}/{other.id}")).status_code == 404


async def test_update_template_chain_by_manager_forbidden(world):
    chain = await make_template(world, owner="admin", scope="chain")
    assert (await world.clerk_a.get(f"{URL}/{chain.id}")).status_code == 200
    response = await world.manager_a.patch(f"{URL}/{chain.id}", json={"active": False})
    assert response.status_code == 403


async def test_update_template_fields(world):
    template = await make_template(world, stock=10)
    response = await world.manager_a.patch(f"{URL}/{template.id}", json={
        "name_en": "20 off", "stock": 5, "per_customer_limit": None, "active": False, "points_price": 50})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name_en"], body["stock"], body["remaining"], body["per_customer_limit"], body["active"],
            body["points_price"]) == ("20 off", 5, 5, None, False, 50)


async def test_update_template_stock_below_issued_refused(world):
    from tests.support.coupons import make_coupon, make_customer

    template = await make_template(world, stock=10, per_customer_limit=None)
    customer_id = await make_customer(world)
    for _ in range(3):
        await make_coupon(world, template.id, customer_id)
    response = await world.manager_a.patch(f"{URL}/{template.id}", json={"stock": 2})
    assert response.status_code == 422
    assert response.json()["code"] == "coupon.stock_below_issued"
    assert (await world.manager_a.patch(f"{URL}/{template.id}", json={"stock": 3})).json()["remaining"] == 0


async def test_update_template_kind_not_changeable(world):
    template = await make_template(world)
    response = await world.manager_a.patch(f"{URL}/{template.id}", json={"amount_off_fen": 1})
    assert response.status_code == 400


async def test_create_template_percent_off_without_percent_names_the_field(world):
    body = {"name_zh": "配件八折", "kind": "percent_off", "category": "device", "purpose": "discount", "valid_days": 7}
    response = await world.manager_a.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "percent_off"
    assert response.json()["detail"] == "券类型 percent_off 需要填写 percent_off"
    english = await world.manager_a.post(URL, json=body, headers={"Accept-Language": "en"})
    assert english.json()["detail"] == "Coupon kind percent_off needs percent_off"


async def test_create_template_value_of_another_kind_names_the_field(world):
    body = {**FULL, "amount_off_fen": 500}
    response = await world.manager_a.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == "券类型 service 不使用 amount_off_fen"
