"""A Hypothesis state machine over issue / redeem / reverse / expire / the passing of time, run in-process
through the room's service functions against the test database.

Every step's answer must match a plain model of the rules, and after every step the database must hold the
invariants: a template's issued counter equals its coupon rows (and never passes its stock), a customer's
counter equals their coupons of the template (and never passes the limit), and a coupon has one unreversed
redemption exactly when it is redeemed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from regulars.core import clock
from regulars.core.db import raw
from regulars.core.errors import Conflict, DomainError, Forbidden, Gone, NotFound
from regulars.coupons import jobs, redemption, service
from tests.support.coupons import make_customer, make_template, principal

TEMPLATES = (
    # (owner, scope, stock, per-customer limit, days)
    ("manager_a", "issuing", 4, 2, 1),
    ("admin", "chain", None, 3, 3),
)


@dataclass
class Coupon:
    id: int
    code: str
    template: int
    customer: int
    valid_until: dt.datetime
    state: str = "issued"
    redeemed_at: dt.datetime | None = None
    redeemed_store: int | None = None
    redemptions: int = 0


class CouponMachine(RuleBasedStateMachine):
    world = None
    customers: list[int] = []

    coupons = Bundle("coupons")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.now = clock.now()
        self.templates: list[dict] = []
        for owner, scope, stock, limit, days in TEMPLATES:
            made = self.run(make_template(self.world, owner=owner, scope=scope, stock=stock,
                                          per_customer_limit=limit, valid_days=days))
            self.templates.append({"id": made.id, "scope": scope, "stock": stock, "limit": limit, "issued": 0})
        self.model: dict[int, Coupon] = {}
        self.per_customer: dict[tuple[int, int], int] = {}
        self.refs: dict[tuple[int, int, str], int] = {}

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def outcome(self, coroutine):
        try:
            return self.run(coroutine), None
        except DomainError as error:
            return None, error

    def teardown(self) -> None:
        self.loop.close()

    # steps ----------------------------------------------------------------------------

    @rule(target=coupons, which=st.integers(0, len(TEMPLATES) - 1), who=st.integers(0, 2),
          ref=st.sampled_from([None, None, "r1", "r2"]), by_system=st.booleans())
    def issue(self, which, who, ref, by_system):
        template, customer = self.templates[which], self.customers[who]
        actor = None if by_system else principal(self.world, "clerk_a")
        result, error = self.outcome(service.issue_once(actor, template["id"], customer, source="test", source_ref=ref))
        key = (template["id"], customer, ref)
        if ref is not None and key in self.refs:
            assert error is None and result[1] is False and result[0].id == self.refs[key]
            return self.model[result[0].id].id
        if template["stock"] is not None and template["issued"] >= template["stock"]:
            assert isinstance(error, Conflict) and error.key == "coupon.stock_exhausted", error
            return None
        if self.per_customer.get((template["id"], customer), 0) >= template["limit"]:
            assert isinstance(error, Conflict) and error.key == "coupon.customer_limit", error
            return None
        assert error is None, error
        coupon, created = result
        assert created
        template["issued"] += 1
        self.per_customer[(template["id"], customer)] = self.per_customer.get((template["id"], customer), 0) + 1
        if ref is not None:
            self.refs[key] = coupon.id
        self.model[coupon.id] = Coupon(coupon.id, coupon.code, template["id"], customer, coupon.valid_until)
        return coupon.id

    @rule(coupon_id=coupons, at_b=st.booleans())
    def redeem(self, coupon_id, at_b):
        if coupon_id is None:
            return
        coupon = self.model[coupon_id]
        clerk = "clerk_b" if at_b else "clerk_a"
        store = (self.world.store_b if at_b else self.world.store_a).id
        _, error = self.outcome(redemption.redeem(principal(self.world, clerk), coupon.code, store_id=store,
                                                  staff_id=self.world.staff[clerk].id, channel="store"))
        chain = self.scope_of(coupon) == "chain"
        if at_b and not chain:
            assert isinstance(error, NotFound), error
        elif coupon.state == "redeemed":
            assert isinstance(error, Conflict) and error.key == "coupon.already_redeemed", error
        elif coupon.state == "expired" or coupon.valid_until <= self.now:
            assert isinstance(error, Gone), error
        else:
            assert error is None, error
            coupon.state, coupon.redeemed_at, coupon.redeemed_store = "redeemed", self.now, store
            coupon.redemptions += 1

    @rule(coupon_id=coupons)
    def reverse(self, coupon_id):
        if coupon_id is None:
            return
        coupon = self.model[coupon_id]
        _, error = self.outcome(redemption.reverse(principal(self.world, "manager_a"), coupon_id, "测试撤销"))
        if coupon.state != "redeemed":
            assert isinstance(error, Conflict) and error.key == "coupon.not_redeemed", error
        elif coupon.redeemed_store != self.world.store_a.id:
            assert isinstance(error, Forbidden), error
        elif self.now - coupon.redeemed_at > dt.timedelta(minutes=30):
            assert isinstance(error, Conflict) and error.key == "coupon.reverse_window", error
        else:
            assert error is None, error
            coupon.state, coupon.redeemed_at, coupon.redeemed_store = "issued", None, None

    @rule(minutes=st.sampled_from([5, 29, 31, 60 * 12, 60 * 24 * 2]))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)

    @rule()
    def expire(self):
        self.run(jobs.expire_due())
        for coupon in self.model.values():
            if coupon.state == "issued" and coupon.valid_until <= self.now:
                coupon.state = "expired"

    def scope_of(self, coupon: Coupon) -> str:
        return next(t["scope"] for t in self.templates if t["id"] == coupon.template)

    # invariants -----------------------------------------------------------------------

    @invariant()
    def counters_match_rows(self):
        for template in self.templates:
            rows = self.run(raw(
                "SELECT t.issued, t.stock, (SELECT COUNT(*) FROM coupon c WHERE c.template = t.id) AS n "
                "FROM coupon_template t WHERE t.id = {}", template["id"]))
            issued, stock, count = rows[0]["issued"], rows[0]["stock"], rows[0]["n"]
            assert issued == count == template["issued"]
            assert stock is None or issued <= stock
            per_customer = self.run(raw(
                "SELECT k.customer, k.issued, (SELECT COUNT(*) FROM coupon c WHERE c.template = k.template "
                "AND c.customer = k.customer) AS n FROM coupon_customer_count k WHERE k.template = {}", template["id"]))
            for row in per_customer:
                assert row["issued"] == row["n"] <= template["limit"]

    @invariant()
    def one_redemption_per_redeemed_coupon(self):
        if not self.model:
            return
        ids = sorted(self.model)
        marks = ", ".join("{}" for _ in ids)
        rows = self.run(raw(
            f"SELECT c.id, c.state, (SELECT COUNT(*) FROM coupon_redemption r WHERE r.coupon = c.id "
            f"AND r.reversed_at IS NULL) AS active, (SELECT COUNT(*) FROM coupon_redemption r "
            f"WHERE r.coupon = c.id) AS total FROM coupon c WHERE c.id IN ({marks})", *ids))
        for row in rows:
            coupon = self.model[row["id"]]
            assert row["state"] == coupon.state
            assert row["active"] == (1 if row["state"] == "redeemed" else 0)
            assert row["total"] == coupon.redemptions


async def test_coupon_state_machine_invariants(world):
    CouponMachine.world = world
    CouponMachine.customers = [await make_customer(world) for _ in range(3)]
    real_now = clock.now
    machine_clock: dict[str, CouponMachine] = {}

    class Machine(CouponMachine):
        def __init__(self) -> None:
            machine_clock["current"] = self
            self.now = real_now()
            super().__init__()

    clock.now = lambda: machine_clock["current"].now if "current" in machine_clock else real_now()
    try:
        await asyncio.to_thread(
            run_state_machine_as_test, Machine,
            settings=settings(max_examples=15, stateful_step_count=25, deadline=None,
                              suppress_health_check=list(HealthCheck)),
        )
    finally:
        clock.now = real_now
