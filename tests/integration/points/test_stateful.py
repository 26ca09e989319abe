"""A Hypothesis state machine over purchase / replay / refund / adjust / exchange / bonus / expire for one
customer at a time: after every step the balance is what the model expects, never negative, and equal to
the ledger sum and to the lots left; purchase numbers run 1, 2, 3, ... without a gap.

The machine drives the services in this process, on its own event loop in a worker thread (Hypothesis
steps are synchronous), through the same pooled engine the server uses; the database is the test run's,
on either engine.
"""

import asyncio
import datetime as dt
import json

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from regulars.core import clock, db
from regulars.core.errors import Conflict
from regulars.customers import schemas as customer_schemas
from regulars.customers import service as customers
from regulars.points import rules as points_rules
from regulars.points import schemas as points_schemas
from regulars.points import service as points
from regulars.purchases import schemas as purchase_schemas
from regulars.purchases import service as purchases
from tests.support.loyalty import balance_and_ledger, key, principal
from tests.support.world import new_phone

CATEGORIES = ["plan", "device", "accessory", "service", "bill_payment"]
RULE = points_rules.DEFAULT_RULE


class CouponRefused(Exception):
    pass


def make_machine(world):
    clerk = principal(world, "clerk_a")
    manager = principal(world, "manager_a")

    class LoyaltyMachine(RuleBasedStateMachine):
        bought = Bundle("bought")

        def __init__(self):
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.run(db.start())  # pooled connections on this machine's loop, closed in teardown
            outcome = self.run(customers.create(clerk, customer_schemas.CustomerCreate(phone=new_phone()), None))
            self.customer_id = json.loads(outcome.body)["id"]
            self.expected = 0
            self.purchases: dict[int, dict] = {}
            self.count = 0
            self.last: tuple[str, purchase_schemas.PurchaseCreate, dict] | None = None
            self.bonuses: set[tuple[str, int]] = set()

        def run(self, coroutine):
            return self.loop.run_until_complete(coroutine)

        def teardown(self):
            self.run(db.stop())
            self.loop.close()

        @rule(target=bought, amount=st.integers(0, 300_000), category=st.sampled_from(CATEGORIES))
        def purchase(self, amount, category):
            data = purchase_schemas.PurchaseCreate(customer_id=self.customer_id, category=category, amount_fen=amount)
            idem = key()
            body = json.loads(self.run(purchases.record(clerk, data, idem)).body)
            self.count += 1
            assert body["seq"] == self.count
            assert body["points"] == points_rules.purchase_points(RULE, category, amount, False)
            self.expected += body["points"]
            self.purchases[body["id"]] = {"amount": amount, "points": body["points"], "refunded": 0}
            self.last = (idem, data, body)
            return body["id"]

        @rule()
        def replay_last_purchase(self):
            if self.last is None:
                return
            idem, data, body = self.last
            outcome = self.run(purchases.record(clerk, data, idem))
            assert outcome.replayed and json.loads(outcome.body) == body

        @rule(purchase_id=bought, share=st.integers(1, 100))
        def refund(self, purchase_id, share):
            held = self.purchases[purchase_id]
            left = held["amount"] - held["refunded"]
            amount = left * share // 100
            if amount <= 0:
                return
            data = purchase_schemas.PurchaseCreate(customer_id=self.customer_id, amount_fen=-amount, refund_of=purchase_id)
            body = json.loads(self.run(purchases.record(clerk, data, key())).body)
            due = points_rules.refund_points(held["points"], held["amount"], held["refunded"], amount)
            assert body["points"] == -min(due, self.expected)
            assert body["seq"] is None
            held["refunded"] += amount
            self.expected += body["points"]

        @rule(change=st.integers(-600, 600).filter(bool))
        def adjust(self, change):
            data = points_schemas.AdjustCreate(points=change, reason="状态机")
            try:
                self.run(points.adjust(manager, self.customer_id, data, key()))
            except Conflict as exc:
                assert exc.key == "points.insufficient" and -change > self.expected
                return
            self.expected += change

        @rule(price=st.integers(1, 500), refused=st.booleans())
        def exchange(self, price, refused):
            async def issue(entry_id):
                if refused:
                    raise CouponRefused(entry_id)
                return entry_id

            try:
                self.run(points.exchange(clerk, self.customer_id, price, issue))
            except Conflict as exc:
                assert exc.key == "points.insufficient" and price > self.expected
                return
            except CouponRefused:
                assert price <= self.expected
                return
            self.expected -= price

        @rule(bonus=st.sampled_from(sorted(points_rules.BONUSES)), source=st.integers(0, 2))
        def bonus(self, bonus, source):
            entry = self.run(points.grant_bonus(self.customer_id, bonus, bonus, source))
            if (bonus, source) in self.bonuses:
                assert entry is None
                return
            self.bonuses.add((bonus, source))
            assert entry is not None and entry.points == RULE.bonuses[bonus]
            self.expected += entry.points

        @rule()
        def expire_everything_due_in_three_years(self):
            self.run(points.expire_due(clock.now() + dt.timedelta(days=3 * 366)))
            self.expected = 0

        @rule()
        def expire_what_is_due_now(self):
            self.run(points.expire_due())

        @invariant()
        def balance_matches_model_ledger_and_lots(self):
            assert self.expected >= 0
            assert (self.run(balance_and_ledger(self.customer_id)) or (0, 0)) == (self.expected, self.expected)
            drift = [d for d in self.run(points.reconcile()) if d.customer_id == self.customer_id]
            assert drift == []

    return LoyaltyMachine


async def test_points_and_purchases_state_machine_keeps_invariants(world):
    machine = make_machine(world)
    machine.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None,
                                         suppress_health_check=list(HealthCheck))
    await asyncio.to_thread(run_state_machine_as_test, machine, settings=machine.TestCase.settings)
    assert await points.reconcile() == []
