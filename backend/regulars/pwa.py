"""How the staff PWA is served: `/` leads to `/app/`, the shell's files, and a service worker
whose bytes change whenever any shell file does, so tablets pick up a new version by themselves."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from litestar import Request, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from regulars.settings import PROJECT_ROOT

PWA_DIR = PROJECT_ROOT / "pwa"
VERSION_MARK = 'const VERSION = "dev";'
NO_CACHE = CacheControlHeader(no_cache=True)

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


def shell_version(root: Path = PWA_DIR) -> str:
    """A short digest of every file of the shell (path, size, modification time)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@get("/", include_in_schema=False)
async def root() -> Redirect:
    return Redirect(path="/app/", status_code=302)


async def app_without_slash(request: Request) -> Redirect | None:
    """`/app` would be outside the service worker's scope (`/app/`): send it inside."""
    if request.scope.get("raw_path", b"").split(b"?")[0] == b"/app":
        return Redirect(path="/app/", status_code=301)
    return None


@get("/app/sw.js", include_in_schema=False, cache_control=NO_CACHE)
async def service_worker() -> Response[str]:
    path = PWA_DIR / "sw.js"
    if not path.is_file():
        raise NotFoundException()
    source = path.read_text(encoding="utf-8").replace(VERSION_MARK, f'const VERSION = "{shell_version()}";', 1)
    return Response(source, media_type="text/javascript", headers={"Service-Worker-Allowed": "/app/"})


@get("/favicon.ico", include_in_schema=False, cache_control=CacheControlHeader(max_age=86400))
async def favicon() -> Response[bytes]:
    """The app's icon, which browsers ask for on every page (the customer pages' too)."""
    path = PWA_DIR / "icons" / "icon-192.png"
    if not path.is_file():
        raise NotFoundException()
    return Response(path.read_bytes(), media_type="image/png")


def routers() -> list:
    """The PWA's route handlers, or none when the shell is not part of this installation."""
    if not PWA_DIR.is_dir():
        return []
    files = create_static_files_router(
        path="/app", directories=[PWA_DIR], html_mode=True, name="pwa", cache_control=NO_CACHE,
        before_request=app_without_slash,
    )
    return [root, service_worker, favicon, files]
