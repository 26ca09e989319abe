"""The demo chain's history: purchases and visits, coupons seen and redeemed, and the points they earned,
spent on coupons and let expire, for every demo customer; with `regulars demo --customers 1000000` about
sixteen million rows, the size the reports are measured at.

Rows are made in the demo's write units, straight to the driver like the customers, and keep every
invariant `regulars reconcile` checks: purchases numbered 1..n with the counter at n, points ledger =
cached balance = remaining lots, template and per-customer coupon counters equal to the coupons. Each fact
has the timeline event its service writes (`demo_events`), so a demo customer's timeline reads like a real one.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache
from typing import Any, Awaitable, Callable

from lunar_python import LunarYear, Solar

from regulars import demo_events as events
from regulars.core import security
from regulars.core.db import is_postgres, raw
from regulars.coupons import rules as coupon_rules
from regulars.points import rules as points_rules

CATEGORIES = [("plan", 5900, 23900), ("device", 99900, 899900), ("accessory", 2900, 29900), ("service", 1000, 9900),
              ("bill_payment", 5000, 30000)]
CATEGORY_WEIGHTS = [25, 10, 30, 15, 20]
PURCHASES = [0, 0, 1, 1, 1, 2, 2, 3, 4, 6]
VISITS = [0, 0, 0, 1, 1, 2]
COUPONS = [0, 0, 1, 1, 2]
TEMPLATES = [  # name, kind, amount_off_fen, percent_off, max_off_fen, item, category, purpose, min_spend_fen, points_price
    ("满100减20", "amount_off", 2000, None, None, "", "business", "discount", 10000, None),
    ("购机9折", "percent_off", None, 10, 20000, "", "device", "discount", 0, None),
    ("免费贴膜", "service", None, None, None, "贴膜", "device", "care", 0, None),
    ("话费券5元", "amount_off", 500, None, None, "", "business", "reward", 0, None),
    ("积分兑换话费券10元", "amount_off", 1000, None, None, "", "business", "reward", 0, 100),
]
VALID_DAYS = 30
ZONE = "Asia/Shanghai"  # every demo store's
RULE = points_rules.DEFAULT_RULE  # the demo sets no points rule of its own

PURCHASE_COLUMNS = ("id", "customer", "store", "clerk", "clerk_no", "kind", "category", "visit_kind", "amount_fen",
                    "refunded_fen", "items", "seq", "points", "source", "note", "occurred_at", "created_at",
                    "created_by")
COUPON_COLUMNS = ("id", "code", "template", "customer", "state", "scope", "issued_at", "valid_from", "valid_until",
                  "issued_store", "issued_by", "source", "source_ref", "redeemed_at", "redeemed_store", "redeemed_by",
                  "redeemed_channel", "expired_at", "seen_at")
REDEMPTION_COLUMNS = ("coupon", "customer", "store", "staff_id", "channel", "spend_fen", "at", "reverse_reason")
ENTRY_COLUMNS = ("id", "customer", "kind", "points", "balance_after", "source_kind", "source_id", "store_id",
                 "staff_id", "reason", "at")
LOT_COLUMNS = ("id", "customer", "entry", "points", "remaining", "earned_at", "expires_at")
TABLES = ("purchase", "purchase_counter", "coupon", "coupon_redemption", "coupon_customer_count", "points_entry",
          "points_lot", "points_balance")
COLUMNS = {"purchase": PURCHASE_COLUMNS, "purchase_counter": ("customer", "purchases"), "coupon": COUPON_COLUMNS,
           "coupon_redemption": REDEMPTION_COLUMNS, "coupon_customer_count": ("template", "customer", "issued"),
           "points_entry": ENTRY_COLUMNS, "points_lot": LOT_COLUMNS,
           "points_balance": ("customer", "balance", "updated_at")}

CopyRows = Callable[[str, tuple[str, ...], list[tuple]], Awaitable[None]]
Birthday = tuple[str, int, int, bool] | None
Follow = tuple[int, int | None] | None  # the followed store, the clerk whose code it was


class History:
    """Makes one customer's history at a time into buffers that `flush` writes in the caller's write unit."""

    def __init__(self, seed: int, now: dt.datetime, templates: dict[int, tuple], ids: dict[str, int],
                 store_names: dict[int, str] | None = None) -> None:
        self.rng = random.Random(seed ^ 0x5EED)
        self.now = now
        self.templates = templates  # id -> (name, min_spend_fen, points_price)
        self.handed_out = [t for t, spec in templates.items() if spec[2] is None]  # what clerks give away
        self.exchanged = next((t for t, spec in templates.items() if spec[2]), None)  # what points buy
        self.store_names = store_names or {}
        self.events: list[tuple] = []
        self.next = dict(ids)
        self.issued = {t: 0 for t in templates}
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.written = 0

    def _id(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]

    def _moment(self, start: dt.datetime) -> dt.datetime:
        span = max(60.0, (self.now - start).total_seconds() - 60)
        return start + dt.timedelta(seconds=self.rng.uniform(30, span))

    def add(self, customer: int, store: int, clerks: list[int], created: dt.datetime, birthday: Birthday = None,
            follow: Follow = None) -> None:
        """One customer's history; `follow`: they became a customer by following (the store and the code's clerk)."""
        rng = self.rng
        bought = []  # id, at, category, amount, clerk, seq
        times = sorted(self._moment(created) for _ in range(rng.choice(PURCHASES)))
        for seq, at in enumerate(times, start=1):
            category, low, high = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            bought.append((self._id("purchase"), at, category, rng.randrange(low, high + 1, 100), rng.choice(clerks), seq))
        if times:
            self.rows["purchase_counter"].append((customer, len(times)))
        for _ in range(rng.choice(VISITS)):
            at, clerk = self._moment(created), rng.choice(clerks)
            visit_kind = rng.choice(["bill_payment", "after_sales", "consultation"])
            purchase_id = self._id("purchase")
            self.rows["purchase"].append((purchase_id, customer, store, clerk, "", "visit", None, visit_kind, 0, 0, "[]",
                                          None, 0, "store", "", at, at, clerk))
            self.events.append(events.purchase(customer, at, purchase_id, "visit", None, visit_kind, 0, None, 0, store,
                                               clerk))
        counts: dict[int, int] = {}
        for _ in range(rng.choice(COUPONS)):
            template = rng.choice(self.handed_out)
            issued_at = self._moment(created)
            self._coupon(customer, template, store, clerks, rng.choice(clerks), issued_at, "staff", None, counts)
        self._points(customer, store, clerks, bought, birthday, counts, (created, *follow) if follow else None)
        for template, issued in counts.items():
            self.rows["coupon_customer_count"].append((template, customer, issued))

    def _coupon(self, customer: int, template: int, store: int, clerks: list[int], clerk: int, issued_at: dt.datetime,
                source: str, source_ref: str | None, counts: dict[int, int]) -> None:
        """One coupon from its issue on: seen in the wallet or not, redeemed in the store, or left to expire."""
        rng = self.rng
        counts[template] = counts.get(template, 0) + 1
        self.issued[template] += 1
        name, min_spend, _ = self.templates[template]
        _, until = coupon_rules.coupon_window({"valid_days": VALID_DAYS}, issued_at, ZONE)
        seen = issued_at + dt.timedelta(hours=rng.uniform(0.1, 48)) if rng.random() < 0.6 else None
        seen = seen if seen is not None and seen < self.now else None
        state, redeemed_at, expired_at = "issued", None, None
        if rng.random() < (0.8 if source == "points_exchange" else 0.35):  # points paid for a coupon are used
            redeemed_at = issued_at + (until - issued_at) * rng.uniform(0.002, 0.997)
            state = "redeemed" if redeemed_at < self.now else "issued"
            redeemed_at = redeemed_at if state == "redeemed" else None
        if state == "issued" and until <= self.now:
            state, expired_at = "expired", until
        coupon_id = self._id("coupon")
        redeemer = rng.choice(clerks) if redeemed_at else None
        code = security.crockford_code(coupon_rules.CODE_LENGTH)
        self.rows["coupon"].append((coupon_id, code, template, customer, state, "chain", issued_at, issued_at, until,
                                    store, clerk, source, source_ref, redeemed_at, store if redeemed_at else None,
                                    redeemer, "store" if redeemed_at else None, expired_at, seen))
        self.events.append(events.coupon(customer, issued_at, "coupon_issued", coupon_id, name, code, store, clerk))
        if redeemed_at:
            spend = rng.randrange(min_spend, 3 * min_spend, 100) if min_spend else None
            self.rows["coupon_redemption"].append((coupon_id, customer, store, redeemer, "store", spend, redeemed_at, ""))
            self.events.append(events.coupon(customer, redeemed_at, "coupon_redeemed", coupon_id, name, code, store,
                                             redeemer, store_name=self.store_names.get(store, "")))
        if expired_at:
            self.events.append(events.coupon(customer, expired_at, "coupon_expired", coupon_id, name, code, store, None))

    def _points(self, customer: int, store: int, clerks: list[int], bought: list[tuple], birthday: Birthday,
                counts: dict[int, int], followed: tuple[dt.datetime, int, int | None] | None = None) -> None:
        """Walks the purchases in time order: each earns a lot (double in the birthday month), lots expire when
        due, and sometimes the customer spends points on a coupon, taken from the soonest-expiring lots. A follow
        earns the rule's follow bonus first, as `acquisition.follow` grants it (once per customer and store)."""
        ledger = _Ledger(self, customer)
        if followed is not None and (bonus := points_rules.bonus_points(RULE, "follow")):
            at, follow_store, staff = followed
            ledger.credit(bonus, at, "follow", str(follow_store), follow_store, staff, reason="follow")
        for purchase_id, at, category, amount, clerk, seq in bought:
            ledger.expire_until(at)
            local_day = at.astimezone(events.zone(ZONE)).date()
            in_month = birthday is not None and local_day.month in _birthday_months(birthday, local_day.year)
            points = points_rules.purchase_points(RULE, category, amount, in_month)
            if points:
                ledger.credit(points, at, "purchase", str(purchase_id), store, clerk)
            self.rows["purchase"].append((purchase_id, customer, store, clerk, "", "purchase", category, None, amount,
                                          0, "[]", seq, points, "store", "", at, at, clerk))
            self.events.append(events.purchase(customer, at, purchase_id, "purchase", category, None, amount, seq,
                                               points, store, clerk))
            price = self.templates[self.exchanged][2] if self.exchanged else 0
            exchanged_at = at + dt.timedelta(minutes=5)
            if price and ledger.balance >= 2 * price and exchanged_at < self.now and self.rng.random() < 0.2:
                ledger.expire_until(exchanged_at)
                reference = f"{self.rng.getrandbits(128):032x}"
                entry = ledger.debit(price, exchanged_at, "exchange", reference, store, clerk,
                                     reason=f"coupon template {self.exchanged}")
                self._coupon(customer, self.exchanged, store, clerks, clerk, exchanged_at, "points_exchange",
                             str(entry), counts)
        ledger.expire_until(self.now)
        ledger.close()

    async def flush(self, copy_rows: CopyRows) -> int:
        """Writes the buffered rows (in the caller's write unit); returns how many."""
        written = 0
        for table in TABLES:
            rows = self.rows[table]
            await copy_rows(table, COLUMNS[table], rows)
            written += len(rows)
            rows.clear()
        await copy_rows("timeline_event", events.COLUMNS, self.events)
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


