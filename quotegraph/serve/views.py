"""The web viewer: HTML pages over the corpus database, served by ``quotegraph serve`` beside the /api routes.

Pages: ``/`` (recent articles, most quoted sources), ``/articles``, ``/articles/{id}`` (the text with every
attribution highlighted), ``/sources``, ``/sources/{id}`` (everything a source said, a timeline),
``/claims/{article_id}:{aN}`` (a claim and the attributions that respond to it, as a graph), ``/search?q=`` and
``/paste`` (live extraction: static/viewer.js posts to ``/api/extract``).

Article text never becomes markup: highlights are cut here into non-overlapping segments of plain text, which the
templates escape (autoescape is on), and the charts are inline SVG drawn here, so no page needs a script to read.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from quotegraph.model import Article, Attribution, Span
from quotegraph.serve import reads
from quotegraph.serve.app import get_store
from quotegraph.store import Store
from quotegraph.store.queries import BY_DATE, responses, search

router = APIRouter()
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)

Row = dict[str, Any]
# Highlight roles; also the order in which marks of equal length cover each other (a source over a cue over a content).
ROLES = ("source", "cue", "content")
PAGE = 50
SAID_PAGE = 100
HOME_ROWS = 10
SEARCH_RESULTS = 50
# Timelines count per day over at most this many days, else per month.
DAILY_SPAN = 92
# A claim thread follows responses to responses this deep.
THREAD_DEPTH = 4


# ---------------------------------------------------------------- highlights


@dataclass(frozen=True)
class Mark:
    """One highlighted stretch of text: a source, cue or content piece of an attribution."""

    start: int
    end: int
    role: str
    attribution: str


@dataclass(frozen=True)
class Segment:
    """A stretch of text that no mark starts or ends inside; ``marks`` are those covering it, innermost first."""

    start: int
    end: int
    text: str
    marks: tuple[Mark, ...] = ()

    @property
    def mark(self) -> Mark | None:
        """The innermost mark, whose attribution the segment stands for (its tooltip, its link)."""
        return self.marks[0] if self.marks else None

    @property
    def opens_mark(self) -> bool:
        """Whether the segment is the first of its innermost mark: only that one takes keyboard focus."""
        return bool(self.marks) and self.marks[0].start == self.start

    @property
    def roles(self) -> list[str]:
        """The roles of all the marks covering the segment, each once, in ``ROLES`` order."""
        present = {mark.role for mark in self.marks}
        return [role for role in ROLES if role in present]


def attribution_marks(attributions: Iterable[Attribution]) -> Iterator[Mark]:
    """Yield a mark for each piece of each attribution's source, cue and content (a discontinuous one part by part)."""
    for attribution in attributions:
        for role in ROLES:
            span = getattr(attribution, role)
            if span is not None:
                for start, end in span.pieces:
                    yield Mark(start, end, role, attribution.id)


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """Cut TEXT at every start and end of MARKS into segments that together spell TEXT.

    Marks may nest or cross; each segment lists the marks covering it, the
    shortest first (a source inside another attribution's content stands out).
    Empty marks and marks reaching outside the text are dropped.
    """
    kept = [mark for mark in marks if 0 <= mark.start < mark.end <= len(text)]
    starting: dict[int, list[Mark]] = defaultdict(list)
    for mark in kept:
        starting[mark.start].append(mark)
    cuts = sorted({0, len(text), *(mark.start for mark in kept), *(mark.end for mark in kept)})
    active: list[Mark] = []
    cut_up = []
    for start, end in pairwise(cuts):
        active = [mark for mark in active if mark.end > start] + starting[start]
        cut_up.append(Segment(start, end, text[start:end], tuple(sorted(active, key=_innermost_first))))
    return cut_up


def _innermost_first(mark: Mark) -> tuple[int, int]:
    return mark.end - mark.start, ROLES.index(mark.role)


# ---------------------------------------------------------------- charts


