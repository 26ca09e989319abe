"""HTTP face of purchases, refunds and visits, and of the POS import."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from regulars.core import db
from regulars.core.auth import manager_guard, principal_of, staff_guard
from regulars.core.errors import BadInput
from regulars.core.http import idempotency_key, language, outcome_response, page
from regulars.customers import importer as import_jobs
from regulars.customers import sheets
from regulars.customers.controllers import UPLOAD
from regulars.purchases import importer, invariants, privacy, schemas, service  # noqa: F401  (registrations)



def replayed(shape: type) -> ResponseSpec:
    return ResponseSpec(data_container=shape, description="The stored answer to a replayed Idempotency-Key")


class PurchaseController(Controller):
    path = "/api/v1/purchases"
    tags = ["purchases"]
    guards = [staff_guard]

    @post("/", status_code=201, responses={200: replayed(schemas.Purchase)})
    async def record_purchase(
        self,
        request: Request,
        data: JSONBody[schemas.PurchaseCreate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> Response[schemas.Purchase]:
        """A purchase, a refund (negative amount, optionally `refund_of`) or a visit (`kind: visit`)."""
        return outcome_response(await service.record(principal_of(request), data, idempotency_key(request)))

    @get("/{purchase_id:int}")
    async def get_purchase(self, request: Request, purchase_id: FromPath[int]) -> schemas.Purchase:
        return await service.get(principal_of(request), purchase_id)


class CustomerPurchasesController(Controller):
    path = "/api/v1/customers/{customer_id:int}/purchases"
    tags = ["purchases"]
    guards = [staff_guard]

    @get("/")
    async def customer_purchases(
        self,
        request: Request,
        customer_id: FromPath[int],
        kind: FromQuery[Literal["purchase", "refund", "visit"] | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> schemas.PurchasePage:
        paging = page(limit, offset)
        return await service.list_for(principal_of(request), customer_id, kind, paging.limit, paging.offset)


class PurchaseImportController(Controller):
    path = "/api/v1/imports/purchases"
    tags = ["imports"]
    guards = [manager_guard]

    @post("/", status_code=202, **UPLOAD)
    async def import_purchases(
        self,
        request: Request,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = True,
    ) -> dict[str, Any]:
        """Starts an import of a POS export; poll GET /api/v1/imports/{job_id} for progress and row errors."""
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise BadInput("import.file_missing", field="file")
        content = sheets.check_size(await upload.read())
        actor = principal_of(request)
        filename = upload.filename or "purchases.csv"
        job_id = await importer.start(actor, filename, dry_run)
        db.start_heavy(importer.run(actor, job_id, filename, content, dry_run))
        return await import_jobs.job(actor, job_id, language(request))


routers = [PurchaseController, CustomerPurchasesController, PurchaseImportController]
