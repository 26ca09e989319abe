"""GET /api/v1/reports/{name}: JSON, CSV (Accept: text/csv) or XLSX (?format=xlsx); the customers behind a
report; the store ranking's settings and grading (admin)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody

from regulars.core.auth import admin_guard, manager_guard, principal_of, staff_guard
from regulars.core.http import idempotency_key, language, outcome_response
from regulars.reports import schemas, service
from regulars.reports import today as today_figures
from regulars.reports.registry import Table

IdempotencyHeader = Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    guards = [staff_guard]

    @get("/")
    async def list_reports(self) -> list[str]:
        return service.available()

    @get("/today")
    async def today(self, request: Request, store_id: FromQuery[int | None] = None) -> schemas.Today:
        """The store's day so far (store-local): new customers, follows, redemptions, coupons issued and purchases,
        with the caller's own share; an admin names the store, or gets the chain."""
        return await today_figures.today(principal_of(request), store_id)

    @get("/settings/weights", guards=[admin_guard])
    async def ranking_settings(self) -> schemas.RankingSettings:
        """The store ranking's weight per measure and the shares graded A and B."""
        return await service.ranking_settings()

    @put("/settings/weights", guards=[admin_guard])
    async def save_ranking_settings(self, request: Request, data: JSONBody[schemas.RankingSettings]) -> schemas.RankingSettings:
        return await service.save_ranking_settings(principal_of(request), data)

    @post("/stores/grades", guards=[admin_guard], status_code=200)
    async def grade_stores(self, request: Request, data: JSONBody[schemas.GradeRequest]) -> schemas.Graded:
        """Ranks the stores over a month (the previous one by default) and writes their A/B/C grades."""
        return await service.grade_stores(principal_of(request), data)

    @post("/churn-risk/assign", guards=[manager_guard], status_code=201,
          responses={200: ResponseSpec(data_container=schemas.ChurnAssigned, generate_examples=False,
                                       description="The stored answer to a replayed Idempotency-Key")})
    async def assign_churn_risk(self, request: Request, data: JSONBody[schemas.ChurnAssign],
                                idempotency_key_: IdempotencyHeader = None) -> Response[bytes]:
        """The chosen at-risk customers become clerk tasks with their suggested action (care's task list), each
        written in the customer's language as a campaign's task is."""
        return outcome_response(await service.assign_churn(principal_of(request), data, idempotency_key(request)))

    @get("/{name:str}")
    async def report(self, request: Request, name: FromPath[str]) -> Response[Table]:
        """Filters: from, to (store-local dates) or month, store, clerk, channel, campaign, group (store, clerk,
        template), the report's own (window, lapsed_days, ...); format=xlsx or csv for a download."""
        query = {k: v for k, v in request.query_params.items()}
        table = await service.run(principal_of(request), name, query, language(request))
        accept = request.headers.get("accept", "")
        if query.get("format") == "xlsx" or XLSX in accept:
            from regulars.reports.render import to_xlsx

            return Response(to_xlsx(table), media_type=XLSX,
                            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
        if query.get("format") == "csv" or "text/csv" in accept:
            from regulars.reports.render import to_csv

            return Response(to_csv(table), media_type="text/csv",  # Litestar adds "; charset=utf-8"
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return Response(table)

    @get("/{name:str}/customers")
    async def report_customers(self, request: Request, name: FromPath[str], limit: FromQuery[int] = 50,
                               offset: FromQuery[int] = 0) -> schemas.DrillPage:
        """The customers behind the report's figures (same filters), masked phones, within reach."""
        query = {k: v for k, v in request.query_params.items()}
        return await service.drill(principal_of(request), name, query, language(request), limit, offset)


routers = [ReportController]
