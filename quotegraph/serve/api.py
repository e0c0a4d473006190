"""The JSON API, mounted at /api: extract, articles, sources, search, claim threads, and ingest with a token.

List answers are pages, ``{"items", "limit", "offset", "next"}``, where
``next`` is the path of the following page, or null on the last one. An
attribution is named across the corpus as ``ARTICLE_ID:aN``; a source by its
integer id. Shapes are the response models below, which /docs shows.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from quotegraph.ingest.html import read_html
from quotegraph.model import Act, Article, Attribution, Kind
from quotegraph.pipeline import as_article
from quotegraph.serve import reads
from quotegraph.serve.app import SharedPipeline, get_pipeline, get_store
from quotegraph.store import Store

MAX_LIMIT = 200
# Deeper pages cost the database a scan of all the rows before them: narrow the question instead.
MAX_OFFSET = 10_000
SourceType = Literal["person", "organization", "media", "document", "group"]
T = TypeVar("T")


class Problem(BaseModel):
    """An error: what went wrong and what to do, after a code such as [Q901]."""

    detail: str


class InvalidRequest(BaseModel):
    """A request that does not validate: each problem (as FastAPI lists them) and one line that says them all."""

    detail: list[dict[str, Any]]
    message: str


router = APIRouter(responses={422: {"model": InvalidRequest, "description": "The request does not validate"}})
bearer = HTTPBearer(auto_error=False, description="The token the server was started with ($QUOTEGRAPH_API_TOKEN).")
NOT_FOUND = {404: {"model": Problem, "description": "No such id"}}


class Page(BaseModel, Generic[T]):
    """One page of a list: its items, the limit and offset asked, and the path of the next page (null on the last)."""

    items: list[T]
    limit: int
    offset: int
    next: str | None = Field(description="Path and query of the next page; null when this is the last.")


class ArticleSummary(BaseModel):
    """A stored article, without its text and attributions."""

    id: str
    date: dt.date | None
    title: str | None
    url: str | None
    publisher: str | None
    n_attributions: int


class StoredAttribution(Attribution):
    """An attribution of a stored article, with the cross-article source its speaker is (null when anonymous or unknown)."""

    source_id: int | None = None


class StoredArticle(Article):
    """A stored article as the JSON output contract, with its text and its publisher."""

    publisher: str | None = None
    attributions: list[StoredAttribution] = Field(default_factory=list)


class SourceSummary(BaseModel):
    """A source: how often it is quoted, in how many articles, over which dates, and with which speech acts."""

    id: int
    name: str
    type: str
    role: str | None
    attributions: int
    articles: int
    first_date: dt.date | None
    last_date: dt.date | None
    acts: dict[str, int] = Field(description="Speech act -> attributions, commonest first.")


class Statement(BaseModel):
    """One attribution with its article's date, publisher and title."""

    id: str = Field(description="The global attribution id, ARTICLE_ID:aN.")
    article_id: str
    attribution_id: str
    date: dt.date | None
    publisher: str | None
    title: str | None
    url: str | None
    speaker: str | None = Field(description="The speaker's name, else the source's words; null when neither is known.")
    source_id: int | None
    act: Act | None
    kind: Kind
    cue: str | None
    content: str
    time_value: str | None = Field(description="When it was said, as resolved from the text (YYYY-MM-DD).")
    responds_to: str | None = Field(description="The global id of the claim this one answers.")


class SourceDetail(SourceSummary):
    """A source with every name it was quoted under, and a page of what it said, by date."""

    aliases: list[str]
    said: Page[Statement]


class SearchHit(BaseModel):
    """An attribution that matches a search, with a snippet of its content (matches in [brackets])."""

    id: str = Field(description="The global attribution id, ARTICLE_ID:aN.")
    article_id: str
    attribution_id: str
    date: dt.date | None
    publisher: str | None
    speaker: str | None
    act: Act | None
    snippet: str


class Thread(BaseModel):
    """A claim and the attributions of its article that respond to it."""

    claim: Statement
    responses: list[Statement]


class ExtractRequest(BaseModel):
    """Text to find the attributions of; nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article text, or with html=true an HTML page.")
    date: dt.date | None = Field(None, description="Publication date, YYYY-MM-DD: resolves 'on Monday' and the like.")
    html: bool = Field(False, description="Read text as an HTML page and extract its article text first.")


class ArticleIn(BaseModel):
    """An article to process and store; one with the id of a stored article replaces it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1)
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None


class SavedArticle(BaseModel):
    """An article stored now: its id, how many attributions it has, and where to read it."""

    id: str
    attributions: int
    path: str


class IngestResult(BaseModel):
    """What an ingest request stored."""

    saved: int
    articles: list[SavedArticle]


@dataclass
class PageRequest:
    """The ``limit`` and ``offset`` of a list request."""

    limit: int
    offset: int


def page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageRequest:
    """Dependency: the page a list request asks for."""
    return PageRequest(limit, offset)


StoreDependency = Annotated[Store, Depends(get_store)]
PageDependency = Annotated[PageRequest, Depends(page_request)]


def page(rows: list[dict[str, Any]], asked: PageRequest, request: Request) -> dict[str, Any]:
    """Return a page of ``rows``, fetched one past the limit to tell whether a next page exists."""
    following = None
    if len(rows) > asked.limit:
        query = [(key, value) for key, value in request.query_params.multi_items() if key != "offset"]
        following = f"{request.url.path}?{urlencode([*query, ('offset', asked.offset + asked.limit)])}"
    return {"items": rows[: asked.limit], "limit": asked.limit, "offset": asked.offset, "next": following}


