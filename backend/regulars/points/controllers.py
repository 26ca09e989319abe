"""HTTP face of points: a customer's balance and ledger, adjustments, bulk grants, earning rules."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from regulars.core import db
from regulars.core.auth import admin_guard, manager_guard, principal_of, staff_guard
from regulars.core.http import idempotency_key, language, outcome_response, page
from regulars.points import exchange, grants, jobs, rulebook, schemas, service  # noqa: F401  (jobs registers the room's work)



def replayed(shape: type) -> ResponseSpec:
    return ResponseSpec(data_container=shape, description="The stored answer to a replayed Idempotency-Key")


class CustomerPointsController(Controller):
    path = "/api/v1/customers/{customer_id:int}/points"
    tags = ["points"]
    guards = [staff_guard]

    @get("/")
    async def customer_points(
        self,
        request: Request,
        customer_id: FromPath[int],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> schemas.Points:
        paging = page(limit, offset)
        return await service.summary(principal_of(request), customer_id, paging.limit, paging.offset)

    @post("/exchange", status_code=201, responses={200: replayed(exchange.Exchanged)})
    async def exchange_points(
        self,
        request: Request,
        customer_id: FromPath[int],
        data: JSONBody[exchange.ExchangeCreate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> Response[exchange.Exchanged]:
        """Exchanges points for a coupon of a template with a points price: debit and issue, or neither."""
        outcome = await exchange.exchange_for_coupon(principal_of(request), customer_id, data, idempotency_key(request))
        return outcome_response(outcome)

    @post("/adjust", status_code=201, guards=[manager_guard], responses={200: replayed(schemas.Entry)})
    async def adjust_points(
        self,
        request: Request,
        customer_id: FromPath[int],
        data: JSONBody[schemas.AdjustCreate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> Response[schemas.Entry]:
        return outcome_response(await service.adjust(principal_of(request), customer_id, data, idempotency_key(request)))


class PointsController(Controller):
    path = "/api/v1/points"
    tags = ["points"]
    guards = [staff_guard]

    @post("/grants", status_code=202, guards=[manager_guard], responses={200: replayed(schemas.Grant)})
    async def grant_points(
        self,
        request: Request,
        data: JSONBody[schemas.GrantCreate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> Response[schemas.Grant]:
        outcome = await grants.create(principal_of(request), data, idempotency_key(request))
        if not outcome.replayed:
            job_id = msgspec.json.decode(outcome.body)["id"]
            db.start_heavy(grants.run(job_id))
        return outcome_response(outcome)

    @get("/grants/{grant_id:int}", guards=[manager_guard])
    async def grant_job(self, request: Request, grant_id: FromPath[int]) -> schemas.Grant:
        return await grants.view(principal_of(request), grant_id, language(request))

    @get("/rules")
    async def points_rules(self, request: Request, store_id: FromQuery[int | None] = None) -> schemas.RuleSet:
        return await rulebook.view(principal_of(request), store_id)

    @put("/rules", guards=[manager_guard])
    async def set_points_rules(self, request: Request, data: JSONBody[schemas.RuleUpdate]) -> schemas.RuleSet:
        return await rulebook.replace(principal_of(request), data)

    @get("/reconcile", guards=[admin_guard])
    async def reconcile_points(self) -> list[schemas.Drift]:
        return await service.reconcile()


routers = [CustomerPointsController, PointsController]