@lru_cache(maxsize=None)
def _lunar_months(year: int) -> dict[int, tuple[int, int]]:
    """Lunar year `year`'s months (negative: its leap month) -> (Julian day of the first day, days in the month)."""
    return {m.getMonth(): (int(m.getFirstJulianDay()), m.getDayCount())
            for m in LunarYear.fromYear(year).getMonths() if m.getYear() == year}


@lru_cache(maxsize=None)
def _birthday_months(birthday: tuple[str, int, int, bool], year: int) -> frozenset[int]:
    """`points.rules.birthday_months` from a table of each lunar year's months: lunar_python takes tens of
    milliseconds to work out a lunar year, which the rule does for every purchase."""
    calendar, month, day, leap = birthday
    if calendar != "lunar":
        return frozenset({month})
    found = set()
    for lunar_year in (year - 1, year):
        months = _lunar_months(lunar_year)
        first, count = months[-month if leap and -month in months else month]
        solar = Solar.fromJulianDay(first + min(day, count) - 1)
        if solar.getYear() == year:
            found.add(solar.getMonth())
    return frozenset(found)


class _Ledger:
    """One customer's points as the ledger keeps them: entries in time order with the balance after each, lots
    taken soonest-expiring first, and what is left of a lot expired once its end has passed."""

    def __init__(self, history: History, customer: int) -> None:
        self.history, self.customer = history, customer
        self.balance = 0
        self.lots: list[list[Any]] = []  # [lot id, entry id, points, remaining, earned_at, expires_at]
        self.last: dt.datetime | None = None

    def _entry(self, kind: str, points: int, at: dt.datetime, source_kind: str, source_id: str, store: int | None,
               staff: int | None, reason: str = "") -> int:
        self.balance += points
        entry = self.history._id("points_entry")
        self.history.rows["points_entry"].append((entry, self.customer, kind, points, self.balance, source_kind,
                                                  source_id, store, staff, reason, at))
        self.history.events.append(events.points(self.customer, at, entry, kind, points, self.balance, source_kind,
                                                 store, staff, reason))
        self.last = at
        return entry

    def credit(self, points: int, at: dt.datetime, source_kind: str, source_id: str, store: int, staff: int | None,
               reason: str = "") -> None:
        entry = self._entry("earn", points, at, source_kind, source_id, store, staff, reason)
        self.lots.append([self.history._id("points_lot"), entry, points, points, at,
                          points_rules.expiry_moment(RULE, at, ZONE)])

    def debit(self, points: int, at: dt.datetime, source_kind: str, source_id: str, store: int, staff: int,
              reason: str) -> int:
        entry = self._entry("redeem", -points, at, source_kind, source_id, store, staff, reason)
        live = sorted((lot for lot in self.lots if lot[3] > 0), key=lambda lot: (lot[5], lot[0]))
        taken = dict(points_rules.take_from_lots([(lot[0], lot[3]) for lot in live], points))
        for lot in live:
            lot[3] -= taken.get(lot[0], 0)
        return entry

    def expire_until(self, moment: dt.datetime) -> None:
        for lot in sorted(self.lots, key=lambda lot: (lot[5], lot[0])):
            if lot[3] > 0 and lot[5] <= moment:
                self._entry("expire", -lot[3], lot[5], "lot", str(lot[0]), None, None)
                lot[3] = 0

    def close(self) -> None:
        if not self.lots:
            return
        for lot in self.lots:
            self.history.rows["points_lot"].append((lot[0], self.customer, lot[1], lot[2], lot[3], lot[4], lot[5]))
        self.history.rows["points_balance"].append((self.customer, self.balance, self.last))


