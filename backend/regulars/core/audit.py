"""The audit log: who did what to which thing, when, from where."""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.tables import AuditLog


async def record(
    actor: Principal | None,
    action: str,
    target_type: str,
    target_id: Any = None,
    *,
    detail: dict | None = None,
    store_id: int | None = None,
    actor_kind: str | None = None,
    actor_id: int | None = None,
) -> None:
    """Writes one audit row; inside the caller's transaction when there is one."""
    await AuditLog.insert(
        AuditLog(
            at=clock.now(),
            actor_kind=actor_kind or ("staff" if actor else "system"),
            actor_id=actor_id if actor_id is not None else (actor.staff_id if actor else None),
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            store_id=store_id if store_id is not None else (actor.store_id if actor else None),
            ip=actor.ip if actor else None,
            detail=detail or {},
        )
    )
