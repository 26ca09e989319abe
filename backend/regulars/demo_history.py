"""The demo chain's history: purchases and visits, coupons seen and redeemed, and the points they earned,
spent and let expire, for every demo customer; with `regulars demo --customers 1000000` about ten
million rows, the size the reports are measured at.

Rows are made in the demo's write units, straight to the driver like the customers, and keep every
invariant `regulars reconcile` checks: purchases numbered 1..n with the counter at n, points ledger =
cached balance = remaining lots, template and per-customer coupon counters equal to the coupons, and each
coupon's issue and redemption on the customer's timeline.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any, Callable, Awaitable
from zoneinfo import ZoneInfo

from regulars.core import security
from regulars.core.db import is_postgres, raw
from regulars.coupons.rules import format_code

ZONE = ZoneInfo("Asia/Shanghai")
CATEGORIES = [("plan", 5900, 23900), ("device", 99900, 899900), ("accessory", 2900, 29900), ("service", 1000, 9900),
              ("bill_payment", 5000, 30000)]
CATEGORY_WEIGHTS = [25, 10, 30, 15, 20]
PURCHASES = [0, 0, 1, 1, 1, 2, 2, 3, 4, 6]
VISITS = [0, 0, 0, 1, 1, 2]
COUPONS = [0, 0, 1, 1, 2]
TEMPLATES = [  # name, kind, amount_off_fen, percent_off, max_off_fen, item, category, purpose, min_spend_fen
    ("满100减20", "amount_off", 2000, None, None, "", "business", "discount", 10000),
    ("购机9折", "percent_off", None, 10, 20000, "", "device", "discount", 0),
    ("免费贴膜", "service", None, None, None, "贴膜", "device", "care", 0),
    ("话费券5元", "amount_off", 500, None, None, "", "business", "reward", 0),
]
VALID_DAYS = 30
EXCHANGE_POINTS = 100

PURCHASE_COLUMNS = ("id", "customer", "store", "clerk", "clerk_no", "kind", "category", "visit_kind", "amount_fen",
                    "refunded_fen", "items", "seq", "points", "source", "note", "occurred_at", "created_at")
COUPON_COLUMNS = ("id", "code", "template", "customer", "state", "scope", "issued_at", "valid_from", "valid_until",
                  "issued_store", "issued_by", "source", "redeemed_at", "redeemed_store", "redeemed_by",
                  "redeemed_channel", "expired_at", "seen_at")
REDEMPTION_COLUMNS = ("coupon", "customer", "store", "staff_id", "channel", "at", "reverse_reason")
ENTRY_COLUMNS = ("id", "customer", "kind", "points", "balance_after", "source_kind", "source_id", "store_id",
                 "staff_id", "reason", "at")
LOT_COLUMNS = ("id", "customer", "entry", "points", "remaining", "earned_at", "expires_at")
TABLES = ("purchase", "purchase_counter", "coupon", "coupon_redemption", "coupon_customer_count", "points_entry",
          "points_lot", "points_balance")
EVENT_COLUMNS = ("customer", "at", "kind", "channel", "store_id", "staff_id", "data", "ref_type", "ref_id")

CopyRows = Callable[[str, tuple[str, ...], list[tuple]], Awaitable[None]]


def _expiry(earned: dt.datetime) -> dt.datetime:
    """The chain's default rule: the end of the year after the year of earning, store-local."""
    return dt.datetime(earned.astimezone(ZONE).year + 2, 1, 1, tzinfo=ZONE).astimezone(dt.timezone.utc)


