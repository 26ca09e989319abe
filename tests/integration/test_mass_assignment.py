"""Mass assignment: every JSON body the API takes (walked from the running server's OpenAPI document) refuses
fields it does not declare, such as `id`, `store_id`, `home_store_id`, `balance` or `role`, with a 400 that
names the field, at the top level and inside nested objects; nothing is created or changed."""

from __future__ import annotations

import httpx
import pytest

from regulars.core.db import raw

SENSITIVE = ("id", "store_id", "home_store_id", "balance", "role", "state", "issued", "erased_at", "staff_id")


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _object(document: dict, schema: dict) -> dict | None:
    schema = _resolve(document, schema)
    if schema.get("type") == "object":
        return schema
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        found = _object(document, option)
        if found is not None:
            return found
    return None


def json_bodies(document: dict) -> list[tuple[str, str, dict]]:
    """(method, path, object schema) of every operation with a JSON body."""
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                schema = _object(document, content["application/json"]["schema"])
                if schema is not None:
                    found.append((method.upper(), path, schema))
    return found


def nested_objects(document: dict, schema: dict) -> list[tuple[str, dict, bool]]:
    """(property, object schema, inside an array) of the body's nested objects, one level down."""
    nested = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(document, prop)
        options = [prop] + prop.get("oneOf", []) + prop.get("anyOf", [])
        for option in options:
            option = _resolve(document, option)
            if option.get("type") == "array" and _object(document, option.get("items", {})) is not None:
                nested.append((name, _object(document, option["items"]), True))
                break
            if option.get("type") == "object" and option.get("properties"):
                nested.append((name, option, False))
                break
    return nested


@pytest.fixture(scope="module")
def document(world) -> dict:
    return httpx.get(f"{world.url}/api/schema/openapi.json", timeout=30).json()


def test_every_json_body_is_closed_in_the_published_contract(document):
    bodies = json_bodies(document)
    assert len(bodies) >= 20
    for method, path, schema in bodies:
        assert schema.get("additionalProperties") is False, f"{method} {path}"
        for name, inner, _ in nested_objects(document, schema):
            assert inner.get("additionalProperties") is False, f"{method} {path} .{name}"


async def test_undeclared_fields_refused_on_every_create_and_update(world, document):
    before = await raw("SELECT (SELECT COUNT(*) FROM customer) AS customers, (SELECT COUNT(*) FROM staff) AS staff, "
                       "(SELECT COUNT(*) FROM store) AS stores, (SELECT COUNT(*) FROM coupon_template) AS templates")
    tried = 0
    for method, path, schema in json_bodies(document):
        url = path.replace("{", "").replace("}", "")
        url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
        declared = set(schema.get("properties") or {})
        for field in SENSITIVE:
            if field in declared:
                continue
            response = await world.admin.request(method, url, json={field: 1}, headers={"Idempotency-Key": "mass-1-key"})
            assert response.status_code == 400, (method, path, field, response.status_code, response.text[:200])
            assert field in [e["field"] for e in response.json()["errors"]], (method, path, field, response.text)
            tried += 1
        for name, inner, in_array in nested_objects(document, schema):
            field = next(f for f in SENSITIVE if f not in (inner.get("properties") or {}))
            value = [{field: 1}] if in_array else {field: 1}
            response = await world.admin.request(method, url, json={name: value}, headers={"Idempotency-Key": "mass-2-key"})
            assert response.status_code == 400, (method, path, name, field, response.text[:200])
            named = [e["field"] for e in response.json()["errors"]]  # the path to it: birthday.id, items[0].id
            assert any(n.startswith(name) and n.endswith(f".{field}") for n in named), (method, path, name, response.text)
            tried += 1
    assert tried >= 100
    after = await raw("SELECT (SELECT COUNT(*) FROM customer) AS customers, (SELECT COUNT(*) FROM staff) AS staff, "
                      "(SELECT COUNT(*) FROM store) AS stores, (SELECT COUNT(*) FROM coupon_template) AS templates")
    assert after == before


async def test_customer_create_with_home_store_of_another_store_refused(world):
    """`home_store_id` is declared on create (an admin may choose it): a clerk cannot point it elsewhere."""
    response = await world.clerk_a.post("/api/v1/customers",
                                        json={"phone": "13900002222", "home_store_id": world.store_b.id},
                                        headers={"Idempotency-Key": "mass-home-store"})
    assert response.status_code in (403, 422), response.text
    rows = await raw("SELECT COUNT(*) AS n FROM customer WHERE phone = '13900002222'")
    assert rows[0]["n"] == 0
