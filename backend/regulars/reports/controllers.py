"""GET /api/v1/reports/{name}: JSON, CSV (Accept: text/csv) or XLSX (?format=xlsx)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from regulars.core.auth import principal_of, staff_guard
from regulars.core.http import language
from regulars.reports import service
from regulars.reports.registry import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    guards = [staff_guard]

    @get("/")
    async def list_reports(self) -> list[str]:
        return service.available()

    @get("/{name:str}")
    async def report(self, request: Request, name: FromPath[str]) -> Response[Table]:
        """Filters: from, to (store-local dates), store, clerk, channel, campaign; format=xlsx for a download."""
        query = {k: v for k, v in request.query_params.items()}
        table = await service.run(principal_of(request), name, query, language(request))
        accept = request.headers.get("accept", "")
        if query.get("format") == "xlsx" or XLSX in accept:
            from regulars.reports.render import to_xlsx

            return Response(to_xlsx(table), media_type=XLSX,
                            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
        if query.get("format") == "csv" or "text/csv" in accept:
            from regulars.reports.render import to_csv

            return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return Response(table)


routers = [ReportController]