@dataclass(frozen=True)
class Bar:
    """One period of a timeline: its count and where its bar is drawn."""

    x: float
    y: float
    width: float
    height: float
    period: str
    count: int


@dataclass(frozen=True)
class Tick:
    """An axis label at a position along its axis."""

    at: float
    label: str


@dataclass(frozen=True)
class Timeline:
    """A bar chart of attributions per day or per month, laid out for an inline SVG of fixed size."""

    width: ClassVar[int] = 760
    height: ClassVar[int] = 230
    left: ClassVar[int] = 44
    right: ClassVar[int] = 748
    top: ClassVar[int] = 26
    bottom: ClassVar[int] = 190

    caption: str
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def timeline(counts: dict[str, int], first: dt.date, last: dt.date) -> Timeline:
    """Lay out COUNTS (``YYYY-MM-DD`` -> attributions) from FIRST to LAST as bars.

    A bar stands for a day, or for a month when FIRST and LAST are more than
    ``DAILY_SPAN`` days apart. Periods without attributions get no bar but keep
    their place, so the x axis is true to time.
    """
    daily = (last - first).days <= DAILY_SPAN
    periods = _days(first, last) if daily else _months(first, last)
    per_period: dict[str, int] = defaultdict(int)
    for date, count in counts.items():
        per_period[date if daily else date[:7]] += count
    most = max(per_period.values(), default=1)
    step = max(1, math.ceil(most / 4))
    top_value = step * math.ceil(most / step)
    plot_height = Timeline.bottom - Timeline.top
    slot = (Timeline.right - Timeline.left) / len(periods)
    bars = [
        Bar(
            x=Timeline.left + slot * (index + 0.1),
            y=Timeline.bottom - plot_height * per_period[period] / top_value,
            width=max(slot * 0.8, 1),
            height=plot_height * per_period[period] / top_value,
            period=period,
            count=per_period[period],
        )
        for index, period in enumerate(periods)
        if per_period.get(period)
    ]
    every = math.ceil(len(periods) / 8)
    x_ticks = [
        Tick(Timeline.left + slot * (index + 0.5), _period_label(period, daily))
        for index, period in enumerate(periods)
        if index % every == 0
    ]
    y_ticks = [
        Tick(Timeline.bottom - plot_height * value / top_value, str(value)) for value in range(0, top_value + 1, step)
    ]
    caption = f"Attributions per {'day' if daily else 'month'}, {_long_date(first)} to {_long_date(last)}"
    return Timeline(caption, bars, x_ticks, y_ticks)