async def start(seed: int, now: dt.datetime) -> History:
    """Creates the demo's chain-wide coupon templates and a history maker that numbers rows after the existing ones."""
    templates = {}
    for name, kind, amount, percent, cap, item, category, purpose, min_spend, price in TEMPLATES:
        rows = await raw(
            "INSERT INTO coupon_template (name_zh, name_en, terms_zh, terms_en, kind, amount_off_fen, percent_off, "
            "max_off_fen, item, category, purpose, valid_days, issued, per_customer_limit, scope, min_spend_fen, "
            "points_price, active, created_at, updated_at) VALUES ({}, '', '', '', {}, {}, {}, {}, {}, {}, {}, {}, 0, "
            "NULL, 'chain', {}, {}, {}, {}, {}) RETURNING id",
            name, kind, amount, percent, cap, item, category, purpose, VALID_DAYS, min_spend, price, True, now, now,
        )
        templates[rows[0]["id"]] = (name, min_spend, price)
    ids = {}
    for table in ("purchase", "coupon", "points_entry", "points_lot"):
        ids[table] = (await raw(f"SELECT COALESCE(MAX(id), 0) AS m FROM {table}"))[0]["m"]
    stores = {r["id"]: r["name"] for r in await raw("SELECT id, name FROM store")}
    return History(seed, now, templates, ids, store_names=stores)
