"""The web application: the /api router, the viewer's pages, and what guards every request.

``create_app`` opens the corpus database once (migrating it), then hands each
request a connection through the dependency ``get_store`` and the pipeline
through ``get_pipeline``. Every response carries the security headers of
``CONTENT_SECURITY_POLICY`` and friends; request bodies over ``max_body``
bytes are refused with 413 before they are read whole; quotegraph's coded
errors come back as JSON with a 4xx status, and a crash as a JSON 500 whose
traceback stays in the server log.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from base64 import b64encode
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quotegraph import __version__
from quotegraph.api import load
from quotegraph.config import Settings, load_settings, override
from quotegraph.errors import BadDatabase, BadInput, ModelNotFound, QuotegraphError
from quotegraph.model import Article
from quotegraph.pipeline import Pipeline
from quotegraph.store import Store, open_store
from quotegraph.store.dialects import Connection, connect

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
DEFAULT_MAX_BODY = 5_000_000
# Scripts, styles, images, fonts and fetches from this server only: no inline script or style, no other origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}
# Swagger UI, FastAPI's /docs, is served from the files of the fastapi-offline package (no CDN) and starts with an
# inline script: its page alone allows that script, by its hash. No other page gets this policy.
SWAGGER_FILES = "/static/swagger"
# What to do about a request that does not validate.
NEXT = " - fix the request (the API is described at /docs)"
STATUS_OF_ERROR: dict[type[QuotegraphError], int] = {BadInput: 422, BadDatabase: 503, ModelNotFound: 503}


def create_app(
    db: str | None = None,
    *,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    cors_origins: tuple[str, ...] = (),
    settings: Settings | None = None,
) -> FastAPI:
    """Return the quotegraph web application over the corpus database ``db``.

    Args:
        db: database URL; None reads ``$QUOTEGRAPH_DB_URL``, else ``sqlite:///quotegraph.db``.
            The database is made and migrated if needed.
        token: the bearer token ``POST /api/articles`` requires; None turns ingesting off.
        max_body: the largest request body accepted, in bytes; larger ones get 413.
        cors_origins: origins whose pages may call the API from a browser; none by default.
        settings: the pipeline's settings (``POST /api/extract``, ``POST /api/articles``); the defaults if None.

    Raises:
        BadDatabase: the database cannot be opened or migrated.
    """
    from quotegraph.serve import api

    with open_store(db) as store:
        url = store.url
    app = FastAPI(
        title="quotegraph",
        version=__version__,
        summary="Who said what, how, when, and in reply to whom, in a corpus of news articles.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.title = "quotegraph"
    app.state.store = ThreadStore(url)
    app.state.pipeline = SharedPipeline(settings or load_settings())
    app.state.token = token or None
    app.include_router(api.router, prefix="/api")
    if importlib.util.find_spec("quotegraph.serve.views") is not None:
        from quotegraph.serve import views

        app.include_router(views.router)
    add_docs_page(app)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(QuotegraphError, quotegraph_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    # The last middleware added runs first: headers go on every response, even a 413, a CORS answer or a crash.
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(SecurityHeaders)
    return app


class ThreadStore(Store):
    """The corpus database with one connection per thread.

    FastAPI runs plain ``def`` endpoints and dependencies in a thread pool, not
    always the same thread for one request, and a SQLite connection must stay
    in the thread that opened it; so each thread opens its own, on first use,
    and every ``Store`` method reaches it through ``db``. The connection goes
    when its thread does.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self.dialect = self.db.dialect

    @property
    def db(self) -> Connection:  # type: ignore[override]
        """The calling thread's connection, opened now if it has none."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = connect(self.url)
        return connection

    def close(self) -> None:
        """Close the calling thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class SharedPipeline:
    """The pipeline, loaded on first use and always run in one thread of its own, one request at a time.

    Concurrent extracts queue instead of multiplying the model's working
    memory, and the allocator keeps the model's memory in that one thread's
    arena rather than growing an arena in each thread of the request pool.
    Unless ``tagger.threads`` says otherwise, the model computes on all cores
    but one, which is left to the event loop and the reads: on every core,
    the model's threads and the server's fought over them, and under load a
    two-core server took over ten times as long (docs/api.md, "Under load").
    """

    def __init__(self, settings: Settings) -> None:
        if not settings["tagger"]["threads"]:
            settings = override(settings, {"tagger.threads": max(1, usable_cores() - 1)})
        self.settings = settings
        self._pipeline: Pipeline | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quotegraph-pipeline")

    @property
    def max_chars(self) -> int:
        """The longest article text the settings accept."""
        return int(self.settings["input"]["max_chars"])

    def process(self, articles: list[Article]) -> list[Article]:
        """Find and enrich the attributions of the articles (loading the model the first time); wait for the result."""
        return self._thread.submit(self._process, articles).result()

    def _process(self, articles: list[Article]) -> list[Article]:
        if self._pipeline is None:
            self._pipeline = load(settings=self.settings)
        return self._pipeline.process(articles)


