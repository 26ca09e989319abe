"""HTTP face of coupon templates, coupons, redemption and bulk issue."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from regulars.core import db
from regulars.core.auth import manager_guard, principal_of, staff_guard
from regulars.core.http import idempotency_key, language, outcome_response
from regulars.coupons import bulk, invariants, jobs, privacy, redemption, schemas, service, templates  # noqa: F401  (invariants, jobs, privacy register hooks)

IdempotencyHeader = Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)]


class TemplateController(Controller):
    path = "/api/v1/coupon-templates"
    tags = ["coupons"]
    guards = [staff_guard]

    @get("/")
    async def list_templates(
        self,
        request: Request,
        active: FromQuery[bool | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> list[schemas.Template]:
        return await templates.list_templates(principal_of(request), active, limit, offset)

    @post("/", guards=[manager_guard])
    async def create_template(self, request: Request, data: JSONBody[schemas.TemplateCreate]) -> schemas.Template:
        return await templates.create(principal_of(request), data)

    @get("/{template_id:int}")
    async def get_template(self, request: Request, template_id: FromPath[int]) -> schemas.Template:
        return await templates.get(principal_of(request), template_id)

    @patch("/{template_id:int}", guards=[manager_guard])
    async def update_template(
        self, request: Request, template_id: FromPath[int], data: JSONBody[schemas.TemplateUpdate]
    ) -> schemas.Template:
        return await templates.update(principal_of(request), template_id, data)


class CouponController(Controller):
    path = "/api/v1/coupons"
    tags = ["coupons"]
    guards = [staff_guard]

    @post("/", status_code=201, responses={200: ResponseSpec(schemas.Coupon, description="Idempotency-Key replayed")})
    async def issue_coupon(
        self, request: Request, data: JSONBody[schemas.IssueRequest], idempotency_key_: IdempotencyHeader = None
    ) -> Response[schemas.Coupon]:
        return outcome_response(await service.issue_by_staff(principal_of(request), data, idempotency_key(request)))

    @post("/redeem", status_code=200)
    async def redeem_coupon(
        self, request: Request, data: JSONBody[schemas.RedeemRequest], idempotency_key_: IdempotencyHeader = None
    ) -> Response[schemas.Redemption]:
        return outcome_response(await redemption.redeem_by_staff(principal_of(request), data, idempotency_key(request)))

    @get("/lookup")
    async def lookup_coupon(self, request: Request, code: Annotated[str, QueryParameter(max_length=40)]) -> schemas.Coupon:
        return await service.lookup(principal_of(request), code)

    @get("/{coupon_id:int}")
    async def get_coupon(self, request: Request, coupon_id: FromPath[int]) -> schemas.Coupon:
        return await service.get(principal_of(request), coupon_id)

    @get("/{coupon_id:int}/qr.svg", media_type="image/svg+xml")
    async def coupon_qr(self, request: Request, coupon_id: FromPath[int]) -> Response[bytes]:
        svg = await service.qr_of(principal_of(request), coupon_id)
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})

    @post("/{coupon_id:int}/reverse", status_code=200, guards=[manager_guard])
    async def reverse_redemption(
        self, request: Request, coupon_id: FromPath[int], data: JSONBody[schemas.ReverseRequest]
    ) -> schemas.Coupon:
        return await redemption.reverse(principal_of(request), coupon_id, data.reason)

    @post("/bulk", status_code=202, guards=[manager_guard])
    async def bulk_issue(self, request: Request, data: JSONBody[schemas.BulkRequest]) -> schemas.BulkJob:
        actor = principal_of(request)
        job_id = await bulk.start(actor, data)
        claimed = await bulk.claim(job_id)
        if claimed is not None:
            db.start_heavy(bulk.run(*claimed))
        return await bulk.job(actor, job_id, language(request))

    @get("/bulk/{job_id:int}")
    async def bulk_job(self, request: Request, job_id: FromPath[int]) -> schemas.BulkJob:
        return await bulk.job(principal_of(request), job_id, language(request))


class CustomerCouponController(Controller):
    path = "/api/v1/customers/{customer_id:int}/coupons"
    tags = ["coupons"]
    guards = [staff_guard]

    @get("/")
    async def customer_coupons(
        self,
        request: Request,
        customer_id: FromPath[int],
        coupon_state: Annotated[schemas.State | None, QueryParameter(name="state")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> schemas.CouponPage:
        return await service.of_customer(principal_of(request), customer_id, limit, offset, coupon_state)


routers = [TemplateController, CouponController, CustomerCouponController]
