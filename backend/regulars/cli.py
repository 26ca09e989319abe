"""regulars serve | migrate | setup | worker | demo | create-staff | import-customers | import-purchases | openapi | reconcile | backup | restore"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

import regulars  # noqa: F401  (sets PICCOLO_CONF before any table is touched)
from regulars.settings import PROJECT_ROOT, get_settings


async def _migrate(quiet: bool = True) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from regulars.core.db import is_postgres

    if not is_postgres():
        get_settings().sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        print(sink.getvalue())
        raise SystemExit(f"migration failed: {result.message}")


def cmd_migrate(args: argparse.Namespace) -> None:
    asyncio.run(_migrate(quiet=not args.verbose))
    print("database is up to date")


def cmd_setup(args: argparse.Namespace) -> None:
    """Migrates, creates the first admin if there is none, and loads the demo chain into a new database."""
    from regulars.stores import service as stores

    async def run() -> None:
        await _migrate()
        password = await stores.ensure_admin(os.environ.get("REGULARS_ADMIN_PASSWORD"))
        if args.demo:
            from regulars import demo

            if await demo.is_empty():
                print("loading the demo chain…", flush=True)
                summary = await demo.fill(stores=args.stores, customers=args.customers)
                print(summary, flush=True)
        url = get_settings().public_base_url
        print(f"\n  Regulars is ready at {url}/app/")
        if password is not None:
            shown = "(from REGULARS_ADMIN_PASSWORD)" if os.environ.get("REGULARS_ADMIN_PASSWORD") else password
            print(f"  Log in as: admin / {shown}")
            if not os.environ.get("REGULARS_ADMIN_PASSWORD"):
                print("  (this password is shown once; keep it, or set REGULARS_ADMIN_PASSWORD before the first run)")
        else:
            print("  Log in with your staff account (the admin account already exists).")
        if args.demo:
            from regulars import demo

            print(f"  Demo staff: {demo.DEMO_LOGINS} / password {demo.DEMO_PASSWORD}")
        print()

    asyncio.run(run())


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = get_settings().var_dir / "metrics"
        metrics_dir.mkdir(exist_ok=True)
        for stale in metrics_dir.glob("*.db"):
            stale.unlink()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    uvicorn.run(
        "regulars.app:asgi",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        log_level=get_settings().log_level.lower(),
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


def cmd_create_staff(args: argparse.Namespace) -> None:
    from regulars.core.auth import Principal
    from regulars.stores import schemas
    from regulars.stores import service as stores

    system = Principal(staff_id=0, username="cli", display_name="cli", role="admin", store_id=None)

    async def run() -> None:
        store_id = None
        if args.store:
            codes = await stores.store_ids_by_code()
            if args.store not in codes:
                raise SystemExit(f"unknown store code {args.store}")
            store_id = codes[args.store]
        staff = await stores.create_staff(
            system,
            schemas.StaffCreate(username=args.username, display_name=args.name or args.username, role=args.role,
                                password=args.password, store_id=store_id, employee_no=args.employee_no),
        )
        print(f"created {staff.role} {staff.username} (id {staff.id})")

    asyncio.run(run())


def cmd_import_customers(args: argparse.Namespace) -> None:
    from regulars.core.auth import Principal
    from regulars.customers import importer

    system = Principal(staff_id=0, username="cli", display_name="cli", role="admin", store_id=None)

    async def run() -> None:
        path = Path(args.file)
        job_id = await importer.start(system, path.name, args.dry_run)
        await importer.run(system, job_id, path.name, path.read_bytes(), args.dry_run)
        job = await importer.job(system, job_id, "zh-CN")
        print(json.dumps({k: job[k] for k in ("status", "total", "created", "updated", "unchanged", "failed")}, ensure_ascii=False))
        for error in job["errors"]:
            print(f"  row {error['row']} {error['column']}: {error['message']}")

    asyncio.run(run())


def cmd_import_purchases(args: argparse.Namespace) -> None:
    from regulars.core.auth import Principal
    from regulars.customers import importer as jobs
    from regulars.purchases import importer

    system = Principal(staff_id=0, username="cli", display_name="cli", role="admin", store_id=None)

    async def run() -> None:
        path = Path(args.file)
        job_id = await importer.start(system, path.name, args.dry_run)
        await importer.run(system, job_id, path.name, path.read_bytes(), args.dry_run)
        job = await jobs.job(system, job_id, "zh-CN")
        print(json.dumps({k: job[k] for k in ("status", "total", "created", "unchanged", "failed")}, ensure_ascii=False))
        for error in job["errors"]:
            print(f"  row {error['row']} {error['column']}: {error['message']}")

    asyncio.run(run())


def cmd_demo(args: argparse.Namespace) -> None:
    from regulars import demo

    async def run() -> None:
        await _migrate()
        started = time.monotonic()

        def progress(done: int) -> None:
            if done % 100_000 == 0 and done < args.customers:
                print(f"  {done:,} customers ({time.monotonic() - started:.0f}s)", file=sys.stderr, flush=True)

        summary = await demo.fill(stores=args.stores, customers=args.customers, progress=progress)
        print(f"{summary} in {time.monotonic() - started:.1f}s")

    asyncio.run(run())


def cmd_openapi(args: argparse.Namespace) -> None:
    from regulars.app import create_app

    schema = create_app().openapi_schema.to_schema()
    text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    target = Path(args.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(f"wrote {target}")


def cmd_reconcile(args: argparse.Namespace) -> None:
    """Checks every registered invariant; exits 1 when anything drifted."""
    from regulars.app import create_app
    from regulars.core import invariants

    create_app()  # imports every room, which registers its checks

    async def run() -> int:
        drifted = 0
        for name, problems in (await invariants.run_all()).items():
            print(f"{'ok   ' if not problems else 'DRIFT'} {name}")
            for problem in problems[:50]:
                print(f"      {problem}")
            drifted += len(problems)
        return drifted

    raise SystemExit(1 if asyncio.run(run()) else 0)


def cmd_backup(args: argparse.Namespace) -> None:
    import datetime as dt

    from regulars.core.backup import backup

    settings = get_settings()
    default = settings.var_dir / "backups" / f"regulars-{dt.datetime.now():%Y%m%d-%H%M%S}.{'dump' if settings.is_postgres else 'sqlite3'}"
    print(f"wrote {backup(settings, Path(args.output) if args.output else default)}")


def cmd_restore(args: argparse.Namespace) -> None:
    from regulars.core.backup import restore

    restore(get_settings(), Path(args.file))
    print(f"restored {args.file}")


def cmd_worker(args: argparse.Namespace) -> None:
    from regulars import worker

    try:
        import uvloop  # uvicorn's event loop, installed with the server: a worker runs on the loop `serve` runs on
    except ImportError:
        asyncio.run(worker.run_forever(once=args.once))
    else:
        uvloop.run(worker.run_forever(once=args.once))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="regulars", description="Regulars (门店熟客)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the API, the customer pages and the PWA")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="bring the database schema up to date")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("setup", help="migrate, create the first admin, optionally load the demo chain")
    p.add_argument("--demo", action="store_true", help="load the demo chain into an empty database")
    p.add_argument("--stores", type=int, default=5)
    p.add_argument("--customers", type=int, default=400)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("create-staff", help="create a staff account")
    p.add_argument("username")
    p.add_argument("--password", required=True)
    p.add_argument("--role", choices=["clerk", "manager", "admin"], default="clerk")
    p.add_argument("--store", help="store code")
    p.add_argument("--name")
    p.add_argument("--employee-no")
    p.set_defaults(func=cmd_create_staff)

    p = sub.add_parser("import-customers", help="import a billing-system export (CSV or XLSX)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_import_customers)

    p = sub.add_parser("import-purchases", help="import a POS export of purchases (CSV or XLSX), idempotent on 订单号")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_import_purchases)

    p = sub.add_parser("demo", help="fill a realistic demo chain")
    p.add_argument("--stores", type=int, default=30)
    p.add_argument("--customers", type=int, default=100_000)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("openapi", help="write the OpenAPI document")
    p.add_argument("--output", default=str(PROJECT_ROOT / "schemas" / "openapi.json"))
    p.set_defaults(func=cmd_openapi)

    p = sub.add_parser("reconcile", help="check every invariant; exit 1 on drift")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("backup", help="online backup of the database")
    p.add_argument("--output", help="file to write (default: var/backups/…)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup (stop the server first)")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("worker", help="run background jobs (planning, dispatch, expiry)")
    p.add_argument("--once", action="store_true")
    p.set_defaults(func=cmd_worker)

    args = parser.parse_args(argv)
    from regulars.core.errors import DomainError
    from regulars.core.i18n import negotiate, t

    try:
        args.func(args)
    except DomainError as exc:
        lang = negotiate(os.environ.get("LANG", "").replace("_", "-").split(".")[0] or None)
        print(f"regulars: {t(exc.key, lang, **exc.params)}", file=sys.stderr)
        raise SystemExit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
