"""HTTP face of customer profiles."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from regulars.core import db
from regulars.core.auth import manager_guard, principal_of, staff_guard
from regulars.core.http import idempotency_key, language, outcome_response, page
from regulars.customers import importer, privacy, retention, schemas, service, sheets, timeline



class CustomerController(Controller):
    path = "/api/v1/customers"
    tags = ["customers"]
    guards = [staff_guard]

    @get("/")
    async def search_customers(
        self,
        request: Request,
        q: FromQuery[str] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> schemas.CustomerPage:
        return await service.search(principal_of(request), q[:60], limit, offset)

    @post(
        "/",
        status_code=201,
        responses={200: ResponseSpec(schemas.Customer, description="Idempotency-Key replayed: the stored answer")},
    )
    async def create_customer(
        self,
        request: Request,
        data: JSONBody[schemas.CustomerCreate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> Response[schemas.Customer]:
        outcome = await service.create(principal_of(request), data, idempotency_key(request))
        return outcome_response(outcome)

    @get("/{customer_id:int}")
    async def get_customer(self, request: Request, customer_id: FromPath[int]) -> schemas.Customer:
        return await service.view(principal_of(request), customer_id)

    @patch(
        "/{customer_id:int}",
        responses={409: ResponseSpec(schemas.EditConflict, media_type="application/problem+json", generate_examples=False,
                                     description="A field in `expected` was changed by someone else meanwhile: "
                                                 "nothing was written; the body names the fields and their values now "
                                                 "(a phone that is another customer's is a 409 with `existing_id`)")},
    )
    async def update_customer(
        self,
        request: Request,
        customer_id: FromPath[int],
        data: JSONBody[schemas.CustomerUpdate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> Response[schemas.Customer]:
        outcome = await service.update(principal_of(request), customer_id, data, idempotency_key(request))
        return outcome_response(outcome)

    @get("/{customer_id:int}/timeline")
    async def customer_timeline(
        self,
        request: Request,
        customer_id: FromPath[int],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> list[schemas.TimelineItem]:
        await service.reachable(principal_of(request), customer_id)
        paging = page(limit, offset)
        return await timeline.page(customer_id, language(request), paging.limit, paging.offset)

    @post("/{customer_id:int}/notes", status_code=204)
    async def add_note(
        self,
        request: Request,
        customer_id: FromPath[int],
        data: JSONBody[schemas.NoteCreate],
        idempotency_key_: Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)] = None,
    ) -> None:
        await service.add_note(principal_of(request), customer_id, data.text, idempotency_key(request))

    @post("/{customer_id:int}/consents", status_code=200)
    async def record_consent(
        self, request: Request, customer_id: FromPath[int], data: JSONBody[schemas.ConsentGrant]
    ) -> schemas.Customer:
        return await service.consent_by_staff(principal_of(request), customer_id, data)

    @get("/{customer_id:int}/export")
    async def export_customer(self, request: Request, customer_id: FromPath[int]) -> Response[dict[str, Any]]:
        document = await privacy.export(principal_of(request), customer_id)
        return Response(
            document,
            headers={"Content-Disposition": f'attachment; filename="customer-{customer_id}.json"'},
        )

    @delete("/{customer_id:int}", status_code=204, guards=[manager_guard])
    async def erase_customer(self, request: Request, customer_id: FromPath[int]) -> None:
        await privacy.erase(principal_of(request), customer_id)

    @post("/{customer_id:int}/erasure-request", status_code=202)
    async def request_erasure(self, request: Request, customer_id: FromPath[int]) -> retention.ErasureRequestOut:
        """The customer asked at the counter to have their data deleted; a job completes it."""
        actor = principal_of(request)
        await service.reachable(actor, customer_id)
        return await retention.request_erasure(customer_id, "store", actor)

    @post("/handover", status_code=200, guards=[manager_guard])
    async def handover(self, request: Request, data: JSONBody[schemas.HandoverRequest]) -> schemas.HandoverResult:
        return await service.handover(principal_of(request), data)


class PrivacyController(Controller):
    path = "/api/v1/privacy"
    tags = ["privacy"]
    guards = [manager_guard]

    @get("/erasure-requests")
    async def erasure_requests(self, request: Request, status: FromQuery[str | None] = None) -> list[retention.ErasureRequestOut]:
        return await retention.list_requests(principal_of(request), status)


def upload_too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """The import's own answer to a body past its limit (Litestar's says only "bad request")."""
    from regulars.app import on_domain_error  # at run time: app.py imports this module

    return on_domain_error(request, sheets.FileTooLarge(max=sheets.MAX_MB))


UPLOAD = {"request_max_body_size": sheets.UPLOAD_LIMIT, "exception_handlers": {RequestEntityTooLarge: upload_too_large}}


class ImportController(Controller):
    path = "/api/v1/imports"
    tags = ["imports"]
    guards = [manager_guard]

    @post("/customers", status_code=202, **UPLOAD)
    async def import_customers(
        self,
        request: Request,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = True,
    ) -> dict[str, Any]:
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            from regulars.core.errors import BadInput

            raise BadInput("import.file_missing", field="file")
        content = sheets.check_size(await upload.read())
        actor = principal_of(request)
        job_id = await importer.start(actor, upload.filename or "upload.csv", dry_run)
        db.start_heavy(importer.run(actor, job_id, upload.filename or "upload.csv", content, dry_run))
        return await importer.job(actor, job_id, language(request))

    @get("/{job_id:int}")
    async def import_job(self, request: Request, job_id: FromPath[int]) -> dict[str, Any]:
        return await importer.job(principal_of(request), job_id, language(request))


routers = [CustomerController, ImportController, PrivacyController]
