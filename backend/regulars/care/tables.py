"""Care: the holiday table, seasons, segments, campaigns, the outbox, clerk tasks, alerts, settings.

The outbox and tasks refer to customers, stores and staff by plain integer ids (no foreign keys):
the planner inserts up to a million rows at a time, and erasure keeps these rows as anonymous facts.
"""

from piccolo.columns import JSON, Date, Float, ForeignKey, Integer, OnDelete, Serial, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from regulars.stores.tables import Store


class Holiday(Table, tablename="care_holiday"):
    """Official holidays and make-up workdays an admin adds for years the calendar package does not know."""

    id = Serial(primary_key=True)
    day = Date(unique=True)
    kind = Varchar(length=10, help_text="holiday or workday (a make-up workday)")
    name = Varchar(length=60, help_text="the holiday it belongs to, e.g. National Day")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()


class Season(Table, tablename="care_season"):
    """A yearly period set by the chain (summer rest stop, winter warm tea, exam season)."""

    id = Serial(primary_key=True)
    name = Varchar(length=60)
    start_month = SmallInt()
    start_day = SmallInt()
    end_month = SmallInt()
    end_day = SmallInt()
    created_at = Timestamptz()


class Segment(Table, tablename="care_segment"):
    """A saved audience: filters over customer data, for one store or (store NULL) the chain."""

    id = Serial(primary_key=True)
    name = Varchar(length=100)
    store = ForeignKey(references=Store, null=True, on_delete=OnDelete.restrict)
    filters = JSON(default="{}")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Campaign(Table, tablename="care_campaign"):
    id = Serial(primary_key=True)
    name = Varchar(length=100)
    store = ForeignKey(references=Store, null=True, on_delete=OnDelete.restrict, help_text="NULL: chain-wide")
    status = Varchar(length=10, default="draft", help_text="draft, active, paused or ended")
    occasion = Varchar(length=30, help_text="see care.occasions")
    occasion_params = JSON(default="{}")
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    segment = ForeignKey(references=Segment, null=True, on_delete=OnDelete.restrict)
    purpose = Varchar(length=10, default="marketing", help_text="marketing or service: which consent it needs")
    message = JSON(null=True, default=None, help_text="templates per language: {lang: {title, body}}")
    coupon_template_id = Integer(null=True, default=None)
    points = Integer(null=True, default=None)
    task = JSON(null=True, default=None, help_text="{script: {lang: text}, due_days}")
    channels = JSON(default='["push", "inbox", "sms"]', help_text="message channels in the order tried")
    quiet_start = Varchar(length=5, default="21:00")
    quiet_end = Varchar(length=5, default="09:00")
    priority = SmallInt(default=50, help_text="0-100: who wins when the frequency cap allows fewer contacts")
    holdout_bp = SmallInt(default=1000, help_text="holdout share in basis points (1000 = 10%)")
    theme = Varchar(length=12, null=True, default=None, help_text="reward, communicate, improve or optimise")
    tags = JSON(default="[]")
    revision = Integer(default=1, help_text="bumped on every change; the planner re-plans a changed campaign")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Outbox(Table, tablename="care_outbox"):
    """One planned contact: unique per (customer, campaign, occasion_date); claimed under a lease."""

    id = Serial(primary_key=True)
    customer = Integer()
    campaign = Integer()
    occasion_date = Date(help_text="the store-local day the occasion is acted on (a period's first day for periods)")
    store_id = Integer()
    clerk_id = Integer(null=True, default=None)
    status = Varchar(length=16, help_text="pending, sending, sent, holdout, capped, skipped, expired, failed, uncertain, undeliverable")
    priority = SmallInt(default=50)
    due_at = Timestamptz(help_text="not before: outside quiet hours, or the next retry")
    expires_at = Timestamptz()
    attempts = SmallInt(default=0)
    lease_owner = Varchar(length=80, null=True, default=None)
    lease_until = Timestamptz(null=True, default=None)
    channel = Varchar(length=10, null=True, default=None, help_text="the message channel being tried or used")
    contacted_at = Timestamptz(null=True, default=None, help_text="when actions ran; counts toward the frequency cap")
    finished_at = Timestamptz(null=True, default=None)
    answer = Text(null=True, default=None, help_text="JSON: what each channel and action answered")
    created_at = Timestamptz()


class Task(Table, tablename="care_task"):
    """A clerk task: call or message a customer with a script; one tap records the outcome."""

    id = Serial(primary_key=True)
    outbox_id = Integer(null=True, default=None, unique=True)
    campaign = Integer(null=True, default=None)
    customer = Integer()
    store_id = Integer()
    clerk_id = Integer(null=True, default=None, help_text="NULL: the store pool, any clerk may take it")
    script = Text(default="")
    due_on = Date()
    status = Varchar(length=10, default="open", help_text="open or done")
    outcome = Varchar(length=16, null=True, default=None)
    outcome_at = Timestamptz(null=True, default=None)
    outcome_by = Integer(null=True, default=None)
    note = Varchar(length=200, default="")
    created_at = Timestamptz()


class Alert(Table, tablename="care_alert"):
    """A warning to a store's manager (critical ones to admins too), open until its condition clears."""

    id = Serial(primary_key=True)
    store_id = Integer()
    kind = Varchar(length=30, help_text="follows_low, redemptions_spike, clerk_idle, tasks_overdue")
    subject = Varchar(length=60, help_text="what breached: 'store' or 'staff:<id>'")
    level = Varchar(length=10, help_text="warning or critical")
    detail = JSON(default="{}")
    opened_at = Timestamptz()
    escalated_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
    read_at = Timestamptz(null=True, default=None)
    notified_level = Varchar(length=10, default="", help_text="the level staff were last told about (push and inbox)")


class CareSettings(Table, tablename="care_settings"):
    """Thresholds: store_id 0 holds the chain's defaults and the frequency cap; a store row overrides."""

    id = Serial(primary_key=True)
    store_id = Integer(unique=True)
    cap_count = SmallInt(default=2)
    cap_days = SmallInt(default=7)
    follows_floor = Integer(default=0, help_text="follows per day below this warn the manager (0: off)")
    redemption_spike_factor = Float(default=3.0)
    idle_clerk_days = SmallInt(default=3)
    overdue_tasks_max = Integer(default=20)
    updated_at = Timestamptz()


class PlanMark(Table, tablename="care_plan_mark"):
    """The planner's note that a campaign was planned for a local day in a zone (skips needless rescans)."""

    id = Serial(primary_key=True)
    campaign = Integer()
    zone = Varchar(length=60)
    plan_date = Date()
    revision = Integer()
    planned_at = Timestamptz()
