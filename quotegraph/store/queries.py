"""Questions over the corpus database: who is quoted, what they said, full text, responses and counts.

Each function takes a ``Store`` and returns rows (dicts). The SQL runs as it is
on SQLite and PostgreSQL, but for full-text search (``_matches``). Filters are
fixed SQL fragments and every value a parameter, so user text never becomes SQL.

    >>> from quotegraph.store import open_store
    >>> from quotegraph.store.queries import said
    >>> said(open_store("sqlite:///news.db"), "Dana Ortiz", since="2024-01-01")
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

from quotegraph.enrich.entities import plain_key
from quotegraph.errors import BadQuery
from quotegraph.model import Speaker
from quotegraph.store import DEFAULT_URL, Store, open_store, source_key
from quotegraph.store.rows import SOURCE_TYPES, without_accents

Row = dict[str, Any]
BREAKDOWNS = {"publisher": "ar.publisher", "month": "ar.month"}
TOP_ACTS = 3
SPEAKER = "COALESCE(a.speaker_name, a.source_text)"
# NULL sorts first on SQLite and last on PostgreSQL; "IS NULL" first puts it last on both.
BY_DATE = "ar.date IS NULL, ar.date, a.article_id, a.content_start"
# The expression of the PostgreSQL full-text index (sql/0001_corpus.postgresql.sql): repeated so the index is used.
TSVECTOR = (
    "to_tsvector('english', content_text || ' ' || coalesce(speaker_name, '') || ' ' || coalesce(source_text, ''))"
)
TSQUERY = "websearch_to_tsquery('english', :query)"


def open_corpus(url: str | None = None) -> Store:
    """Open an existing corpus database to read; unlike ``open_store`` it never makes an empty one.

    Raises:
        BadQuery: the SQLite file does not exist.
        BadDatabase: the database cannot be opened.
    """
    url = url or os.environ.get("QUOTEGRAPH_DB_URL") or DEFAULT_URL
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise BadQuery(
            f"[Q800] no database at {url.removeprefix('sqlite:///')} - check --db (or $QUOTEGRAPH_DB_URL), "
            "or make one with `quotegraph ingest INPUT --db URL`"
        )
    return open_store(url)


def sources(
    store: Store,
    limit: int = 20,
    type: str | None = None,
    publisher: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
) -> list[Row]:
    """Return the most quoted sources, most attributions first, with their commonest speech acts."""
    where, params = _filters(type=type, publisher=publisher, since=since, until=until)
    found = store.fetch(
        "SELECT s.id, s.name, s.type, s.role, COUNT(*) AS attributions, COUNT(DISTINCT a.article_id) AS articles,"
        " MIN(ar.date) AS first_date, MAX(ar.date) AS last_date"
        " FROM attributions a JOIN sources s ON s.id = a.source_id JOIN articles ar ON ar.id = a.article_id"
        f" WHERE {where} GROUP BY s.id, s.name, s.type, s.role ORDER BY attributions DESC, s.name LIMIT ?",
        (*params, limit),
    )
    acts: dict[int, list[str]] = defaultdict(list)
    if found:
        ids = [row["id"] for row in found]
        for row in store.fetch(
            "SELECT a.source_id, a.act, COUNT(*) AS n"
            " FROM attributions a JOIN sources s ON s.id = a.source_id JOIN articles ar ON ar.id = a.article_id"
            f" WHERE {where} AND a.act IS NOT NULL AND a.source_id IN ({placeholders(ids)})"
            " GROUP BY a.source_id, a.act ORDER BY n DESC, a.act",
            (*params, *ids),
        ):
            acts[row["source_id"]].append(f"{row['act']} {row['n']}")
    return [{**_without(row, "id"), "top_acts": ", ".join(acts[row["id"]][:TOP_ACTS])} for row in found]


def source_breakdown(store: Store, name: str, by: Literal["publisher", "month"] = "publisher") -> list[Row]:
    """Return how often the source NAME is quoted, and in how many articles, by publisher or by month.

    Raises:
        BadQuery: NAME names no source or several, or ``by`` is neither publisher nor month.
    """
    if by not in BREAKDOWNS:
        raise BadQuery(f"[Q803] cannot count a source by {by!r} - count it by {' or '.join(BREAKDOWNS)}")
    column = BREAKDOWNS[by]
    return store.fetch(
        f"SELECT {column} AS {by}, COUNT(*) AS attributions, COUNT(DISTINCT a.article_id) AS articles"
        " FROM attributions a JOIN articles ar ON ar.id = a.article_id"
        f" WHERE a.source_id = ? GROUP BY {column} ORDER BY {column} IS NULL, {column}",
        (find_source(store, name)["id"],),
    )


def said(
    store: Store,
    name: str,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    act: str | None = None,
) -> list[Row]:
    """Return everything the source NAME said, by article date (undated articles last).

    Raises:
        BadQuery: NAME names no source or several.
    """
    where, params = _filters(since=since, until=until, act=act)
    return store.fetch(
        "SELECT ar.date, ar.publisher, a.article_id, ar.title, ar.url, a.act, a.kind,"
        " a.cue_text AS cue, a.content_text AS content, a.time_value"
        f" FROM attributions a JOIN articles ar ON ar.id = a.article_id WHERE a.source_id = ? AND {where}"
        f" ORDER BY {BY_DATE}",
        (find_source(store, name)["id"], *params),
    )


def find_source(store: Store, name: str) -> Row:
    """Return the source (id, name, type, attributions) NAME names: by its name, else by one of its aliases.

    The name is first keyed as sources are (case, "the", dots and the shipped
    aliases folded), which the unique index on sources.key answers. Only when
    that names no one is it compared with every name a source was quoted under,
    case and accents folded, a pass over source_aliases.

    Raises:
        BadQuery: no source has that name, or several do.
    """
    if not plain_key(name):
        raise BadQuery('[Q801] no source name given - name one, e.g. `quotegraph said "Jane Roe"`')
    keys = [source_key(Speaker(name=name, type=type)) for type in sorted(SOURCE_TYPES)]
    ids = [row["id"] for row in store.fetch(f"SELECT id FROM sources WHERE key IN ({placeholders(keys)})", tuple(keys))]
    if not ids:
        wanted = _folded(name)
        aliases = store.fetch("SELECT source_id, alias FROM source_aliases")
        ids = sorted({row["source_id"] for row in aliases if _folded(row["alias"]) == wanted})
    if not ids:
        raise BadQuery(f"[Q801] no source is named {name!r} - list the names with `quotegraph sources`")
    candidates = store.fetch(
        "SELECT s.id, s.name, s.type, (SELECT COUNT(*) FROM attributions a WHERE a.source_id = s.id) AS attributions"
        f" FROM sources s WHERE s.id IN ({placeholders(ids)}) ORDER BY s.id",
        tuple(ids),
    )
    if len(candidates) > 1:
        listed = "; ".join(
            f"{c['name']} ({c['type']}, {c['attributions']} attribution{'' if c['attributions'] == 1 else 's'})"
            for c in candidates
        )
        raise BadQuery(f"[Q802] {name!r} names {len(candidates)} sources: {listed} - ask again with one's full name")
    return candidates[0]


def search(store: Store, text: str, limit: int = 50) -> list[Row]:
    """Return the attributions whose content or speaker matches TEXT, best first, with a snippet of the content.

    On SQLite every word of TEXT must occur (FTS5 syntax is not read); on
    PostgreSQL TEXT is a web search: words, "quoted phrases", ``or``, ``-word``.
    Words match their other forms ("warned" finds "warns") on both.
    """
    matches, query = _matches(store, text)
    if not query:
        return []
    return store.fetch(
        f"SELECT ar.date, ar.publisher, a.article_id, a.id AS attribution_id, {SPEAKER} AS speaker, a.act, m.snippet"
        f" FROM ({matches}) m JOIN attributions a ON a.article_id = m.article_id AND a.id = m.attribution_id"
        " JOIN articles ar ON ar.id = a.article_id ORDER BY m.rank DESC, a.article_id, a.content_start LIMIT :limit",
        {"query": query, "limit": limit},
    )


def _matches(store: Store, text: str) -> tuple[str, str]:
    """Return the dialect's SQL for the matching attributions (ids, rank, snippet), and its ``:query``.

    SQLite gets each word of TEXT as a quoted FTS5 string, so no TEXT can be read
    as FTS5 syntax (NEAR, *, OR, column filters); no words, no query.
    """
    if store.dialect == "postgresql":
        return (
            f"SELECT article_id, id AS attribution_id, ts_rank({TSVECTOR}, {TSQUERY}) AS rank,"
            f" ts_headline('english', content_text, {TSQUERY}, 'StartSel=[, StopSel=], MaxWords=16, MinWords=8')"
            f" AS snippet FROM attributions WHERE {TSVECTOR} @@ {TSQUERY}",
            text.strip(),
        )
    query = " ".join(f'"{word}"' for word in re.findall(r"\w+", text))
    return (
        "SELECT article_id, attribution_id, -bm25(attributions_fts) AS rank,"
        " snippet(attributions_fts, 2, '[', ']', '…', 16) AS snippet"
        " FROM attributions_fts WHERE attributions_fts MATCH :query",
        query,
    )


def responses(store: Store, limit: int = 50) -> list[Row]:
    """Return the claims that other attributions answer (``responds_to``), latest first, each with its responses."""
    claims = store.fetch(
        f"SELECT ar.date, ar.publisher, a.article_id, ar.title, a.id AS attribution_id, {SPEAKER} AS speaker,"
        " a.act, a.content_text AS content FROM attributions a JOIN articles ar ON ar.id = a.article_id"
        " WHERE EXISTS (SELECT 1 FROM attributions r WHERE r.article_id = a.article_id AND r.responds_to = a.id)"
        " ORDER BY ar.date IS NULL, ar.date DESC, a.article_id, a.content_start LIMIT ?",
        (limit,),
    )
    answers: dict[tuple[str, str], list[Row]] = defaultdict(list)
    ids = sorted({claim["article_id"] for claim in claims})
    if ids:
        for row in store.fetch(
            f"SELECT a.article_id, a.responds_to, a.id AS attribution_id, {SPEAKER} AS speaker, a.act,"
            f" a.content_text AS content FROM attributions a WHERE a.article_id IN ({placeholders(ids)})"
            " AND a.responds_to IS NOT NULL ORDER BY a.article_id, a.content_start",
            tuple(ids),
        ):
            answers[row["article_id"], row["responds_to"]].append(_without(row, "article_id", "responds_to"))
    return [{**claim, "responses": answers[claim["article_id"], claim["attribution_id"]]} for claim in claims]


def stats(store: Store) -> list[Row]:
    """Return the corpus counts as (group, name, count) rows.

    Groups: ``corpus`` (rows per table), then attributions by ``kind``, ``act`` and ``speaker type``.
    """
    rows = [{"group": "corpus", "name": table, "count": n} for table, n in store.counts().items()]
    for group, column in (("kind", "kind"), ("act", "act"), ("speaker type", "speaker_type")):
        rows += [
            {"group": group, "name": row["name"], "count": row["n"]}
            for row in store.fetch(
                f"SELECT {column} AS name, COUNT(*) AS n FROM attributions GROUP BY {column}"
                f" ORDER BY n DESC, {column} IS NULL, {column}"
            )
        ]
    return rows


def per_month(store: Store) -> list[Row]:
    """Return the attributions of dated articles per month and kind, by month."""
    return store.fetch(
        "SELECT ar.month, a.kind, COUNT(*) AS attributions FROM attributions a JOIN articles ar ON ar.id = a.article_id"
        " WHERE ar.month IS NOT NULL GROUP BY ar.month, a.kind ORDER BY ar.month, a.kind"
    )


def plot_per_month(store: Store, path: str | Path) -> Path:
    """Save a bar chart of attributions per month, stacked by kind, as a PNG at PATH; return PATH.

    Months without attributions between the first and the last show as empty bars.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    rows = per_month(store)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["kind"]][row["month"]] = row["attributions"]
    months = _month_range(rows[0]["month"], rows[-1]["month"]) if rows else []
    figure, axes = plt.subplots(figsize=(max(6, 0.5 * len(months) + 2), 4.5))
    bottom = [0] * len(months)
    for kind in sorted(counts):
        heights = [counts[kind].get(month, 0) for month in months]
        axes.bar(months, heights, bottom=bottom, label=kind)
        bottom = [b + h for b, h in zip(bottom, heights)]
    axes.set_title("Attributions per month, by kind")
    axes.set_xlabel("Month of publication")
    axes.set_ylabel("Attributions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelrotation=45)
    if counts:
        axes.legend(title="kind")
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, format="png", dpi=120)
    plt.close(figure)
    return path


def _month_range(first: str, last: str) -> list[str]:
    """Return the months from FIRST to LAST (YYYY-MM), both included."""
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _filters(**values: Any) -> tuple[str, list[Any]]:
    """Return the SQL condition for the given filters (None means no filter) and its parameters."""
    conditions = {
        "type": "s.type = ?",
        "publisher": "ar.publisher = ?",
        "since": "ar.date >= ?",
        "until": "ar.date <= ?",
        "act": "a.act = ?",
    }
    given = {name: value for name, value in values.items() if value is not None}
    sql = " AND ".join(conditions[name] for name in given) or "1 = 1"
    return sql, [str(value) for value in given.values()]


def _folded(name: str) -> str:
    """Return a name's key with accents dropped, so "José" and "jose" compare equal."""
    return without_accents(plain_key(name))


def _without(row: Row, *columns: str) -> Row:
    """Return a row without some columns."""
    return {key: value for key, value in row.items() if key not in columns}


def placeholders(values: list[Any]) -> str:
    """Return one ``?`` placeholder per value, comma separated."""
    return ", ".join("?" * len(values))