def _days(first: dt.date, last: dt.date) -> list[str]:
    return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _months(first: dt.date, last: dt.date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _period_label(period: str, daily: bool) -> str:
    if daily:
        day = dt.date.fromisoformat(period)
        return f"{day.day} {day:%b}"
    return f"{dt.date.fromisoformat(period + '-01'):%b %Y}"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Node:
    """An attribution of a claim thread, drawn as a box with its speaker and the start of its content."""

    attribution: Attribution
    depth: int
    x: float
    y: float
    lines: list[str]


@dataclass(frozen=True)
class Edge:
    """A response drawn from the claim it answers (``start``) to the response (``end``), labelled by its act."""

    start: Node
    end: Node
    label: str


@dataclass(frozen=True)
class Graph:
    """A claim thread laid out for an inline SVG: one column per depth of response."""

    node_width: ClassVar[int] = 230
    node_height: ClassVar[int] = 72

    nodes: list[Node]
    edges: list[Edge]
    width: float
    height: float


def thread(claim: Attribution, attributions: list[Attribution]) -> Graph:
    """Lay out CLAIM and the attributions responding to it (and to them, ``THREAD_DEPTH`` deep) left to right."""
    answers: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in attributions:
        if attribution.responds_to:
            answers[attribution.responds_to].append(attribution)
    columns: list[list[tuple[Attribution, Attribution | None]]] = [[(claim, None)]]
    seen = {claim.id}
    while len(columns) <= THREAD_DEPTH:
        column = [(answer, asked) for asked, _ in columns[-1] for answer in answers[asked.id] if answer.id not in seen]
        if not column:
            break
        seen.update(answer.id for answer, _ in column)
        columns.append(column)
    width, height, gap_x, gap_y, margin = Graph.node_width, Graph.node_height, 140, 24, 12
    tallest = max(len(column) for column in columns)
    placed: dict[str, Node] = {}
    edges = []
    for depth, column in enumerate(columns):
        offset = (tallest - len(column)) * (height + gap_y) / 2
        for row, (attribution, asked) in enumerate(column):
            content = textwrap.wrap(pieces_text(attribution.content), 30, max_lines=2, placeholder=" …")
            node = Node(
                attribution,
                depth,
                x=margin + depth * (width + gap_x),
                y=margin + offset + row * (height + gap_y),
                lines=[textwrap.shorten(who(attribution), 30, placeholder=" …"), *content],
            )
            placed[attribution.id] = node
            if asked is not None:
                edges.append(Edge(placed[asked.id], node, attribution.act or "responds"))
    return Graph(
        nodes=list(placed.values()),
        edges=edges,
        width=2 * margin + len(columns) * width + (len(columns) - 1) * gap_x,
        height=2 * margin + tallest * height + (tallest - 1) * gap_y,
    )


# ---------------------------------------------------------------- template helpers


def who(attribution: Attribution) -> str:
    """Name who is speaking: the speaker's name, else their role, else the source as written, else "unknown"."""
    speaker = attribution.speaker
    if speaker is not None and (speaker.name or speaker.role):
        return speaker.name or speaker.role or ""
    return attribution.source.text if attribution.source else "unknown source"


def when(attribution: Attribution) -> str:
    """Say when the attribution was made: the date it resolves to and the words that say so."""
    time = attribution.time
    if time is None:
        return ""
    if time.value is None:
        return f"“{time.text}” (date not resolved)"
    dates = f"{time.value} – {time.value_end}" if time.value_end else time.value
    return f"{dates} (“{time.text}”)"


def facts_of(attribution: Attribution) -> list[tuple[str, str]]:
    """Return what the tooltip of a highlight tells of its attribution, as (label, value); viewer.js builds the same."""
    speaker = attribution.speaker
    rows = [("Act", attribution.act or "not classified"), ("Kind", attribution.kind)]
    if speaker is None:
        rows.append(("Speaker", "unknown"))
    else:
        rows.append(("Speaker", f"{speaker.name} ({speaker.type})" if speaker.name else speaker.type))
        described = (("Role", speaker.role), ("Affiliation", speaker.affiliation))
        rows += [(label, value) for label, value in described if value]
    rows += [("Time", when(attribution) or "not stated"), ("Confidence", f"{attribution.confidence:.2f}")]
    return rows


def pieces_text(span: Span) -> str:
    """Return a span's text, the parts of a discontinuous one joined by an ellipsis."""
    return " … ".join(span.text[start - span.start : end - span.start] for start, end in span.pieces)


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a search snippet, whose matched words the store wraps in ``[`` ``]``, into (text, matched) parts."""
    return [(part, matched) for part, matched in _bracketed(snippet) if part]


def _bracketed(snippet: str) -> Iterator[tuple[str, bool]]:
    position = 0
    for match in re.finditer(r"\[([^\[\]]*)\]", snippet):
        yield snippet[position : match.start()], False
        yield match.group(1), True
        position = match.end()
    yield snippet[position:], False


def counted(n: int, noun: str) -> str:
    """Say how many: "1 article", "3 articles"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def path_part(value: object) -> str:
    """Quote a value for one part of a URL path (an article id may hold ``/``, ``?`` or ``#``)."""
    return quote(str(value), safe="")


def page_link(request: Request, offset: int) -> str:
    """Return the current page's path and query with ``offset`` set."""
    query = {**request.query_params, "offset": str(offset)}
    return f"{request.url.path}?{urlencode(query)}"


def web_link(url: str | None) -> str | None:
    """Return URL if it is an http(s) address, so a stored ``javascript:`` URL never becomes a link."""
    return url if url and re.match(r"https?://", url, re.IGNORECASE) else None


templates.env.globals.update(
    who=who, facts_of=facts_of, pieces_text=pieces_text, counted=counted, page_link=page_link, web_link=web_link
)
templates.env.filters.update(path_part=path_part, snippet_parts=snippet_parts)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render the template NAME with CONTEXT; ``nav`` marks the current section in the navigation."""
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def not_found(request: Request, what: str) -> HTMLResponse:
    """Return the 404 page saying what was not found."""
    return render(request, "not_found.html", status_code=404, what=what, nav=None)


# ---------------------------------------------------------------- reading the store


def stored_article(store: Store, article_id: str) -> Article | None:
    """Return a stored article; each attribution has its cross-article ``source_id`` (None for no known source)."""
    data = reads.article(store, article_id)
    return None if data is None else Article.model_validate(data)


def article_titles(store: Store, ids: set[str]) -> dict[str, str | None]:
    """Return the title of each of the articles IDS."""
    if not ids:
        return {}
    rows = store.fetch(f"SELECT id, title FROM articles WHERE id IN ({', '.join('?' * len(ids))})", tuple(ids))
    return {row["id"]: row["title"] for row in rows}


def source_ids(article: Article) -> dict[str, int | None]:
    """Return the cross-article source id of each attribution of a stored article (None where it has none)."""
    return {attribution.id: getattr(attribution, "source_id", None) for attribution in article.attributions}


def source_said(store: Store, source_id: int, limit: int, offset: int) -> list[Row]:
    """Return what a source said, by article date (undated last), a discontinuous content as its parts only.

    ``reads.said`` gives the content's whole stretch, which for "“…,” she said, “…”"
    holds the source and the cue too.
    """
    rows = store.fetch(
        "SELECT ar.date, ar.title, a.article_id, a.id AS attribution_id, a.act, a.cue_text AS cue,"
        " a.content_start, a.content_end, a.content_text, a.content_parts"
        f" FROM attributions a JOIN articles ar ON ar.id = a.article_id WHERE a.source_id = ? ORDER BY {BY_DATE}"
        " LIMIT ? OFFSET ?",
        (source_id, limit, offset),
    )
    for row in rows:
        parts = json.loads(row["content_parts"]) if row["content_parts"] else None
        row["content"] = pieces_text(
            Span(start=row["content_start"], end=row["content_end"], text=row["content_text"], parts=parts)
        )
    return rows


def dated_counts(store: Store, source_id: int) -> dict[str, int]:
    """Return the attributions of a source per article date (``YYYY-MM-DD``), undated articles left out."""
    rows = store.fetch(
        "SELECT ar.date, COUNT(*) AS n FROM attributions a JOIN articles ar ON ar.id = a.article_id"
        " WHERE a.source_id = ? AND ar.date IS NOT NULL GROUP BY ar.date",
        (source_id,),
    )
    return {row["date"]: row["n"] for row in rows}


def corpus_timeline(store: Store, counts: dict[str, int]) -> Timeline | None:
    """Chart COUNTS over the dates the whole corpus covers, so that timelines compare; None without counts."""
    if not counts:
        return None
    span = store.fetch("SELECT MIN(date) AS first, MAX(date) AS last FROM articles WHERE date IS NOT NULL")[0]
    return timeline(counts, dt.date.fromisoformat(span["first"]), dt.date.fromisoformat(span["last"]))


# ---------------------------------------------------------------- pages


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    """Recent articles, most quoted sources and latest claim threads, with a search box."""
    return render(
        request,
        "home.html",
        nav="home",
        counts=store.counts(),
        articles=reads.articles(store, HOME_ROWS),
        sources=reads.sources(store, HOME_ROWS),
        claims=responses(store, limit=HOME_ROWS),
    )


@router.get("/articles", response_class=HTMLResponse, include_in_schema=False)
def articles_page(request: Request, offset: int = 0, store: Store = Depends(get_store)) -> HTMLResponse:
    """All articles, latest first, a page at a time."""
    offset = max(offset, 0)
    return render(
        request,
        "articles.html",
        nav="articles",
        articles=reads.articles(store, PAGE + 1, offset),
        offset=offset,
        page=PAGE,
        total=store.counts()["articles"],
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
def article_page(request: Request, article_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    """An article's text with every attribution highlighted, and the attributions listed below it."""
    article = stored_article(store, article_id)
    if article is None:
        return not_found(request, f"No article has the id “{article_id}”.")
    return render(
        request,
        "article.html",
        nav="articles",
        article=article,
        segments=segments(article.text, attribution_marks(article.attributions)),
        source_ids=source_ids(article),
        answered={attribution.responds_to for attribution in article.attributions} - {None},
    )


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, offset: int = 0, store: Store = Depends(get_store)) -> HTMLResponse:
    """All sources, most quoted first, a page at a time."""
    offset = max(offset, 0)
    return render(
        request,
        "sources.html",
        nav="sources",
        sources=reads.sources(store, PAGE + 1, offset),
        offset=offset,
        page=PAGE,
        total=store.counts()["sources"],
    )


