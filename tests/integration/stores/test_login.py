"""Login, sessions, CSRF and the staff API over real HTTP."""

import asyncio

import httpx

from tests.support.world import STAFF_PASSWORD, StaffClient, make_staff


async def test_login_and_me(world):
    me = await world.clerk_a.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "clerk_a"
    assert me.json()["store_id"] == world.store_a.id


async def test_me_without_session_unauthorized(world):
    async with httpx.AsyncClient(base_url=world.url) as anonymous:
        response = await anonymous.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_login_wrong_password_unauthorized_in_both_languages(world):
    async with httpx.AsyncClient(base_url=world.url) as anonymous:
        zh = await anonymous.post("/api/v1/auth/login", json={"username": "clerk_a2", "password": "nope-nope"})
        en = await anonymous.post("/api/v1/auth/login", json={"username": "clerk_a2", "password": "nope-nope"},
                                  headers={"Accept-Language": "en-US,en;q=0.9"})
    assert zh.status_code == en.status_code == 401
    assert zh.json()["detail"] == "用户名或密码错误"
    assert en.json()["detail"] == "Wrong username or password"


async def test_login_unknown_user_looks_like_wrong_password(world):
    async with httpx.AsyncClient(base_url=world.url) as anonymous:
        response = await anonymous.post("/api/v1/auth/login", json={"username": "nobody-here", "password": "whatever1"})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.bad_credentials"


