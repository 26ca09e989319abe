"""Domain-free tables: the audit log, idempotency keys, rate-limit counters."""

from piccolo.columns import JSON, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditLog(Table, tablename="audit_log"):
    id = Serial(primary_key=True)
    at = Timestamptz(index=True)
    actor_kind = Varchar(length=20, help_text="staff, customer or system")
    actor_id = Integer(null=True, default=None)
    action = Varchar(length=60, index=True)
    target_type = Varchar(length=40)
    target_id = Varchar(length=64, null=True, default=None)
    store_id = Integer(null=True, default=None)
    ip = Varchar(length=64, null=True, default=None)
    detail = JSON(default="{}")


class IdempotencyKey(Table, tablename="idempotency_key"):
    id = Serial(primary_key=True)
    scope = Varchar(length=120, help_text="operation and caller the key is private to")
    key = Varchar(length=200)
    request_hash = Varchar(length=64)
    status_code = Integer()
    response = Text()
    created_at = Timestamptz(index=True)


class RateCounter(Table, tablename="rate_counter"):
    id = Serial(primary_key=True)
    key = Varchar(length=200, unique=True, help_text="what is limited, e.g. login:account:alice")
    window_start = Timestamptz()
    count = Integer(default=0)
    failures = Integer(default=0, help_text="consecutive failures, for the growing back-off")
    blocked_until = Timestamptz(null=True, default=None)


class JobLease(Table, tablename="job_lease"):
    """One row per background job: whoever holds the lease runs it this round, across all processes."""

    id = Serial(primary_key=True)
    name = Varchar(length=80, unique=True)
    owner = Varchar(length=80, default="")
    lease_until = Timestamptz()
    last_started_at = Timestamptz(null=True, default=None)
    last_finished_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
