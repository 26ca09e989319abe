"""create_app(): routers, middleware, templates, static files and the one error map."""

from __future__ import annotations

import asyncio
import logging
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

from litestar import Litestar, Request, Response, get
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.exceptions import (
    ClientException,
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.template.config import TemplateConfig

from regulars import pwa, worker
from regulars.care.controllers import routers as care_routers
from regulars.core import db, housekeeping, observability, process, validation  # noqa: F401  (housekeeping registers its job)
from regulars.core.nul import refuse_nul
from regulars.core.openapi import ClosedStructSchemaPlugin, describe_problems
from regulars.core.errors import DomainError, TooManyRequests
from regulars.core.http import language
from regulars.core.i18n import t
from regulars.acquisition.controllers import routers as acquisition_routers
from regulars.coupons.controllers import routers as coupon_routers
from regulars.customers.controllers import routers as customer_routers
from regulars.messaging.controllers import routers as messaging_routers
from regulars.messaging.push import close_sessions as close_push_sessions
from regulars.pages.counter import routers as counter_pages
from regulars.pages.follow import routers as follow_pages
from regulars.pages.redeem import routers as redeem_pages
from regulars.pages.common import message_page
from regulars.pages.wallet import routers as wallet_pages
from regulars.points.controllers import routers as points_routers
from regulars.purchases.controllers import routers as purchase_routers
from regulars.reports.controllers import routers as report_routers
from regulars.settings import get_settings
from regulars.stores.auth import session_middleware
from regulars.stores.controllers import routers as store_routers

log = logging.getLogger("regulars")
API_PREFIX = "/api/"


def problem(request: Request, status: int, key: str, /, *, field: str | None = None, extra: dict | None = None,
            headers: dict | None = None, **params: Any) -> Response:
    """One problem+json answer, its message in the caller's language; the field is one of its values."""
    lang = language(request)
    text = t(key, lang, **({"field": field} if field else {}), **params)
    body: dict[str, Any] = {"type": f"urn:regulars:{key}", "title": text, "status": status, "code": key, "detail": text}
    if field:
        body["field"] = field
    body.update(extra or {})
    return Response(body, status_code=status, media_type="application/problem+json", headers=headers)


def on_domain_error(request: Request, exc: DomainError) -> Response:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    params = dict(exc.params)
    if isinstance(exc, TooManyRequests):
        params.setdefault("retry_after", exc.retry_after)
    return problem(request, exc.status_code, exc.key, field=exc.field, extra=exc.extra, headers=headers, **params)


def on_validation_error(request: Request, exc: ValidationException) -> Response:
    """Every refused value, each told in the caller's language (never msgspec's English)."""
    details = exc.extra if isinstance(exc.extra, list) else []
    lang = language(request)
    errors = [validation.explain(str(item.get("key") or ""), str(item.get("message", "")), lang)
              for item in details if isinstance(item, dict)]
    if not errors:
        errors.append(validation.explain_detail(str(exc.detail), lang)
                      or {"field": "body", "message": t("error.body", lang)})
    first = errors[0]
    return Response(
        {"type": "urn:regulars:error.validation", "title": first["message"], "status": 400,
         "code": "error.validation", "detail": first["message"], "field": first["field"], "errors": errors},
        status_code=400,
        media_type="application/problem+json",
    )


def _browser_page(request: Request) -> bool:
    """A browser asking for a page outside the API (a customer's cut-off QR link): it gets a page, not JSON."""
    path = request.url.path
    return (request.method == "GET" and not path.startswith(("/api/", "/app/", "/metrics", "/healthz"))
            and "text/html" in request.headers.get("accept", ""))


def on_http_error(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, ClientException) and isinstance(exc.__cause__, SerializationException):
        return problem(request, 400, "error.body", field="body")
    if isinstance(exc, NotAuthorizedException):
        return problem(request, 401, "error.unauthorized")
    if isinstance(exc, PermissionDeniedException):
        key = "error.csrf" if "CSRF" in str(exc.detail) else "error.forbidden"
        return problem(request, 403, key)
    if isinstance(exc, NotFoundException):
        if _browser_page(request):
            return message_page(request, 404, "page.missing.title", t("page.missing.body", language(request)))
        return problem(request, 404, "error.not_found")
    if isinstance(exc, MethodNotAllowedException):
        return problem(request, 405, "error.method")
    if exc.status_code >= 500:
        log.error("http error %s: %s", exc.status_code, exc.detail)
        return problem(request, exc.status_code, "error.internal")
    return problem(request, exc.status_code, "error.bad_request")


INT32_MAX = 2_147_483_647


def on_data_error(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (an integer past its column, text it cannot store): the input's fault.

    An id in the path that no row can have answers 404 like any unknown id; anything else 422.
    """
    log.warning("value refused by the database on %s %s: %s", request.method,
                observability.route_template(request.scope), type(exc).__name__)
    if any(isinstance(v, int) and not -INT32_MAX - 1 <= v <= INT32_MAX for v in request.path_params.values()):
        return problem(request, 404, "error.not_found")
    return problem(request, 422, "error.out_of_range")


def _data_errors() -> dict[type[Exception], Any]:
    handlers: dict[type[Exception], Any] = {OverflowError: on_data_error}
    try:
        from asyncpg.exceptions import DataError
    except ImportError:  # pragma: no cover  (PostgreSQL support not installed)
        return handlers
    handlers[DataError] = on_data_error
    return handlers


def on_recursion(request: Request, exc: RecursionError) -> Response:
    """JSON nested deeper than the decoder goes is a body that is not valid JSON, not a server error."""
    if "deserializing" in str(exc):
        return problem(request, 400, "error.body", field="body")
    return on_unexpected(request, exc)


def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, observability.route_template(request.scope))
    return problem(request, 500, "error.internal")


@get("/healthz", exclude_from_csrf=True, include_in_schema=True, tags=["operations"],
     responses={503: ResponseSpec(dict[str, str], description="The database is unreachable", generate_examples=False)})
async def healthz() -> Response[dict[str, str]]:
    try:
        await db.raw("SELECT 1 AS ok")
    except Exception as exc:
        log.warning("health check failed: %s", type(exc).__name__)
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


@get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response[bytes]:
    """Prometheus metrics: with REGULARS_METRICS_TOKEN as a bearer token, or from this machine."""
    expected = get_settings().metrics_token
    if expected:
        allowed = secrets.compare_digest(request.headers.get("authorization", ""), f"Bearer {expected}")
    else:
        allowed = (request.client.host if request.client else "") in ("127.0.0.1", "::1")
    if not allowed:
        return problem(request, 403, "error.forbidden")
    return Response(observability.metrics_text(), media_type=observability.METRICS_CONTENT_TYPE)


@get("/api/v1/ping", tags=["operations"])
async def ping() -> dict[str, str]:
    """A bare JSON answer: the benchmark's baseline."""
    return {"pong": "ok"}


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    """Opens the database pool; runs the background jobs in this process unless workers run them."""
    await db.start()
    process.settle()
    stop = asyncio.Event()
    jobs = asyncio.create_task(worker.loop(stop)) if get_settings().run_jobs_in_server else None
    try:
        yield
    finally:
        stop.set()
        if jobs is not None:
            await jobs
        await db.stop()


def create_app() -> Litestar:
    settings = get_settings()
    observability.configure_logging(settings.log_level)
    route_handlers: list[Any] = [
        healthz, metrics, ping, *store_routers, *customer_routers, *coupon_routers, *points_routers,
        *purchase_routers, *report_routers, *care_routers, *pwa.routers(),
        *messaging_routers, *acquisition_routers, *follow_pages, *wallet_pages, *redeem_pages,
        *counter_pages,
    ]
    app = Litestar(
        route_handlers=route_handlers,
        lifespan=[lifespan],
        on_shutdown=[close_push_sessions],
        middleware=[session_middleware],
        before_request=refuse_nul,
        plugins=[ClosedStructSchemaPlugin()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="csrftoken",
            header_name="x-csrftoken",
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            exclude=["^/api/v1/auth/login$"],
        ),
        template_config=TemplateConfig(directory=Path(__file__).parent / "pages" / "templates", engine=JinjaTemplateEngine),
        exception_handlers={
            DomainError: on_domain_error,
            ValidationException: on_validation_error,
            HTTPException: on_http_error,
            **_data_errors(),
            RecursionError: on_recursion,
            Exception: on_unexpected,
        },
        openapi_config=OpenAPIConfig(
            title="Regulars (门店熟客) API",
            version="1.0.0",
            path="/api/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        logging_config=None,
        debug=False,
    )
    describe_problems(app.openapi_schema)
    return app


def asgi() -> observability.ObservabilityMiddleware:
    """What `regulars serve` runs: the app inside request ids, access logs and metrics."""
    return observability.ObservabilityMiddleware(create_app())