class History:
    """Makes one customer's history at a time into buffers that `flush` writes in the caller's write unit."""

    def __init__(self, seed: int, now: dt.datetime, template_ids: list[int], ids: dict[str, int],
                 template_names: dict[int, str] | None = None, store_names: dict[int, str] | None = None) -> None:
        self.rng = random.Random(seed ^ 0x5EED)
        self.now = now
        self.templates = template_ids
        self.template_names = template_names or {}
        self.store_names = store_names or {}
        self.events: list[tuple] = []  # the coupons' timeline events
        self.next = dict(ids)
        self.issued = {t: 0 for t in template_ids}
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.written = 0

    def _id(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]

    def _moment(self, start: dt.datetime) -> dt.datetime:
        span = max(60.0, (self.now - start).total_seconds() - 60)
        return start + dt.timedelta(seconds=self.rng.uniform(30, span))

    def add(self, customer: int, store: int, clerks: list[int], created: dt.datetime) -> None:
        rng = self.rng
        clerk_of = {c: f"E{c:05d}" for c in clerks}
        earned: list[tuple[dt.datetime, int, int, int]] = []  # at, points, store, clerk
        times = sorted(self._moment(created) for _ in range(rng.choice(PURCHASES)))
        for seq, at in enumerate(times, start=1):
            category, low, high = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            amount = rng.randrange(low, high + 1, 100)
            clerk = rng.choice(clerks)
            points = 0 if category == "bill_payment" else amount // 100
            purchase_id = self._id("purchase")
            self.rows["purchase"].append((purchase_id, customer, store, clerk, clerk_of[clerk], "purchase", category, None,
                                          amount, 0, "[]", seq, points, "store", "", at, at))
            if points:
                earned.append((at, points, store, clerk, purchase_id))
        if times:
            self.rows["purchase_counter"].append((customer, len(times)))
        for _ in range(rng.choice(VISITS)):
            at = self._moment(created)
            self.rows["purchase"].append((self._id("purchase"), customer, store, rng.choice(clerks), "", "visit", None,
                                          rng.choice(["bill_payment", "after_sales", "consultation"]), 0, 0, "[]", None,
                                          0, "store", "", at, at))
        self._coupons(customer, store, clerks, created)
        self._points(customer, earned)

    def _coupons(self, customer: int, store: int, clerks: list[int], created: dt.datetime) -> None:
        rng = self.rng
        counts: dict[int, int] = {}
        for _ in range(rng.choice(COUPONS)):
            template = rng.choice(self.templates)
            counts[template] = counts.get(template, 0) + 1
            self.issued[template] += 1
            issued_at = self._moment(created)
            until = issued_at + dt.timedelta(days=VALID_DAYS)
            clerk = rng.choice(clerks)
            seen = issued_at + dt.timedelta(hours=rng.uniform(0.1, 48)) if rng.random() < 0.6 else None
            seen = seen if seen is not None and seen < self.now else None
            state, redeemed_at, expired_at = "issued", None, None
            if rng.random() < 0.35:
                redeemed_at = issued_at + dt.timedelta(days=rng.uniform(0.05, VALID_DAYS - 0.1))
                state = "redeemed" if redeemed_at < self.now else "issued"
                redeemed_at = redeemed_at if state == "redeemed" else None
            if state == "issued" and until <= self.now:
                state, expired_at = "expired", until
            coupon_id = self._id("coupon")
            redeemer = rng.choice(clerks) if redeemed_at else None
            code = security.crockford_code(10)
            shown = {"name": self.template_names.get(template, ""), "code": format_code(code)}
            self.events.append((customer, issued_at, "coupon_issued", "store", store, clerk, json.dumps(shown),
                                "coupon", str(coupon_id)))
            if redeemed_at:
                self.events.append((customer, redeemed_at, "coupon_redeemed", "store", store, redeemer,
                                    json.dumps(shown | {"store": self.store_names.get(store, "")}), "coupon",
                                    str(coupon_id)))
            self.rows["coupon"].append((coupon_id, code, template, customer, state, "chain",
                                        issued_at, issued_at, until, store, clerk, "staff", redeemed_at,
                                        store if redeemed_at else None, redeemer, "store" if redeemed_at else None,
                                        expired_at, seen))
            if redeemed_at:
                self.rows["coupon_redemption"].append((coupon_id, customer, store, redeemer, "store", redeemed_at, ""))
        for template, issued in counts.items():
            self.rows["coupon_customer_count"].append((template, customer, issued))

    def _points(self, customer: int, earned: list[tuple]) -> None:
        """Earns, sometimes exchanges 100 points (oldest lots first), expires what is left of due lots."""
        if not earned:
            return
        balance = 0
        lots: list[list[Any]] = []  # [lot id, entry id, points, remaining, earned_at, expires_at]
        for at, points, store, clerk, purchase_id in earned:
            balance += points
            entry = self._id("points_entry")
            self.rows["points_entry"].append((entry, customer, "earn", points, balance, "purchase", str(purchase_id),
                                              store, clerk, "", at))
            lots.append([self._id("points_lot"), entry, points, points, at, _expiry(at)])
            live = [lot for lot in lots if lot[3] > 0 and lot[5] > at]
            if sum(lot[3] for lot in live) >= 2 * EXCHANGE_POINTS and self.rng.random() < 0.2:
                balance -= EXCHANGE_POINTS
                self.rows["points_entry"].append((self._id("points_entry"), customer, "redeem", -EXCHANGE_POINTS, balance,
                                                  "exchange", f"demo-{customer}-{len(self.rows['points_entry'])}",
                                                  store, clerk, "", at + dt.timedelta(minutes=5)))
                left = EXCHANGE_POINTS
                for lot in sorted(live, key=lambda lot: (lot[5], lot[0])):
                    take = min(left, lot[3])
                    lot[3] -= take
                    left -= take
                    if not left:
                        break
        for lot in lots:
            if lot[3] > 0 and lot[5] <= self.now:
                balance -= lot[3]
                self.rows["points_entry"].append((self._id("points_entry"), customer, "expire", -lot[3], balance, "lot",
                                                  str(lot[0]), None, None, "", lot[5]))
                lot[3] = 0
        for lot in lots:
            self.rows["points_lot"].append((lot[0], customer, lot[1], lot[2], lot[3], lot[4], lot[5]))
        self.rows["points_balance"].append((customer, balance, self.now))

    async def flush(self, copy_rows: CopyRows) -> int:
        """Writes the buffered rows (in the caller's write unit); returns how many."""
        written = 0
        columns = {"purchase": PURCHASE_COLUMNS, "purchase_counter": ("customer", "purchases"), "coupon": COUPON_COLUMNS,
                   "coupon_redemption": REDEMPTION_COLUMNS, "coupon_customer_count": ("template", "customer", "issued"),
                   "points_entry": ENTRY_COLUMNS, "points_lot": LOT_COLUMNS,
                   "points_balance": ("customer", "balance", "updated_at")}
        for table in TABLES:
            rows = self.rows[table]
            await copy_rows(table, columns[table], rows)
            written += len(rows)
            rows.clear()
        await copy_rows("timeline_event", EVENT_COLUMNS, self.events)
        written += len(self.events)
        self.events.clear()
        self.written += written
        return written

    async def finish(self) -> None:
        """Template counters, and the sequences past the ids given here (PostgreSQL)."""
        for template, issued in self.issued.items():
            await raw("UPDATE coupon_template SET issued = issued + {} WHERE id = {}", issued, template)
        if is_postgres():
            for table in ("purchase", "coupon", "coupon_redemption", "points_entry", "points_lot", "purchase_counter",
                          "coupon_customer_count"):
                await raw(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))")