def not_found(message: str) -> HTTPException:
    """Return a 404 with a coded message."""
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=message)


@router.post("/extract", response_model=Article, summary="Find the attributions of a text, without storing it")
def extract(request: ExtractRequest, pipeline: Annotated[SharedPipeline, Depends(get_pipeline)]) -> JSONResponse:
    """Return the article JSON (with its text: for an HTML page, the text read from it) and its attributions."""
    if request.html:
        article = read_html(request.text, id="pasted", date=request.date)
    else:
        article = as_article({"id": "pasted", "text": request.text, "date": request.date}, "pasted", pipeline.max_chars)
    return JSONResponse(pipeline.process([article])[0].to_json(include_text=True))


@router.get("/articles", response_model=Page[ArticleSummary], summary="List stored articles, latest first")
def list_articles(
    request: Request,
    store: StoreDependency,
    asked: PageDependency,
    publisher: Annotated[str | None, Query(description="Only this publisher's articles.")] = None,
    since: Annotated[dt.date | None, Query(description="Only articles published on or after this day.")] = None,
    until: Annotated[dt.date | None, Query(description="Only articles published on or before this day.")] = None,
    source_id: Annotated[int | None, Query(description="Only articles in which this source is quoted.")] = None,
) -> dict[str, Any]:
    rows = reads.articles(
        store, asked.limit + 1, asked.offset, publisher=publisher, since=since, until=until, source_id=source_id
    )
    return page(rows, asked, request)


@router.get(
    "/articles/{article_id:path}", response_model=StoredArticle, responses=NOT_FOUND, summary="Read a stored article"
)
def read_article(article_id: str, store: StoreDependency) -> JSONResponse:
    """Return the article as the JSON output contract with its text and publisher; each attribution has its source_id."""
    data = reads.article(store, article_id)
    if data is None:
        raise not_found(f"[Q901] no article has the id {article_id!r} - list the stored ones at /api/articles")
    return JSONResponse(data)


@router.get("/sources", response_model=Page[SourceSummary], summary="List the sources, most quoted first")
def list_sources(
    request: Request,
    store: StoreDependency,
    asked: PageDependency,
    type: Annotated[SourceType | None, Query(description="Only sources of this type.")] = None,
) -> dict[str, Any]:
    return page(reads.sources(store, asked.limit + 1, asked.offset, type=type), asked, request)


@router.get(
    "/sources/{source_id}",
    response_model=SourceDetail,
    responses=NOT_FOUND,
    summary="Read a source and a page of what it said, by date",
)
def read_source(
    request: Request, source_id: Annotated[int, Path()], store: StoreDependency, asked: PageDependency
) -> dict[str, Any]:
    found = reads.source(store, source_id)
    if found is None:
        raise not_found(f"[Q902] no source has the id {source_id} - list them at /api/sources")
    return {**found, "said": page(reads.said(store, source_id, asked.limit + 1, asked.offset), asked, request)}


@router.get("/search", response_model=Page[SearchHit], summary="Search what was said and who said it")
def search(
    request: Request,
    store: StoreDependency,
    asked: PageDependency,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find, all of them (best match first).")],
) -> dict[str, Any]:
    return page(reads.search(store, q, asked.limit + 1, asked.offset), asked, request)


@router.get(
    "/attributions/{attribution_id:path}/responses",
    response_model=Thread,
    responses=NOT_FOUND,
    summary="Read a claim and the attributions that respond to it",
)
def read_thread(attribution_id: str, store: StoreDependency) -> dict[str, Any]:
    """The claim is named by its global id, ``ARTICLE_ID:aN``."""
    article_id, separator, local_id = attribution_id.rpartition(":")
    if not separator or not article_id or not local_id:
        raise HTTPException(
            422,
            detail=f"[Q903] {attribution_id!r} is not an attribution id - write it ARTICLE_ID:aN, e.g. news-1:a2",
        )
    found = reads.thread(store, article_id, local_id)
    if found is None:
        raise not_found(f"[Q904] article {article_id!r} has no attribution {local_id!r} - see /api/articles/{article_id}")
    return found


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """Dependency: let the request through only if it carries the server's token (compared in constant time)."""
    token: str | None = request.app.state.token
    if token is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="[Q905] ingesting is off on this server: it was started without an API token - start it with "
            "QUOTEGRAPH_API_TOKEN=SECRET quotegraph serve, and send Authorization: Bearer SECRET",
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="[Q906] missing or wrong API token - send the server's token as Authorization: Bearer TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )


@router.post(
    "/articles",
    response_model=IngestResult,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_token)],
    responses={401: {"model": Problem, "description": "No token, or a wrong one"},
               403: {"model": Problem, "description": "Ingesting is off: no token configured"}},
    summary="Process articles and store them (needs the API token)",
)
def ingest(
    body: Annotated[ArticleIn | Annotated[list[ArticleIn], Field(min_length=1)], Body()],
    store: StoreDependency,
    pipeline: Annotated[SharedPipeline, Depends(get_pipeline)],
) -> dict[str, Any]:
    """Take one article or a list of them; each is stored under its id, replacing an article stored there."""
    given = body if isinstance(body, list) else [body]
    articles = []
    for item in given:
        article = as_article(item.model_dump(exclude={"publisher"}), item.id, pipeline.max_chars)
        article.publisher = item.publisher
        articles.append(article)
    processed = pipeline.process(articles)
    store.save(processed)
    saved = [
        {"id": article.id, "attributions": len(article.attributions), "path": f"/api/articles/{quote(article.id)}"}
        for article in processed
    ]
    return {"saved": len(saved), "articles": saved}