async def test_login_repeated_failures_back_off_with_429(world):
    await make_staff("victim", "clerk", world.store_a.id)
    async with httpx.AsyncClient(base_url=world.url) as attacker:
        codes = []
        for attempt in range(8):
            response = await attacker.post("/api/v1/auth/login", json={"username": "victim", "password": f"guess-{attempt}"})
            codes.append(response.status_code)
        assert codes[:6] == [401] * 6
        assert 429 in codes[6:]
        blocked = await attacker.post("/api/v1/auth/login", json={"username": "victim", "password": STAFF_PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1


async def test_unsafe_request_without_csrf_header_forbidden(world):
    response = await world.clerk_a.http.post("/api/v1/customers", json={"phone": "13900000000"})
    assert response.status_code == 403
    assert response.json()["code"] == "error.csrf"


async def test_logout_ends_session_at_once(world):
    await make_staff("leaver1", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "leaver1").login()
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 401
    await client.close()


async def test_deactivated_staff_session_ends_at_once(world):
    staff = await make_staff("leaver2", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "leaver2").login()
    assert (await client.get("/api/v1/me")).status_code == 200
    response = await world.admin.patch(f"/api/v1/staff/{staff.id}", json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert (await client.get("/api/v1/me")).status_code == 401
    await client.close()


async def test_clerk_cannot_list_stores_or_staff(world):
    assert (await world.clerk_a.get("/api/v1/stores")).status_code == 403
    assert (await world.clerk_a.get("/api/v1/staff")).status_code == 403
    assert (await world.manager_a.post("/api/v1/staff", json={})).status_code == 403


async def test_admin_creates_store_and_staff(world):
    store = await world.admin.post("/api/v1/stores", json={"code": "XX099", "name": "新开一厅", "kind": "township"})
    assert store.status_code == 201, store.text
    staff = await world.admin.post(
        "/api/v1/staff",
        json={"username": "newclerk", "display_name": "新店员", "role": "clerk", "password": "long-enough-1",
              "store_id": store.json()["id"]},
    )
    assert staff.status_code == 201, staff.text
    duplicate = await world.admin.post("/api/v1/stores", json={"code": "XX099", "name": "重复", "kind": "township"})
    assert duplicate.status_code == 409


async def test_staff_create_refuses_unknown_fields(world):
    response = await world.admin.post(
        "/api/v1/staff",
        json={"username": "sneaky", "display_name": "x", "role": "clerk", "password": "long-enough-1",
              "store_id": world.store_a.id, "is_superuser": True},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] in ("is_superuser", "body")


async def test_concurrent_logins_all_succeed(world):
    clients = [StaffClient(world.url, "clerk_a2") for _ in range(16)]
    results = await asyncio.gather(*(c.http.post("/api/v1/auth/login", json={"username": "clerk_a2", "password": STAFF_PASSWORD}) for c in clients))
    assert [r.status_code for r in results] == [200] * 16
    for c in clients:
        await c.close()


async def test_idle_session_expires(world):
    import datetime as dt

    from regulars.core.db import raw

    await make_staff("idler", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "idler").login()
    assert (await client.get("/api/v1/me")).status_code == 200
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=9)
    await raw("UPDATE staff_session SET last_seen_at = {} WHERE staff = (SELECT id FROM staff WHERE username = 'idler')", long_ago)
    assert (await client.get("/api/v1/me")).status_code == 401
    await client.close()


async def test_login_and_failure_are_audited(world):
    from regulars.core.db import raw

    async with httpx.AsyncClient(base_url=world.url) as anonymous:
        await anonymous.post("/api/v1/auth/login", json={"username": "clerk_b", "password": "wrong-wrong"})
    rows = await raw("SELECT action FROM audit_log WHERE action IN ('auth.login', 'auth.login_failed')")
    actions = {r["action"] for r in rows}
    assert actions == {"auth.login", "auth.login_failed"}


async def test_password_change_ends_sessions_at_once(world):
    staff = await make_staff("rekeyed", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "rekeyed").login()
    response = await world.admin.patch(f"/api/v1/staff/{staff.id}", json={"password": "a-new-password-1"})
    assert response.status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 401
    await client.close()


async def test_role_change_ends_sessions_at_once(world):
    staff = await make_staff("promoted", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "promoted").login()
    response = await world.admin.patch(f"/api/v1/staff/{staff.id}", json={"role": "manager"})
    assert response.status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 401
    again = await StaffClient(world.url, "promoted").login()
    assert (await again.get("/api/v1/me")).json()["role"] == "manager"
    await client.close()
    await again.close()


async def test_reactivated_staff_old_session_stays_ended(world):
    staff = await make_staff("returner", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "returner").login()
    assert (await world.admin.patch(f"/api/v1/staff/{staff.id}", json={"active": False})).status_code == 200
    assert (await world.admin.patch(f"/api/v1/staff/{staff.id}", json={"active": True})).status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 401
    await client.close()


async def test_deactivated_staff_cannot_log_in(world):
    staff = await make_staff("gone_clerk", "clerk", world.store_a.id)
    assert (await world.admin.patch(f"/api/v1/staff/{staff.id}", json={"active": False})).status_code == 200
    async with httpx.AsyncClient(base_url=world.url) as http:
        response = await http.post("/api/v1/auth/login", json={"username": "gone_clerk", "password": STAFF_PASSWORD})
    assert response.status_code == 401 and response.json()["code"] == "auth.bad_credentials"


async def test_logged_out_cookie_replayed_from_elsewhere_unauthorized(world):
    await make_staff("replayer", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "replayer").login()
    stolen = client.http.cookies.get("regulars_session")
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    async with httpx.AsyncClient(base_url=world.url, cookies={"regulars_session": stolen}) as thief:
        assert (await thief.get("/api/v1/me")).status_code == 401
    await client.close()


async def test_logout_ends_only_that_device(world):
    await make_staff("two_pads", "clerk", world.store_a.id)
    pad1 = await StaffClient(world.url, "two_pads").login()
    pad2 = await StaffClient(world.url, "two_pads").login()
    assert (await pad1.post("/api/v1/auth/logout")).status_code == 204
    assert (await pad1.get("/api/v1/me")).status_code == 401
    assert (await pad2.get("/api/v1/me")).status_code == 200
    await pad1.close()
    await pad2.close()


async def test_idle_timeout_ends_session_on_the_minute(world):
    import datetime as dt

    from regulars.core.db import raw

    await make_staff("boundary", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "boundary").login()
    now = dt.datetime.now(dt.timezone.utc)
    sql = "UPDATE staff_session SET last_seen_at = {} WHERE staff = (SELECT id FROM staff WHERE username = 'boundary')"
    await raw(sql, now - dt.timedelta(minutes=479))
    assert (await client.get("/api/v1/me")).status_code == 200, "active within the idle limit"
    await raw(sql, now - dt.timedelta(minutes=481))
    assert (await client.get("/api/v1/me")).status_code == 401
    await raw(sql, dt.datetime.now(dt.timezone.utc))
    assert (await client.get("/api/v1/me")).status_code == 401, "an idle session does not come back"
    await client.close()


async def test_session_cookie_http_only_and_same_site(world):
    async with httpx.AsyncClient(base_url=world.url) as http:
        response = await http.post("/api/v1/auth/login", json={"username": "clerk_a", "password": STAFF_PASSWORD})
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies["regulars_session"] and "samesite=lax" in cookies["regulars_session"]
    assert "httponly" not in cookies["csrftoken"], "the app reads the CSRF token"


async def _admins() -> list[str]:
    from regulars.core.db import raw

    return [r["username"] for r in await raw("SELECT username FROM staff WHERE role = 'admin' AND active = {}", True)]


async def test_only_admin_cannot_demote_themselves(world):
    me = world.admin.me["staff_id"]
    response = await world.admin.patch(f"/api/v1/staff/{me}", json={"role": "clerk", "store_id": world.store_a.id})
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "staff.last_admin" and response.json()["field"] == "role"
    assert response.json()["detail"].startswith("管理员 是最后一位在用的管理员")
    english = await world.admin.patch(f"/api/v1/staff/{me}", json={"role": "manager", "store_id": world.store_a.id},
                                      headers={"Accept-Language": "en"})
    assert english.status_code == 409 and "is the last active admin" in english.json()["detail"]
    assert (await world.admin.get("/api/v1/me")).json()["role"] == "admin"
    assert await _admins() == ["admin"]


async def test_admin_demoted_while_another_admin_remains(world):
    other = await make_staff("second_admin", "admin", None)
    response = await world.admin.patch(f"/api/v1/staff/{other.id}", json={"role": "clerk", "store_id": world.store_a.id})
    assert response.status_code == 200 and response.json()["role"] == "clerk"
    assert await _admins() == ["admin"]


async def test_two_last_admins_demoting_and_deactivating_each_other_at_once_keep_one(world):
    """Each round leaves exactly two active admins who take each other's role (or account) at the same moment:
    one succeeds, the other is refused, whichever comes first."""
    from regulars.core.db import raw

    await raw("UPDATE staff SET active = {} WHERE username = 'admin'", False)  # the world's admin stands aside
    try:
        for round_ in range(6):
            first = await make_staff(f"race_x{round_}", "admin", None)
            second = await make_staff(f"race_y{round_}", "admin", None)
            x, y = await StaffClient(world.url, first.username).login(), await StaffClient(world.url, second.username).login()
            change = ({"role": "clerk", "store_id": world.store_a.id} if round_ % 2 == 0 else {"active": False})
            answers = await asyncio.gather(x.patch(f"/api/v1/staff/{second.id}", json=change),
                                           y.patch(f"/api/v1/staff/{first.id}", json=change))
            assert sorted(a.status_code for a in answers)[0] == 200, [a.text for a in answers]
            assert [a.status_code for a in answers].count(200) == 1, [a.text for a in answers]
            assert len(await _admins()) == 1
            await raw("UPDATE staff SET active = {} WHERE role = 'admin' AND username <> 'admin'", False)
            await x.close()
            await y.close()
    finally:
        await raw("UPDATE staff SET active = {} WHERE username = 'admin'", True)
