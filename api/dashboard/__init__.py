"""The dashboard at `/` and the offline API docs at `/docs` and `/redoc` (API.md, Operations).

Server-side this is only a shell: one HTML page, the dashboard's own script and style
(api/dashboard/static/), and the third-party browser assets installed by npm from
web/package-lock.json (ECharts, Swagger UI, ReDoc: web/node_modules in a checkout, copies in
the package when built as a wheel, never a CDN: api/dashboard/assets.py). The pages
fetch every figure from the JSON API with `Authorization: Bearer <token>`, so what they show
is what the API answers, and they depend on no read model or service of the server.

Every response served from here carries the security headers of `PAGE_HEADERS`: a
Content-Security-Policy with scripts from this origin only (no inline script: the Swagger UI
and ReDoc start-up scripts are files too), nosniff, no referrer, and no framing.

The pages, /docs, /redoc and the assets are public (api/gate.py): they hold no data; the API
calls they make need the token."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from . import assets

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
ASSET_PREFIX = "/assets"


class AssetsMissing(RuntimeError):
    """The pages' third-party files are not installed: the server does not start without them."""


def check_assets() -> None:
    absent = assets.missing()
    if absent:
        shown = ", ".join(absent[:3]) + (f" and {len(absent) - 3} more" if len(absent) > 3 else "")
        raise AssetsMissing(
            f"the dashboard's and /docs' browser assets are missing ({shown}): in a checkout run scripts/serve "
            "(or `npm ci` in web/); build a wheel only after that, so the build copies them into the package")

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    # Swagger UI, ReDoc and ECharts set style attributes at run time; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PAGE_PATHS = frozenset({"/", "/docs", "/redoc", "/docs/oauth2-redirect"})
PAGE_PREFIXES = (ASSET_PREFIX + "/",)

router = APIRouter(include_in_schema=False)


def _page(name: str) -> HTMLResponse:
    # Cached by nothing: the shell is small and must follow the assets it names.
    return HTMLResponse((TEMPLATES / name).read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


@router.get("/", response_class=HTMLResponse)
def dashboard() -> HTMLResponse:
    return _page("index.html")


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    return _page("docs.html")


@router.get("/docs/oauth2-redirect")
def swagger_oauth2_redirect() -> RedirectResponse:
    return RedirectResponse(f"{ASSET_PREFIX}/swagger-ui/oauth2-redirect.html")


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    return _page("redoc.html")


# ReDoc 2's footer always shows its vendor logo from this address, which the CSP refuses (a
# console error on an offline network); the bundle is served with a blank image in its place.
REDOC_BUNDLE = "redoc.standalone.js"
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_SVG = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@lru_cache(maxsize=1)
def _redoc_bundle(mtime_ns: int) -> bytes:
    return (assets.folder("redoc") / REDOC_BUNDLE).read_bytes().replace(REDOC_CDN_LOGO, BLANK_SVG)


@router.get(f"{ASSET_PREFIX}/redoc/{REDOC_BUNDLE}")
def redoc_bundle() -> Response:
    path = assets.folder("redoc") / REDOC_BUNDLE
    if not path.exists():
        return Response(status_code=404)
    return Response(_redoc_bundle(path.stat().st_mtime_ns), media_type="text/javascript",
                    headers={"Cache-Control": "no-cache"})


class PageHeaders:
    """Adds PAGE_HEADERS to every response for a page or an asset (plain ASGI)."""

    def __init__(self, app):
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in PAGE_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path not in PAGE_PATHS and not path.startswith(PAGE_PREFIXES):
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                   *(h for h in self.headers if h[0] not in names)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """The pages, the docs and their assets; the app is made with docs_url=None, redoc_url=None."""
    app.include_router(router)
    app.mount(f"{ASSET_PREFIX}/app", StaticFiles(directory=STATIC), name="dashboard-assets")
    for prefix in assets.VENDOR:
        # check_dir=False: checked at start-up instead (check_assets), with a message saying what to do.
        app.mount(f"{ASSET_PREFIX}/{prefix}", StaticFiles(directory=assets.folder(prefix), check_dir=False),
                  name=f"vendor-{prefix}")
    app.add_middleware(PageHeaders)
