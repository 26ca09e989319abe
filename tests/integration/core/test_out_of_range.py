"""Values the database cannot hold are the request's fault, never a 500: an id past any row's answers 404,
a number or text that cannot be stored 422 (found by the API fuzzer)."""

import pytest

BEYOND_INT32 = 2**40
BEYOND_INT64 = 2**70


@pytest.mark.parametrize("value", [BEYOND_INT32, BEYOND_INT64])
@pytest.mark.parametrize("url", ["/api/v1/customers/{}", "/api/v1/coupons/{}", "/api/v1/coupons/{}/qr.svg",
                                 "/api/v1/customers/{}/export", "/api/v1/purchases/{}"])
async def test_read_with_id_no_row_can_have_not_found(world, url, value):
    response = await world.clerk_a.get(url.format(value))
    assert response.status_code == 404
    assert response.json()["code"].endswith("not_found")


async def test_write_with_id_no_row_can_have_not_found(world):
    response = await world.clerk_a.post(f"/api/v1/customers/{BEYOND_INT64}/erasure-request")
    assert response.status_code == 404


async def test_offset_past_any_number_refused(world):
    response = await world.clerk_a.get("/api/v1/customers", params={"q": "1234", "offset": BEYOND_INT64})
    assert response.status_code == 422
    assert response.json()["code"] == "error.out_of_range"


@pytest.mark.parametrize("value", [BEYOND_INT32, BEYOND_INT64])
async def test_body_id_past_any_row_refused(world, value):
    response = await world.clerk_a.post("/api/v1/purchases", json={"customer_id": value, "amount_fen": 100},
                                        headers={"Idempotency-Key": f"range-{value}"})
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_text_with_nul_character_never_a_server_error(world):
    response = await world.clerk_a.post("/api/v1/customers", json={"phone": "13900001111", "name": "a\u0000b"},
                                        headers={"Idempotency-Key": "nul-in-name-1"})
    assert response.status_code == 400, response.text  # refused on both engines alike (see test_nul_text)
    assert response.json()["field"] == "name"


@pytest.mark.parametrize("url,body", [
    ("/api/v1/points/grants", {"customer_ids": [BEYOND_INT32], "points": 5, "reason": "活动"}),
    ("/api/v1/coupons/bulk", {"template_id": 1, "customer_ids": [BEYOND_INT32]}),
])
async def test_background_job_never_queued_with_an_impossible_id(world, url, body):
    response = await world.manager_a.post(url, json=body, headers={"Idempotency-Key": f"job-{url[-5:]}-range"})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "customer_ids[0]"


@pytest.mark.parametrize("url", ["/api/v1/coupon-templates", "/api/v1/customers/1/timeline"])
async def test_listing_offset_past_any_page_refused(world, url):
    response = await world.clerk_a.get(url, params={"offset": BEYOND_INT64})
    assert response.status_code in (400, 404, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
