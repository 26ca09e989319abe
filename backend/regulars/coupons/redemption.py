"""Redeeming a coupon and reversing a redemption: each one conditional state change.

The update carries every condition (state, validity, store, holder, minimum spend),
so of any number of concurrent redemptions of one code exactly one changes the row;
the others read the row afterwards only to say why they were refused.

On PostgreSQL the update and what it records (the redemption row, the customer's
timeline, the audit) are one statement: a round trip costs more there than the SQL
it carries. SQLite, whose statements cost microseconds, runs them one by one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from regulars.core import audit, clock, idempotency, observability
from regulars.core.auth import Principal
from regulars.core.db import is_postgres, marks, raw, writing
from regulars.core.errors import BadInput, Conflict, Forbidden, Gone, NotFound
from regulars.core.idempotency import Outcome
from regulars.coupons import codes, guessing, rules, schemas, service, templates
from regulars.customers import timeline
from regulars.purchases import service as purchases

Actor = Principal | schemas.Holder | None

REDEEM_SQL = (
    "UPDATE coupon SET state = 'redeemed', redeemed_at = {}, redeemed_store = {}, redeemed_by = {}, "
    "redeemed_channel = {}, redeemed_device = {}, purchase_id = {} "
    "WHERE code = {} AND state = 'issued' AND valid_until > {} AND valid_from <= {} "
    "AND (scope = 'chain' OR (scope = 'issuing' AND issued_store = {}) OR (scope = 'list' AND EXISTS "
    "(SELECT 1 FROM coupon_template_store ts WHERE ts.template = coupon.template AND ts.store = {})))"
)
COUPON_RETURNING = (
    "id, code, template, customer, state, scope, issued_at, valid_from, valid_until, issued_store, issued_by, "
    "source, source_ref, redeemed_at, redeemed_store, redeemed_by, expired_at"
)
# PostgreSQL: the coupon as it is now, with the id its redemption will take if the update below succeeds
READ_SQL = f"SELECT {service.COUPON_COLUMNS}, nextval('coupon_redemption_id_seq') AS redemption_id " \
    "FROM coupon c JOIN coupon_template t ON t.id = c.template WHERE c.code = {}"
# ... and what a redemption records, each written only if the update (`c`) changed the coupon
RECORDS_SQL = (
    "r AS (INSERT INTO coupon_redemption (id, coupon, customer, store, staff_id, channel, device, purchase_id, "
    f"spend_fen, at, reverse_reason) SELECT {{}}, c.id, {marks(8)}, '' FROM c), "
    f"e AS (INSERT INTO timeline_event ({timeline.COLUMNS}) SELECT {marks(9)} FROM c), "
    f"a AS (INSERT INTO audit_log ({audit.COLUMNS}) SELECT {marks(9)} FROM c)"
)
KEY_SQL = f", k AS (INSERT INTO idempotency_key ({idempotency.KEY_COLUMNS}) SELECT {marks(6)} FROM c)"
# the coupon's validity must still be what was read, as the answer (stored under the key) shows it
SAME_VALIDITY = " AND valid_from = {} AND valid_until = {}"
REVERSE_SQL = (
    "UPDATE coupon SET state = 'issued', redeemed_at = NULL, redeemed_store = NULL, redeemed_by = NULL, "
    "redeemed_channel = NULL, redeemed_device = NULL, purchase_id = NULL "
    "WHERE id = {} AND state = 'redeemed' AND redeemed_at >= {}"
)


async def redeem(
    actor: Actor,
    code: str,
    *,
    store_id: int,
    staff_id: int | None,
    channel: str,
    device: str | None = None,
    purchase_id: int | None = None,
    spend_fen: int | None = None,
    keyed: idempotency.Pending | None = None,
) -> schemas.Redemption:
    """Redeems the coupon in the store, or raises why not: 404 unknown or out of reach, 403 not valid in this
    store, 409 already redeemed, 410 expired or void, 422 not yet valid or below the minimum spend.
    With `keyed`, the answer is stored under that Idempotency-Key together with the redemption (`run_keyed`).

    `actor` is the staff member (reach: the coupon is valid in their store or its customer is theirs), the
    customer holding the coupon (`schemas.Holder`: only their own coupons), or None for the system.
    """
    if isinstance(actor, Principal) and not actor.is_admin and store_id != actor.store_id:
        raise Forbidden("coupon.redeem_store")
    parsed = codes.parse(code)
    shown = code.strip()[:20]
    if parsed is None:
        if codes.incomplete(code):
            raise BadInput("coupon.code_incomplete", field="code", code=shown)
        raise NotFound("coupon.not_found", code=shown)
    for _attempt in range(3):
        now = clock.now()
        sql, args = REDEEM_SQL, [now, store_id, staff_id, channel, device, purchase_id, parsed, now, now,
                                 store_id, store_id]
        if isinstance(actor, schemas.Holder):
            sql, args = sql + " AND customer = {}", args + [actor.customer_id]
        # a coupon with a minimum spend needs the spend stated (no amount counts as nothing spent)
        sql += " AND EXISTS (SELECT 1 FROM coupon_template t WHERE t.id = coupon.template AND t.min_spend_fen <= {})"
        args.append(spend_fen or 0)
        done = None
        if is_postgres():
            done = await _in_one_statement(actor, sql, args, parsed, store_id, staff_id, channel, device, purchase_id,
                                           spend_fen, now, keyed)
            if done is None:
                await _refuse(actor, parsed, shown, store_id, spend_fen, now)
        else:
            async with writing():
                changed = await raw(sql + " RETURNING " + COUPON_RETURNING, *args)
                if changed and purchase_id is not None:
                    await _check_purchase(actor, purchase_id, changed[0]["customer"])  # refused: the unit rolls back
                if changed:
                    done = await _record(actor, dict(changed[0]), store_id, staff_id, channel, device, purchase_id,
                                         spend_fen, now, keyed)
                else:
                    await _refuse(actor, parsed, shown, store_id, spend_fen, now)
        if done is not None:
            break
    else:
        raise Conflict()
    observability.EVENTS.labels("coupon_redeemed").inc()
    return done


async def _in_one_statement(actor: Actor, update: str, args: list, code: str, store_id: int, staff_id: int | None,
                            channel: str, device: str | None, purchase_id: int | None, spend_fen: int | None,
                            now: dt.datetime, keyed: idempotency.Pending | None) -> schemas.Redemption | None:
    """PostgreSQL: the redemption and its records (and its Idempotency-Key's answer) in one statement, after one
    read for the answer; None if the update did not change the coupon."""
    rows = await service.dict_rows(READ_SQL, code)
    if not rows:
        return None
    row = rows[0]
    if purchase_id is not None and row["state"] == "issued":  # otherwise the update below says why not
        await _check_purchase(actor, purchase_id, row["customer"])
    redemption_id = row.pop("redemption_id")
    row.update(state="redeemed", redeemed_at=now, redeemed_store=store_id, redeemed_by=staff_id)
    done = await _answer(row, redemption_id, store_id, staff_id, channel, device, purchase_id, now)
    store_name = done.store_name
    sql = f"WITH c AS ({update}{SAME_VALIDITY} RETURNING id), {RECORDS_SQL}{KEY_SQL if keyed else ''} SELECT id FROM c"
    args = [*args, row["valid_from"], row["valid_until"],
            redemption_id, row["customer"], store_id, staff_id, channel, device, purchase_id, spend_fen, now,
            *_timeline_values(row, store_id, staff_id, channel, store_name),
            *_audit_values(actor, row, store_id, staff_id, channel, device, purchase_id)]
    if keyed is not None:
        args += keyed.values(200, msgspec.json.encode(done), now)
    changed = await raw(sql, *args)
    return done if changed else None


async def _record(actor: Actor, row: dict, store_id: int, staff_id: int | None, channel: str, device: str | None,
                  purchase_id: int | None, spend_fen: int | None, now: dt.datetime,
                  keyed: idempotency.Pending | None) -> schemas.Redemption:
    """SQLite: writes what RECORDS_SQL writes on PostgreSQL, statement by statement, in the caller's transaction."""
    inserted = await raw(
        "INSERT INTO coupon_redemption (coupon, customer, store, staff_id, channel, device, purchase_id, spend_fen, "
        "at, reverse_reason) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, '') RETURNING id",
        row["id"], row["customer"], store_id, staff_id, channel, device, purchase_id, spend_fen, now,
    )
    done = await _answer(row, inserted[0]["id"], store_id, staff_id, channel, device, purchase_id, now)
    await raw(timeline.INSERT, *_timeline_values(row, store_id, staff_id, channel, done.store_name))
    await raw(audit.INSERT, *_audit_values(actor, row, store_id, staff_id, channel, device, purchase_id))
    if keyed is not None:
        await raw(idempotency.INSERT_KEY, *keyed.values(200, msgspec.json.encode(done), now))
    return done


async def _check_purchase(actor: Actor, purchase_id: int, customer_id: int) -> None:
    """Refuses a purchase that does not exist, is another customer's or is out of the caller's reach."""
    try:
        found = await (purchases.get(actor, purchase_id) if isinstance(actor, Principal)
                       else purchases.by_id(purchase_id))
    except NotFound:
        found = None
    if found is None or found.customer_id != customer_id:
        raise BadInput("coupon.purchase_mismatch", field="purchase_id", id=purchase_id)


def _timeline_values(row: dict, store_id: int, staff_id: int | None, channel: str, store_name: str) -> list:
    return timeline.values(row["customer"], "coupon_redeemed", channel="store" if channel == "store" else "web",
                           store_id=store_id, staff_id=staff_id, ref_type="coupon", ref_id=row["id"],
                           data={"name": row["name_zh"], "code": rules.format_code(row["code"]), "store": store_name})


def _audit_values(actor: Actor, row: dict, store_id: int, staff_id: int | None, channel: str, device: str | None,
                  purchase_id: int | None) -> list:
    return audit.values(actor if isinstance(actor, Principal) else None, "coupon.redeem", "coupon", row["id"],
                        store_id=store_id, actor_kind="staff" if staff_id is not None else "customer",
                        actor_id=staff_id if staff_id is not None else row["customer"],
                        detail={"channel": channel, "device": device, "purchase_id": purchase_id})


async def _answer(row: dict, redemption_id: int, store_id: int, staff_id: int | None, channel: str, device: str | None,
                  purchase_id: int | None, now: dt.datetime) -> schemas.Redemption:
    if "name_zh" not in row:  # SQLite's update returned the coupon alone
        row.update(await templates.display(row["template"]))
    store_name, _ = await templates.store_info(store_id)
    return schemas.Redemption(id=redemption_id, coupon=service.to_schema(row), store_id=store_id,
                              store_name=store_name, staff_id=staff_id, channel=channel, device=device,
                              purchase_id=purchase_id, at=now)


async def _refuse(actor: Actor, code: str, shown: str, store_id: int, spend_fen: int | None,
                  now: dt.datetime) -> None:
    """Raises the answer for a coupon the conditional update did not change; returns if it is redeemable now."""
    row = await service.row_by_code(code)
    if row is None:
        raise NotFound("coupon.not_found", code=shown)
    for key in ("valid_from", "valid_until", "redeemed_at"):
        row[key] = None if row[key] is None else clock.aware(row[key])
    valid_here = await service.valid_in_store(row, store_id)
    if isinstance(actor, schemas.Holder):
        reach = row["customer"] == actor.customer_id
    elif isinstance(actor, Principal):
        reach = valid_here or await service.in_reach(actor, row)
    else:
        reach = True
    reason = rules.refusal(row, now=now, valid_here=valid_here, in_reach=reach)
    shown = rules.format_code(row["code"]) if reason != "not_found" else shown
    if reason == "not_found":
        raise NotFound("coupon.not_found", code=shown)
    if reason == "wrong_store":
        raise Forbidden("coupon.wrong_store", code=shown, stores=await _valid_store_names(row),
                        extra={"reason": "wrong_store"})
    if reason == "already_redeemed":
        name, zone = await templates.store_info(row["redeemed_store"])
        raise Conflict("coupon.already_redeemed", code=shown, store=name, at=rules.shown_time(row["redeemed_at"], zone),
                       extra={"reason": "already_redeemed", "redeemed_at": row["redeemed_at"].isoformat(),
                              "redeemed_store_id": row["redeemed_store"], "redeemed_store_name": name})
    _, zone = await templates.store_info(store_id)
    if reason == "void":
        raise Gone("coupon.void", code=shown, extra={"reason": "void"})
    if reason == "expired":
        raise Gone("coupon.expired", code=shown, at=rules.shown_time(row["valid_until"], zone),
                   extra={"reason": "expired", "valid_until": row["valid_until"].isoformat()})
    if reason == "not_yet_valid":
        raise BadInput("coupon.not_yet_valid", field="code", code=shown, at=rules.shown_time(row["valid_from"], zone),
                       extra={"reason": "not_yet_valid", "valid_from": row["valid_from"].isoformat()})
    if spend_fen is None and row["min_spend_fen"] > 0:
        raise BadInput("coupon.spend_needed", field="spend_fen", code=shown, min_yuan=rules.yuan(row["min_spend_fen"]),
                       extra={"reason": "spend_needed", "min_spend_fen": row["min_spend_fen"]})
    if spend_fen is not None and spend_fen < row["min_spend_fen"]:
        raise BadInput("coupon.min_spend", field="spend_fen", code=shown, min_yuan=rules.yuan(row["min_spend_fen"]),
                       spend_yuan=rules.yuan(spend_fen), extra={"reason": "min_spend"})


async def _valid_store_names(row: dict) -> str:
    if row["scope"] == "issuing":
        ids = [row["issued_store"]]
    else:
        ids = [r["store"] for r in await raw("SELECT store FROM coupon_template_store WHERE template = {} ORDER BY store",
                                             row["template"])]
    return "、".join([(await templates.store_info(i))[0] for i in ids])


async def redeem_by_staff(actor: Principal, data: schemas.RedeemRequest, key: str | None) -> Outcome:
    """The counter's redemption (scan or typed code); Idempotency-Key replays the first answer; unknown codes count
    towards the caller's limit."""
    store_id = actor.store_id
    if data.store_id is not None and data.store_id != actor.store_id:
        if not actor.is_admin:
            raise Forbidden("coupon.redeem_store")
        store_id = data.store_id
    if store_id is None:
        raise BadInput("coupon.redeem_store", field="store_id")

    async def action(keyed: idempotency.Pending | None) -> tuple[int, schemas.Redemption]:
        return 200, await redeem(actor, data.code, store_id=store_id, staff_id=actor.staff_id, channel="store",
                                 device=data.device, purchase_id=data.purchase_id, spend_fen=data.spend_fen,
                                 keyed=keyed)

    return await guessing.guarded(actor, lambda: idempotency.run_keyed(f"coupons.redeem:{actor.staff_id}", key, data,
                                                                        action))


# reversal -------------------------------------------------------------------------------


async def reverse(actor: Principal, coupon_id: int, reason: str) -> schemas.Coupon:
    """Undoes a redemption made in the manager's store less than 30 minutes ago; the coupon is usable again."""
    now = clock.now()
    async with writing():
        sql, args = REVERSE_SQL, [coupon_id, now - rules.REVERSE_WINDOW]
        if not actor.is_admin:
            sql, args = sql + " AND redeemed_store = {}", args + [actor.store_id]
        changed = await raw(sql + " RETURNING customer", *args)
        if not changed:
            await _refuse_reversal(actor, coupon_id, now)
            raise Conflict("coupon.not_redeemed", code=str(coupon_id))
        undone = await raw(
            "UPDATE coupon_redemption SET reversed_at = {}, reversed_by = {}, reverse_reason = {} "
            "WHERE coupon = {} AND reversed_at IS NULL RETURNING id, store, at",
            now, actor.staff_id, reason, coupon_id,
        )
        row = await service.row_by_id(coupon_id)
        redemption: dict[str, Any] = undone[0] if undone else {}
        await timeline.add(row["customer"], "coupon_reversed", store_id=redemption.get("store"),
                           staff_id=actor.staff_id, ref_type="coupon", ref_id=coupon_id,
                           data={"name": row["name_zh"], "code": rules.format_code(row["code"]), "reason": reason})
        await audit.record(actor, "coupon.reverse", "coupon", coupon_id, store_id=redemption.get("store"),
                           detail={"reason": reason, "redemption_id": redemption.get("id"),
                                   "redeemed_at": str(redemption.get("at"))})
    return service.to_schema(row)


async def _refuse_reversal(actor: Principal, coupon_id: int, now: dt.datetime) -> None:
    row = await service.row_by_id(coupon_id)
    if row is None or not await service.in_reach(actor, row):
        raise NotFound("coupon.id_not_found", id=coupon_id)
    shown = rules.format_code(row["code"])
    if row["state"] != "redeemed":
        raise Conflict("coupon.not_redeemed", code=shown, extra={"reason": "not_redeemed"})
    if not actor.is_admin and row["redeemed_store"] != actor.store_id:
        raise Forbidden("coupon.reverse_store", code=shown)
    if not rules.reversible(clock.aware(row["redeemed_at"]), now):
        minutes = int(rules.REVERSE_WINDOW.total_seconds() // 60)
        raise Conflict("coupon.reverse_window", code=shown, minutes=minutes, extra={"reason": "reverse_window"})
