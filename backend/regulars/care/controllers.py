"""HTTP face of care: campaigns, segments, the calendar, clerk tasks, alerts, settings, unsubscribe."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from regulars.care import alerts, jobs, planner, privacy, reference, schemas, service, tasks, unsubscribe, uplift  # noqa: F401
from regulars.core import clock
from regulars.core.auth import admin_guard, manager_guard, principal_of, staff_guard
from regulars.core.http import language


class CampaignController(Controller):
    path = "/api/v1/care/campaigns"
    tags = ["care"]
    guards = [manager_guard]

    @get("/")
    async def list_campaigns(self, request: Request, status: FromQuery[str | None] = None) -> list[schemas.Campaign]:
        return await service.list_campaigns(principal_of(request), status)

    @post("/", status_code=201)
    async def create_campaign(self, request: Request, data: JSONBody[schemas.CampaignCreate]) -> schemas.Campaign:
        return await service.create_campaign(principal_of(request), data)

    @get("/{campaign_id:int}")
    async def get_campaign(self, request: Request, campaign_id: FromPath[int]) -> schemas.Campaign:
        return await service.get_campaign(principal_of(request), campaign_id)

    @patch("/{campaign_id:int}")
    async def update_campaign(self, request: Request, campaign_id: FromPath[int],
                              data: JSONBody[schemas.CampaignUpdate]) -> schemas.Campaign:
        return await service.update_campaign(principal_of(request), campaign_id, data)

    @get("/{campaign_id:int}/uplift")
    async def campaign_uplift(self, request: Request, campaign_id: FromPath[int],
                              days: Annotated[int, QueryParameter(ge=1, le=180)] = 30) -> schemas.Uplift:
        """Contacted customers against the holdout: purchases, visits and redemptions in the days after."""
        return await uplift.uplift(principal_of(request), campaign_id, days)

    @post("/{campaign_id:int}/plan", status_code=200)
    async def plan_campaign(self, request: Request, campaign_id: FromPath[int]) -> schemas.PlanResult:
        """Plans the campaign for today now, instead of at the planner's next round (adds nothing twice); 409 for
        a campaign that is not active today (a draft, paused or ended one, or one outside its dates)."""
        return await planner.plan_now(principal_of(request), campaign_id)


class SegmentController(Controller):
    path = "/api/v1/care/segments"
    tags = ["care"]
    guards = [manager_guard]

    @get("/")
    async def list_segments(self, request: Request) -> list[schemas.Segment]:
        return await service.list_segments(principal_of(request))

    @post("/", status_code=201)
    async def create_segment(self, request: Request, data: JSONBody[schemas.SegmentCreate]) -> schemas.Segment:
        return await service.create_segment(principal_of(request), data)

    @get("/{segment_id:int}")
    async def get_segment(self, request: Request, segment_id: FromPath[int]) -> schemas.Segment:
        return await service.get_segment(principal_of(request), segment_id)


class TaskController(Controller):
    path = "/api/v1/care/tasks"
    tags = ["care"]
    guards = [staff_guard]

    @get("/")
    async def today_tasks(self, request: Request, store_id: FromQuery[int | None] = None, clerk_id: FromQuery[int | None] = None,
                          limit: Annotated[int, QueryParameter(ge=1, le=500)] = 200) -> list[schemas.Task]:
        return await tasks.today_list(principal_of(request), store_id=store_id, clerk_id=clerk_id, limit=limit)

    @post("/{task_id:int}/outcome", status_code=200)
    async def record_outcome(self, request: Request, task_id: FromPath[int],
                             data: JSONBody[schemas.TaskOutcome]) -> schemas.Task:
        return await tasks.record_outcome(principal_of(request), task_id, data)

    @post("/{task_id:int}/correction", status_code=200)
    async def correct_outcome(self, request: Request, task_id: FromPath[int],
                              data: JSONBody[schemas.TaskOutcome]) -> schemas.Task:
        """Puts a mis-tapped outcome right: the clerk who recorded it within 10 minutes, the store's manager any time."""
        return await tasks.correct_outcome(principal_of(request), task_id, data)

    @get("/completion", guards=[manager_guard])
    async def completion(self, request: Request, store_id: FromQuery[int | None] = None, since: FromQuery[dt.date | None] = None,
                         until: FromQuery[dt.date | None] = None) -> list[schemas.ClerkCompletion]:
        return await tasks.completion(principal_of(request), store_id=store_id, since=since, until=until)


class AlertController(Controller):
    path = "/api/v1/care/alerts"
    tags = ["care"]
    guards = [manager_guard]

    @get("/")
    async def list_alerts(self, request: Request, include_resolved: FromQuery[bool] = False) -> list[schemas.Alert]:
        return await alerts.inbox(principal_of(request), language(request), include_resolved=include_resolved)

    @post("/{alert_id:int}/read", status_code=200)
    async def read_alert(self, request: Request, alert_id: FromPath[int]) -> schemas.Alert:
        return await alerts.mark_read(principal_of(request), alert_id, language(request))


class CareReferenceController(Controller):
    path = "/api/v1/care"
    tags = ["care"]
    guards = [staff_guard]

    @get("/holidays")
    async def holidays(self, year: FromQuery[int | None] = None) -> schemas.HolidayYear:
        return await reference.holiday_year(year if year is not None else clock.today_in(service.default_zone()).year)

    @post("/holidays", status_code=201, guards=[admin_guard])
    async def add_holiday(self, request: Request, data: JSONBody[schemas.HolidayCreate]) -> schemas.OfficialDay:
        return await reference.add_holiday(principal_of(request), data)

    @get("/seasons")
    async def seasons(self) -> list[schemas.Season]:
        return await reference.list_seasons()

    @post("/seasons", status_code=201, guards=[admin_guard])
    async def add_season(self, request: Request, data: JSONBody[schemas.SeasonCreate]) -> schemas.Season:
        return await reference.create_season(principal_of(request), data)

    @get("/settings", guards=[manager_guard])
    async def chain_settings(self, request: Request) -> schemas.Settings:
        return await reference.get_settings(principal_of(request), None)

    @patch("/settings", guards=[admin_guard])
    async def update_chain_settings(self, request: Request, data: JSONBody[schemas.SettingsUpdate]) -> schemas.Settings:
        return await reference.update_settings(principal_of(request), None, data)

    @get("/stores/{store_id:int}/settings", guards=[manager_guard])
    async def store_settings(self, request: Request, store_id: FromPath[int]) -> schemas.Settings:
        return await reference.get_settings(principal_of(request), store_id)

    @patch("/stores/{store_id:int}/settings", guards=[manager_guard])
    async def update_store_settings(self, request: Request, store_id: FromPath[int],
                                    data: JSONBody[schemas.SettingsUpdate]) -> schemas.Settings:
        return await reference.update_settings(principal_of(request), store_id, data)


class UnsubscribeController(Controller):
    path = "/u"
    include_in_schema = False

    @get("/{token:str}")
    async def page(self, request: Request, token: FromPath[str]) -> Response[str]:
        status, html = await unsubscribe.page(token, language(request))
        return Response(html, status_code=status, media_type="text/html")

    @post("/{token:str}", exclude_from_csrf=True, status_code=200)
    async def confirm(self, request: Request, token: FromPath[str]) -> Response[str]:
        status, html = await unsubscribe.confirm(token, language(request))
        return Response(html, status_code=status, media_type="text/html")


routers = [CampaignController, SegmentController, TaskController, AlertController, CareReferenceController,
           UnsubscribeController]
