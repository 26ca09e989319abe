"""The audit log: who did what to which thing, when, from where."""

from __future__ import annotations

import json
from typing import Any

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import marks, raw


COLUMNS = "at, actor_kind, actor_id, action, target_type, target_id, store_id, ip, detail"
INSERT = f"INSERT INTO audit_log ({COLUMNS}) VALUES ({marks(9)})"


def values(
    actor: Principal | None,
    action: str,
    target_type: str,
    target_id: Any = None,
    *,
    detail: dict | None = None,
    store_id: int | None = None,
    actor_kind: str | None = None,
    actor_id: int | None = None,
) -> list[Any]:
    """One audit row's values, in the order of COLUMNS: for a statement that writes the row beside its cause."""
    return [
        clock.now(), actor_kind or ("staff" if actor else "system"),
        actor_id if actor_id is not None else (actor.staff_id if actor else None), action, target_type,
        None if target_id is None else str(target_id),
        store_id if store_id is not None else (actor.store_id if actor else None),
        actor.ip if actor else None, json.dumps(detail or {}, default=str),
    ]


async def record(actor: Principal | None, action: str, target_type: str, target_id: Any = None, **fields: Any) -> None:
    """Writes one audit row (the fields of `values`); inside the caller's transaction when there is one."""
    await raw(INSERT, *values(actor, action, target_type, target_id, **fields))