async def start(seed: int, now: dt.datetime) -> History:
    """Creates the demo's chain-wide coupon templates and a history maker that numbers rows after the existing ones."""
    template_ids = []
    for name, kind, amount, percent, cap, item, category, purpose, min_spend in TEMPLATES:
        rows = await raw(
            "INSERT INTO coupon_template (name_zh, name_en, terms_zh, terms_en, kind, amount_off_fen, percent_off, "
            "max_off_fen, item, category, purpose, valid_days, issued, per_customer_limit, scope, min_spend_fen, active, "
            "created_at, updated_at) VALUES ({}, '', '', '', {}, {}, {}, {}, {}, {}, {}, {}, 0, NULL, 'chain', {}, {}, {}, {}) "
            "RETURNING id",
            name, kind, amount, percent, cap, item, category, purpose, VALID_DAYS, min_spend, True, now, now,
        )
        template_ids.append(rows[0]["id"])
    ids = {}
    for table in ("purchase", "coupon", "points_entry", "points_lot"):
        ids[table] = (await raw(f"SELECT COALESCE(MAX(id), 0) AS m FROM {table}"))[0]["m"]
    stores = {r["id"]: r["name"] for r in await raw("SELECT id, name FROM store")}
    names = {template_id: spec[0] for template_id, spec in zip(template_ids, TEMPLATES)}
    return History(seed, now, template_ids, ids, template_names=names, store_names=stores)
