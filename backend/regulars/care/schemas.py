"""Request and response shapes of care: campaigns, segments, holidays, seasons, tasks, alerts, settings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from regulars.core.stats import MIN_EACH_WAY

OccasionKind = Literal[
    "birthday", "follow_anniversary", "festival", "holiday", "season", "date_range", "contract_end",
    "device_age", "arrears", "win_back", "coupon_expiring", "points_expiring", "purchase_follow_up",
    "complaint_follow_up", "after_sales_follow_up",
]
ChannelName = Literal["push", "inbox", "sms", "task"]
Purpose = Literal["marketing", "service"]
Theme = Literal["reward", "communicate", "improve", "optimise"]
Outcome = Literal["reached", "no_answer", "interested", "declined", "wrong_number", "bought"]
Time = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Word = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Words = Annotated[list[Word], msgspec.Meta(max_length=50)]
Ids = Annotated[list[int], msgspec.Meta(max_length=500)]
Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]
Tier = Annotated[int, msgspec.Meta(ge=1, le=5)]


class Occasion(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """When a campaign acts; which fields matter depends on the kind (see care.occasions)."""

    kind: OccasionKind
    days_before: Annotated[int, msgspec.Meta(ge=0, le=60)] = 0
    festival: str | None = None
    holiday: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    season_id: int | None = None
    offsets: Annotated[list[Annotated[int, msgspec.Meta(ge=0, le=365)]], msgspec.Meta(max_length=6)] | None = None
    months: Annotated[int, msgspec.Meta(ge=1, le=120)] | None = None
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None
    every_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None


class Filters(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Audience filters; every one narrows (AND), a list matches any of its values (OR).

    RFM tiers (1-5, 5 = most recent, most frequent, most spent) are those of the reports' nightly
    roll-up, against the store's home customers for a store's segment and against the chain otherwise."""

    store_ids: Ids = []
    tags_any: Words = []
    interests_any: Words = []
    occupations: Words = []
    plans: Words = []
    spend_bands: Words = []
    genders: list[Literal["male", "female"]] = []
    store_grades: list[Literal["A", "B", "C"]] = []
    clerk_ids: Ids = []
    device_age_months_min: Days | None = None
    device_age_months_max: Days | None = None
    last_visit_days_min: Days | None = None
    last_visit_days_max: Days | None = None
    completeness_min: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    points_min: Annotated[int, msgspec.Meta(ge=0)] | None = None
    points_max: Annotated[int, msgspec.Meta(ge=0)] | None = None
    rfm_r: list[Tier] = []
    rfm_f: list[Tier] = []
    rfm_m: list[Tier] = []


class SegmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    filters: Filters = msgspec.field(default_factory=Filters)
    store_id: int | None = None


class Segment(msgspec.Struct):
    id: int
    name: str
    store_id: int | None
    filters: Filters
    size: int | None
    created_at: dt.datetime


class MessageText(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class MessageAction(msgspec.Struct, forbid_unknown_fields=True):
    """A Jinja2 template per language (zh-CN required, en optional) with customer fields."""

    templates: dict[str, MessageText]
    url: Annotated[str, msgspec.Meta(max_length=300)] | None = None


class TaskAction(msgspec.Struct, forbid_unknown_fields=True):
    script: dict[str, Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]]
    due_days: Annotated[int, msgspec.Meta(ge=0, le=14)] = 2


class CampaignCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    occasion: Occasion
    store_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    segment_id: int | None = None
    purpose: Purpose = "marketing"
    message: MessageAction | None = None
    coupon_template_id: int | None = None
    points: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    task: TaskAction | None = None
    channels: Annotated[list[ChannelName], msgspec.Meta(min_length=1, max_length=4)] = msgspec.field(
        default_factory=lambda: ["push", "inbox", "sms"])
    quiet_start: Time = "21:00"
    quiet_end: Time = "09:00"
    priority: Annotated[int, msgspec.Meta(ge=0, le=100)] = 50
    holdout_percent: Annotated[float, msgspec.Meta(ge=0, le=50)] = 10.0
    theme: Theme | None = None
    tags: Annotated[list[Annotated[str, msgspec.Meta(max_length=30)]], msgspec.Meta(max_length=10)] = []
    status: Literal["draft", "active"] = "draft"


class CampaignUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    status: Literal["draft", "active", "paused", "ended"] | UnsetType = UNSET
    occasion: Occasion | UnsetType = UNSET
    starts_on: dt.date | None | UnsetType = UNSET
    ends_on: dt.date | None | UnsetType = UNSET
    segment_id: int | None | UnsetType = UNSET
    purpose: Purpose | UnsetType = UNSET
    message: MessageAction | None | UnsetType = UNSET
    coupon_template_id: int | None | UnsetType = UNSET
    points: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None | UnsetType = UNSET
    task: TaskAction | None | UnsetType = UNSET
    channels: Annotated[list[ChannelName], msgspec.Meta(min_length=1, max_length=4)] | UnsetType = UNSET
    quiet_start: Time | UnsetType = UNSET
    quiet_end: Time | UnsetType = UNSET
    priority: Annotated[int, msgspec.Meta(ge=0, le=100)] | UnsetType = UNSET
    holdout_percent: Annotated[float, msgspec.Meta(ge=0, le=50)] | UnsetType = UNSET
    theme: Theme | None | UnsetType = UNSET
    tags: Annotated[list[Annotated[str, msgspec.Meta(max_length=30)]], msgspec.Meta(max_length=10)] | UnsetType = UNSET


class Campaign(msgspec.Struct):
    id: int
    name: str
    store_id: int | None
    status: str
    occasion: Occasion
    starts_on: dt.date | None
    ends_on: dt.date | None
    segment_id: int | None
    purpose: str
    message: MessageAction | None
    coupon_template_id: int | None
    points: int | None
    task: TaskAction | None
    channels: list[str]
    channels_ready: list[str]
    quiet_start: str
    quiet_end: str
    priority: int
    holdout_percent: float
    theme: str | None
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    counts: dict[str, int] = {}
    task_outcomes: dict[str, int] = {}


class HolidayCreate(msgspec.Struct, forbid_unknown_fields=True):
    day: dt.date
    kind: Literal["holiday", "workday"]
    name: Word


class OfficialDay(msgspec.Struct):
    day: dt.date
    kind: str
    name: str
    source: str


class HolidayYear(msgspec.Struct):
    year: int
    package_knows_year: bool
    days: list[OfficialDay]


class SeasonCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Word
    start_month: Annotated[int, msgspec.Meta(ge=1, le=12)]
    start_day: Annotated[int, msgspec.Meta(ge=1, le=31)]
    end_month: Annotated[int, msgspec.Meta(ge=1, le=12)]
    end_day: Annotated[int, msgspec.Meta(ge=1, le=31)]


class Season(msgspec.Struct):
    id: int
    name: str
    start_month: int
    start_day: int
    end_month: int
    end_day: int


class Task(msgspec.Struct):
    id: int
    customer_id: int
    customer_name: str
    phone_masked: str
    campaign_id: int | None
    campaign_name: str
    script: str
    due_on: dt.date
    overdue: bool
    pool: bool
    clerk_id: int | None
    status: str
    outcome: str | None
    outcome_at: dt.datetime | None
    outcome_by: int | None = None  # the staff member who recorded the outcome
    correct_until: dt.datetime | None = None  # until then the recorder may correct it (a manager any time)


class TaskOutcome(msgspec.Struct, forbid_unknown_fields=True):
    outcome: Outcome
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class ClerkCompletion(msgspec.Struct):
    clerk_id: int | None
    clerk_name: str
    assigned: int
    done: int
    overdue: int
    outcomes: dict[str, int]


class Alert(msgspec.Struct):
    id: int
    store_id: int
    kind: str
    subject: str
    level: str
    message: str
    detail: dict
    opened_at: dt.datetime
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    read_at: dt.datetime | None


class Settings(msgspec.Struct):
    store_id: int | None
    cap_count: int
    cap_days: int
    follows_floor: int
    redemption_spike_factor: float
    idle_clerk_days: int
    overdue_tasks_max: int


class SettingsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    cap_count: Annotated[int, msgspec.Meta(ge=1, le=50)] | UnsetType = UNSET
    cap_days: Annotated[int, msgspec.Meta(ge=1, le=90)] | UnsetType = UNSET
    follows_floor: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | UnsetType = UNSET
    redemption_spike_factor: Annotated[float, msgspec.Meta(ge=1.0, le=100.0)] | UnsetType = UNSET
    idle_clerk_days: Annotated[int, msgspec.Meta(ge=1, le=90)] | UnsetType = UNSET
    overdue_tasks_max: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | UnsetType = UNSET


class PlanResult(msgspec.Struct):
    planned: int
    holdout: int


class GroupOutcome(msgspec.Struct):
    customers: int
    purchased: int
    visited: int
    redeemed: int
    purchase_rate: float


class Uplift(msgspec.Struct):
    """Contacted customers against the campaign's holdout over the same days after each occasion."""

    campaign_id: int
    days: int
    occasions: int
    contacted: GroupOutcome
    holdout: GroupOutcome
    purchase_uplift_points: float  # percentage points: contacted rate minus holdout rate
    # its 95% interval, in points; None with a reason where a group is too small to tell (no_interval = "too_few":
    # fewer than min_each_way customers who bought, or who did not, in a group) or empty ("no_data")
    purchase_uplift_low_points: float | None = None
    purchase_uplift_high_points: float | None = None
    no_interval: Literal["too_few", "no_data"] | None = None
    min_each_way: int = MIN_EACH_WAY
