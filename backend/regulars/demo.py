"""A realistic demo chain: stores of one region, their staff, customers with plausible profiles.

Customer rows go straight to the driver inside large write units (a prepared
`executemany` on SQLite, `COPY` on PostgreSQL), skipping per-statement query
building, so that `regulars demo --stores 30 --customers 100000` takes seconds and
a million customers for the benchmark take about a minute.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable, Iterable

from regulars.core import clock, security
from regulars.core.db import engine, is_postgres, raw, writing
from regulars import demo_events, demo_history
from regulars.acquisition import demo as acquisition_demo
from regulars.customers import rules

DEMO_PASSWORD = "demo-pass-2026"
NOTICE_VERSION = "2026-01"
BATCH = 100_000
SQLITE_CACHE_KIB = 1_048_576  # a load unit dirties most index pages: keep them in memory until its commit
DEMO_LOGINS = "manager01, clerk01a"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建林波宁琳雪慧晨浩宇欣怡佳"
DISTRICTS = ["西湖", "拱墅", "上城", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安", "桐庐", "淳安", "建德"]
PLACES = ["文三路", "武林广场", "黄龙", "古荡", "三墩", "留下", "转塘", "九堡", "下沙", "闲林", "良渚", "塘栖", "瓶窑",
          "湖滨", "南星桥", "四季青", "笕桥", "丁桥", "长河", "浦沿", "西兴", "新塘", "瓜沥", "义蓬", "河庄", "径山"]
KINDS = [("flagship", "旗舰厅"), ("community", "社区厅"), ("township", "乡镇厅"), ("franchise", "合作厅")]
PLANS = ["5G畅享套餐129元", "5G畅享套餐199元", "4G飞享套餐38元", "全家享套餐169元", "宽带融合套餐99元", "5G智享套餐239元", "校园套餐19元"]
DEVICES = ["华为 Mate 70", "华为 nova 13", "iPhone 16", "iPhone 15", "小米 15", "OPPO Reno13", "vivo X200", "荣耀 Magic7", "Redmi K80"]
OCCUPATIONS = ["教师", "医生", "学生", "个体经营", "公务员", "工程师", "退休", "销售", "外卖骑手", "宝妈", "自由职业", ""]
INTERESTS = ["摄影", "游戏", "追剧", "旅游", "健身", "美食", "音乐", "钓鱼", "广场舞", "理财"]
TAGS = ["换机潜客", "宽带潜客", "商务", "老年", "学生", "宝妈", "高价值", "出差多", "流量大户", "合约将到期"]
PHONE_PREFIXES = ["138", "139", "135", "136", "137", "150", "151", "152", "157", "158", "159", "182", "183", "187", "188", "198"]


async def is_empty() -> bool:
    rows = await raw("SELECT COUNT(*) AS n FROM store")
    return rows[0]["n"] == 0


async def _insert_many(table: str, columns: tuple[str, ...], rows: Iterable[tuple], chunk: int = 400) -> None:
    batch: list[tuple] = []

    async def flush() -> None:
        if not batch:
            return
        marks = ", ".join("(" + ", ".join("{}" for _ in columns) + ")" for _ in batch)
        args = [value for row in batch for value in row]
        await raw(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks}", *args)
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            await flush()
    await flush()


async def _copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Writes rows on the current write unit's own connection: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = engine().current_transaction.get().connection
    if is_postgres():
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
    else:
        marks = ", ".join("?" for _ in columns)
        await connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


LOADED_TABLES = ("customer", "customer_store", "customer_tag", "timeline_event", "consent", *demo_history.TABLES)


async def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the loaded tables' indexes that no constraint owns."""
    names = ", ".join("{}" for _ in LOADED_TABLES)
    if is_postgres():
        rows = await raw(
            "SELECT i.indexname AS name, i.indexdef AS statement FROM pg_indexes i "
            f"WHERE i.schemaname = current_schema() AND i.tablename IN ({names}) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            *LOADED_TABLES,
        )
    else:
        rows = await raw(
            f"SELECT name, sql AS statement FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})",
            *LOADED_TABLES,
        )
    return [(r["name"], r["statement"]) for r in rows]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


