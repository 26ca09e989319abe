"""No route answers with another store's data: every route that takes an id, called with an id
from the other store by a clerk and a manager, answers 403 or 404 (a new route is covered the
moment it exists)."""

import re

from litestar.routes import HTTPRoute

from regulars.app import create_app
from tests.support.foreign import EXAMPLE_BODIES, FACTORIES

PARAM = re.compile(r"\{(\w+_id):(?:int|str|uuid)\}")


def routes_with_ids() -> list[tuple[str, str]]:
    found = []
    for route in create_app().routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/v1/") or not PARAM.search(route.path):
            continue
        for method in sorted(route.route_handler_map):
            if method in ("HEAD", "OPTIONS"):
                continue
            found.append((method, route.path))
    return found


async def test_every_id_route_refuses_other_store(world):
    routes = routes_with_ids()
    assert routes, "the walker found no route with an id"
    ids: dict[str, int] = {}
    failures = []
    for method, path in routes:
        for name in PARAM.findall(path):
            assert name in FACTORIES, f"{method} {path}: add a factory for '{name}' in tests/support/foreign.py"
            if name not in ids:
                ids[name] = await FACTORIES[name](world)
        url = PARAM.sub(lambda m: str(ids[m.group(1)]), path)
        body = EXAMPLE_BODIES.get((method, path), {})
        for client in (world.clerk_a, world.manager_a):
            kwargs = {"json": body} if method in ("POST", "PATCH", "PUT") else {}
            response = await client.request(method, url, **kwargs)
            if response.status_code not in (403, 404):
                failures.append(f"{client.username} {method} {url} -> {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)