def usable_cores() -> int:
    """Return how many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores a container or taskset leaves it
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def get_store(request: Request) -> Store:
    """Dependency: the corpus database, on a connection of the calling thread."""
    return request.app.state.store


def get_pipeline(request: Request) -> SharedPipeline:
    """Dependency: the shared pipeline; its model loads on the first extraction."""
    return request.app.state.pipeline


async def quotegraph_error(request: Request, error: Exception) -> JSONResponse:
    """Answer a coded quotegraph error with its message: 422 for bad input, 503 for a database or model missing."""
    status = next((code for kind, code in STATUS_OF_ERROR.items() if isinstance(error, kind)), 400)
    return JSONResponse({"detail": str(error)}, status_code=status)


async def http_error(request: Request, error: Exception) -> Response:
    """Answer an HTTPException as FastAPI does, but a body that is not even text (not UTF-8) as invalid JSON: 422."""
    assert isinstance(error, StarletteHTTPException)
    if isinstance(error.__cause__, UnicodeDecodeError):
        return JSONResponse(
            {"detail": "the body is not UTF-8 text", "message": f"[Q909] the body is not valid JSON (not UTF-8 text){NEXT}"},
            status_code=422,
        )
    return await http_exception_handler(request, error)


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """Answer a request FastAPI could not validate with 422: each problem, and one line that says them all.

    The submitted values are left out of the answer: an article's text would
    come straight back.
    """
    assert isinstance(error, RequestValidationError)
    problems = [{key: value for key, value in item.items() if key not in ("input", "url")} for item in error.errors()]
    message = "; ".join(describe(problem) for problem in problems)
    return JSONResponse(
        {"detail": jsonable_encoder(problems), "message": f"[Q909] {message}{NEXT}"},
        status_code=422,
    )


def describe(problem: dict[str, Any]) -> str:
    """Return one validation problem as "where: what", e.g. "query parameter limit: Input should be ... 200"."""
    place, *path = problem["loc"]
    if problem["type"] == "json_invalid":
        return f"the body is not valid JSON ({problem.get('ctx', {}).get('error', 'decode error')})"
    where = {"query": "query parameter", "path": "path parameter", "header": "header", "body": "body field"}
    name = ".".join(str(part) for part in path) or "(whole)"
    return f"{where.get(place, place)} {name}: {problem['msg']}"


def add_docs_page(app: FastAPI) -> None:
    """Serve Swagger UI at /docs from the files of the fastapi-offline package, under a policy admitting its inline script."""
    import fastapi_offline

    app.mount(SWAGGER_FILES, StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="swagger")
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title="quotegraph API",
        swagger_js_url=f"{SWAGGER_FILES}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_FILES}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_FILES}/favicon.png",
    )
    html = page.body.decode()
    hashes = " ".join(
        f"'sha256-{b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    )
    policy = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(html, headers={"content-security-policy": policy})


class RequestTooLarge(HTTPException):
    """A request body over the limit; an HTTPException so that FastAPI's body reading passes it on as it is."""

    def __init__(self, max_body: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"[Q907] the request body is over the limit of {max_body:,} bytes - "
            "send less (split a batch of articles into several requests)",
        )


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes with 413: by their Content-Length, else as they stream in."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = RequestTooLarge(self.max_body)
        if declared_length(scope) > self.max_body:
            await too_large_response(too_large)(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise too_large
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except RequestTooLarge:
            if started:
                raise
            await too_large_response(too_large)(scope, receive, send)


def declared_length(scope: Scope) -> int:
    """Return the request's Content-Length, 0 when it has none (or none that reads as a number)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def too_large_response(error: RequestTooLarge) -> JSONResponse:
    """Return the 413 answer; the connection is closed after it, since the body was not read."""
    return JSONResponse({"detail": error.detail}, status_code=413, headers={"connection": "close"})


class SecurityHeaders:
    """Put the security headers on every response, and answer a crash with a JSON 500 that carries them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                         if name.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            detail = "[Q908] the server failed to answer this request - the server log has the cause"
            await JSONResponse({"detail": detail}, status_code=500)(scope, receive, send_with_headers)