async def fill(stores: int = 30, customers: int = 100_000, seed: int = 20261123,
               progress: Callable[[int], None] | None = None) -> str:
    """Fills an empty database with a demo chain; returns a one-line summary."""
    rng = random.Random(seed)
    now = clock.now()
    password_hash = security.hash_password(DEMO_PASSWORD)
    store_rows = []
    for number in range(1, stores + 1):
        kind, label = KINDS[0] if number == 1 else rng.choice(KINDS)
        place = PLACES[(number - 1) % len(PLACES)]
        district = DISTRICTS[(number - 1) % len(DISTRICTS)]
        store_rows.append((f"HZ{number:03d}", f"杭州{district}{place}{label}", kind, "杭州", "Asia/Shanghai",
                           rng.choice("ABC"), f"杭州市{district}区{place}{rng.randint(1, 300)}号", True, now))
    async with writing():
        await _insert_many("store", ("code", "name", "kind", "region", "timezone", "grade", "address", "active", "created_at"), store_rows)
        store_ids = [r["id"] for r in await raw("SELECT id FROM store ORDER BY id")]
        staff_rows = []
        for index, store_id in enumerate(store_ids, start=1):
            staff_rows.append((f"manager{index:02d}", _name(rng), f"M{index:04d}", "manager", store_id, password_hash, True, now))
            for letter in "abc":
                staff_rows.append((f"clerk{index:02d}{letter}", _name(rng), f"E{index:02d}{ord(letter) - 96:02d}", "clerk", store_id, password_hash, True, now))
        await _insert_many("staff", ("username", "display_name", "employee_no", "role", "store", "password_hash", "active", "created_at"), staff_rows)
    clerks: dict[int, list[int]] = {}
    for row in await raw("SELECT id, store FROM staff WHERE role = 'clerk' ORDER BY id"):
        clerks.setdefault(row["store"], []).append(row["id"])

    first_id = (await raw("SELECT COALESCE(MAX(id), 0) AS m FROM customer"))[0]["m"] + 1
    # Into empty tables, indexes are built once after the load (a sort) instead of row by row.
    deferred = await _secondary_indexes() if first_id == 1 else []
    for name, _ in deferred:
        await raw(f"DROP INDEX {name}")
    async with writing():
        history = await demo_history.start(seed, now)
        follows = await acquisition_demo.start(store_ids, now, seed, _copy_rows)
    try:
        await _fill_customers(rng, now, customers, first_id, store_ids, clerks, progress, history, follows)
    finally:
        for _, create in deferred:
            await raw(create)
    async with writing():
        await history.finish()
        followed = await follows.finish(_copy_rows)
    from regulars.care import demo as care_demo

    await care_demo.fill(store_ids)
    if is_postgres():
        await raw("SELECT setval(pg_get_serial_sequence('customer', 'id'), (SELECT MAX(id) FROM customer))")
        await raw("ANALYZE")  # planner statistics now, not whenever autovacuum gets to the bulk load
    from regulars.reports import coupon_days, daily, profile_bands, rfm_rollup

    await daily.refresh(full=True)  # the reports' roll-ups, so that a new demo chain reports at once
    await coupon_days.refresh(full=True)
    await profile_bands.refresh(full=True)
    await rfm_rollup.refresh()
    return (f"demo chain: {stores} stores, {len(staff_rows)} staff, {customers} customers, "
            f"{history.written} rows of purchases, coupons and points, {followed} follows through channel codes")


CUSTOMER_COLUMNS = (
    "id", "phone", "phone_tail", "name", "gender", "birth_calendar", "birth_year", "birth_month", "birth_day",
    "birth_leap_month", "occupation", "interests", "plan", "monthly_spend_fen", "spend_band", "device_model",
    "device_purchased_on", "contract_end_on", "broadband", "family_lines", "arrears_fen", "home_store",
    "responsible_clerk", "source", "source_detail", "notes", "completeness", "consent_service", "consent_marketing",
    "created_at", "updated_at",
)


CONSENT_COLUMNS = ("customer", "purpose", "granted", "notice_version", "channel", "staff_id", "store_id", "at")
SOURCES = ("store", "follow", "import")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        if phone not in used:
            used.add(phone)
            return phone