@router.get("/sources/{source_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, source_id: int, offset: int = 0, store: Store = Depends(get_store)) -> HTMLResponse:
    """A source: who it is, a timeline of when it was quoted, and everything it said by date."""
    source = reads.source(store, source_id)
    if source is None:
        return not_found(request, f"No source has the id {source_id}.")
    offset = max(offset, 0)
    counts = dated_counts(store, source_id)
    return render(
        request,
        "source.html",
        nav="sources",
        source=source,
        aliases=[alias for alias in source["aliases"] if alias != source["name"]],
        chart=corpus_timeline(store, counts),
        undated=source["attributions"] - sum(counts.values()),
        said=source_said(store, source_id, SAID_PAGE + 1, offset),
        offset=offset,
        page=SAID_PAGE,
    )


@router.get("/claims/{claim_id:path}", response_class=HTMLResponse, include_in_schema=False)
def claim_page(request: Request, claim_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    """A claim (``ARTICLE_ID:aN``) and the attributions that respond to it, as a graph and as a list."""
    article_id, _, attribution_id = claim_id.rpartition(":")
    article = stored_article(store, article_id) if article_id else None
    claim = next((a for a in article.attributions if a.id == attribution_id), None) if article else None
    if article is None or claim is None:
        return not_found(request, f"No attribution has the id “{claim_id}” (ARTICLE_ID:aN).")
    graph = thread(claim, article.attributions)
    return render(
        request,
        "claim.html",
        nav=None,
        article=article,
        claim=claim,
        asked=next((a for a in article.attributions if a.id == claim.responds_to), None),
        source_ids=source_ids(article),
        graph=graph,
        responses=[node for node in graph.nodes if node.depth > 0],
        answered={attribution.responds_to for attribution in article.attributions} - {claim.id, None},
    )


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, q: str = "", store: Store = Depends(get_store)) -> HTMLResponse:
    """Attributions whose content or speaker matches the query, best first."""
    results = search(store, q, limit=SEARCH_RESULTS) if q.strip() else []
    titles = article_titles(store, {result["article_id"] for result in results})
    return render(
        request, "search.html", nav="search", query=q, results=results, titles=titles, limit=SEARCH_RESULTS
    )


@router.get("/paste", response_class=HTMLResponse, include_in_schema=False)
def paste_page(request: Request) -> HTMLResponse:
    """A form whose text static/viewer.js sends to ``/api/extract``, showing the attributions found."""
    return render(request, "paste.html", nav="paste")
