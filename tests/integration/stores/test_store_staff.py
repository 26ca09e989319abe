"""A store manager's own team over real HTTP: adding clerks, resetting their passwords, deactivating them."""

from tests.support.world import StaffClient, make_staff

NEW_CLERK = {"display_name": "新店员", "role": "clerk", "password": "long-enough-1"}


async def test_manager_adds_clerk_to_own_store_who_signs_in(world):
    response = await world.manager_a.post("/api/v1/store-staff",
                                          json={**NEW_CLERK, "username": "mgr_new1", "store_id": world.store_a.id})
    assert response.status_code == 201, response.text
    assert response.json()["store_id"] == world.store_a.id and response.json()["role"] == "clerk"
    client = await StaffClient(world.url, "mgr_new1").login("long-enough-1")
    assert (await client.get("/api/v1/me")).json()["store_id"] == world.store_a.id
    await client.close()


async def test_manager_add_manager_forbidden(world):
    response = await world.manager_a.post("/api/v1/store-staff",
                                          json={**NEW_CLERK, "username": "mgr_new2", "role": "manager", "store_id": world.store_a.id})
    assert response.status_code == 403
    assert response.json()["code"] == "staff.manager_scope"


async def test_manager_add_clerk_to_other_store_forbidden(world):
    response = await world.manager_a.post("/api/v1/store-staff",
                                          json={**NEW_CLERK, "username": "mgr_new3", "store_id": world.store_b.id})
    assert response.status_code == 403


async def test_manager_add_clerk_short_password_names_the_field(world):
    response = await world.manager_a.post("/api/v1/store-staff", json={**NEW_CLERK, "username": "mgr_new4", "password": "short",
                                                                        "store_id": world.store_a.id})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


async def test_manager_add_clerk_username_taken_conflict(world):
    response = await world.manager_a.post("/api/v1/store-staff",
                                          json={**NEW_CLERK, "username": "clerk_a", "store_id": world.store_a.id})
    assert response.status_code == 409
    assert response.json()["field"] == "username"


async def test_clerk_cannot_add_or_change_staff(world):
    created = await world.clerk_a.post("/api/v1/store-staff", json={**NEW_CLERK, "username": "mgr_new5", "store_id": world.store_a.id})
    changed = await world.clerk_a.patch(f"/api/v1/store-staff/{world.staff['clerk_a2'].id}", json={"active": False})
    assert created.status_code == changed.status_code == 403


async def test_manager_deactivates_own_clerk_whose_session_ends(world):
    staff = await make_staff("mgr_leaver", "clerk", world.store_a.id)
    client = await StaffClient(world.url, "mgr_leaver").login()
    response = await world.manager_a.patch(f"/api/v1/store-staff/{staff.id}", json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert (await client.get("/api/v1/me")).status_code == 401
    again = await client.http.post("/api/v1/auth/login", json={"username": "mgr_leaver", "password": "staff-test-password"})
    assert again.status_code == 401
    await client.close()
    back = await world.manager_a.patch(f"/api/v1/store-staff/{staff.id}", json={"active": True})
    assert back.status_code == 200 and back.json()["active"] is True


async def test_manager_resets_own_clerk_password(world):
    staff = await make_staff("mgr_forgot", "clerk", world.store_a.id)
    response = await world.manager_a.patch(f"/api/v1/store-staff/{staff.id}", json={"password": "brand-new-pass-1"})
    assert response.status_code == 200, response.text
    client = await StaffClient(world.url, "mgr_forgot").login("brand-new-pass-1")
    await client.close()


async def test_manager_change_other_store_clerk_not_found(world):
    response = await world.manager_a.patch(f"/api/v1/store-staff/{world.staff['clerk_b'].id}", json={"active": False})
    assert response.status_code == 404
    assert (await world.clerk_b.get("/api/v1/me")).status_code == 200


async def test_manager_change_fellow_manager_not_found(world):
    other = await make_staff("mgr_peer", "manager", world.store_a.id)
    response = await world.manager_a.patch(f"/api/v1/store-staff/{other.id}", json={"password": "brand-new-pass-2"})
    assert response.status_code == 404


async def test_manager_promote_clerk_forbidden(world):
    staff = await make_staff("mgr_promote", "clerk", world.store_a.id)
    response = await world.manager_a.patch(f"/api/v1/store-staff/{staff.id}", json={"role": "manager"})
    assert response.status_code == 403
    moved = await world.manager_a.patch(f"/api/v1/store-staff/{staff.id}", json={"store_id": world.store_b.id})
    assert moved.status_code == 403