def _profile(rng: random.Random, now: dt.datetime) -> dict[str, Any]:
    rich = rng.random()
    spend = rng.choice([3800, 5900, 8800, 12900, 16900, 19900, 23900, 31900, 45000]) if rich > 0.2 else None
    has_birthday = rich > 0.3
    purchased = (now - dt.timedelta(days=rng.randint(30, 1400))).date() if rich > 0.25 else None
    contract_end = (now + dt.timedelta(days=rng.randint(-60, 700))).date() if rng.random() < 0.45 else None
    return {
        "name": _name(rng),
        "gender": rng.choice(["male", "female", None]) if rich > 0.1 else None,
        "birth_calendar": (rng.choice(["solar", "solar", "solar", "lunar"]) if has_birthday else None),
        "birth_year": rng.randint(1950, 2008) if has_birthday and rng.random() < 0.7 else None,
        "birth_month": rng.randint(1, 12) if has_birthday else None,
        "birth_day": rng.randint(1, 28) if has_birthday else None,
        "occupation": rng.choice(OCCUPATIONS) if rich > 0.35 else "",
        "interests": rng.sample(INTERESTS, rng.choice((0, 1, 2))) if rich > 0.4 else [],
        "plan": rng.choice(PLANS) if rich > 0.15 else "",
        "monthly_spend_fen": spend,
        "spend_band": rules.spend_band(spend),
        "device_model": rng.choice(DEVICES) if rich > 0.2 else "",
        "device_purchased_on": purchased,
        "contract_end_on": contract_end,
        "broadband": rng.random() < 0.5 if rich > 0.3 else None,
        "family_lines": rng.choice([0, 0, 1, 2, 3]) if rich > 0.5 else None,
    }


def _birthday(profile: dict[str, Any]) -> demo_history.Birthday:
    """(calendar, month, day, leap month), as the points rule reads a birthday month."""
    if profile["birth_month"] is None:
        return None
    return profile["birth_calendar"], profile["birth_month"], profile["birth_day"], False


async def _fill_customers(rng: random.Random, now: dt.datetime, customers: int, first_id: int, store_ids: list[int],
                          clerks: dict[int, list[int]], progress: Callable[[int], None] | None,
                          history: demo_history.History, follows: acquisition_demo.Follows) -> None:
    phones: set[str] = set()
    for start in range(0, customers, BATCH):
        customer_rows: list[tuple] = []
        member_rows: list[tuple] = []
        tag_rows: list[tuple] = []
        event_rows: list[tuple] = []
        consent_rows: list[tuple] = []
        for offset in range(min(BATCH, customers - start)):
            customer_id = first_id + start + offset
            phone = _phone(rng, phones)
            store_id = rng.choice(store_ids)
            clerk = rng.choice(clerks[store_id])
            profile = _profile(rng, now)
            created = now - dt.timedelta(days=rng.randint(0, 720), minutes=rng.randint(0, 1440))
            marketing = rng.random() < 0.6
            source = rng.choice(SOURCES)
            customer_rows.append((
                customer_id, phone, phone[-4:], profile["name"], profile["gender"], profile["birth_calendar"],
                profile["birth_year"], profile["birth_month"], profile["birth_day"], False, profile["occupation"],
                _json(profile["interests"]), profile["plan"], profile["monthly_spend_fen"], profile["spend_band"],
                profile["device_model"], profile["device_purchased_on"], profile["contract_end_on"], profile["broadband"],
                profile["family_lines"], 0, store_id, clerk, source,
                "", "", rules.completeness(profile), True, marketing, created, created,
            ))
            member_rows.append((customer_id, store_id, "home", created))
            for tag in rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2))):
                tag_rows.append((customer_id, tag))
            # a follower made their profile and gave consent on the follow page; the others, with their clerk
            channel, given, staff = ("web", "follow_page", None) if source == "follow" else ("store", "store", clerk)
            event_rows.append(demo_events.created(customer_id, created, store_id, staff, channel=channel))
            for purpose in ("service", "marketing") if marketing else ("service",):
                consent_rows.append((customer_id, purpose, True, NOTICE_VERSION, given, staff, store_id, created))
                event_rows.append(demo_events.consent(customer_id, created, purpose, NOTICE_VERSION, store_id, staff,
                                                      channel=given))
            # a follower's follow (the code they used) before their history: the follow earns its points first
            channel = follows.add(customer_id, store_id, clerk, created) if source == "follow" else None
            history.add(customer_id, store_id, clerks[store_id], created, _birthday(profile),
                        follow=(channel["store"], channel["staff"]) if channel else None)
        async with writing():
            if not is_postgres():
                await engine().current_transaction.get().connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            await _copy_rows("customer", CUSTOMER_COLUMNS, customer_rows)
            await _copy_rows("customer_store", ("customer", "store", "relation", "since"), member_rows)
            await _copy_rows("customer_tag", ("customer", "tag"), tag_rows)
            await _copy_rows("timeline_event", demo_events.COLUMNS, event_rows)
            await _copy_rows("consent", CONSENT_COLUMNS, consent_rows)
            await follows.flush(_copy_rows)
            await history.flush(_copy_rows)
        if progress is not None:
            progress(start + len(customer_rows))
