"""The corpus reads the API serves: articles, sources and claims by id, a page at a time.

``quotegraph.store.queries`` answers the same questions by name and for the
command line; here they are asked by id, with ``limit`` and ``offset``, and
with the ids a client needs to follow links. Every value is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from quotegraph.store import Store
from quotegraph.store.export import article_from_rows
from quotegraph.store.queries import BY_DATE, SPEAKER
from quotegraph.store.queries import search as search_corpus

Row = dict[str, Any]
# One attribution with its article's date, publisher and title: a claim, a response, something a source said.
STATEMENT = (
    "a.article_id, a.id AS attribution_id, ar.date, ar.publisher, ar.title, ar.url,"
    f" {SPEAKER} AS speaker, a.source_id, a.act, a.kind, a.cue_text AS cue, a.content_text AS content,"
    " a.time_value, a.responds_to FROM attributions a JOIN articles ar ON ar.id = a.article_id"
)
# How often each source is quoted, in how many articles, and over which dates.
SOURCE_COUNTS = (
    "SELECT s.id, s.name, s.type, s.role, COUNT(*) AS attributions, COUNT(DISTINCT a.article_id) AS articles,"
    " MIN(ar.date) AS first_date, MAX(ar.date) AS last_date"
    " FROM attributions a JOIN sources s ON s.id = a.source_id JOIN articles ar ON ar.id = a.article_id"
)


def global_id(article_id: str, attribution_id: str | None) -> str | None:
    """Return the id that names an attribution across the corpus, ``ARTICLE_ID:aN`` (None for None)."""
    return f"{article_id}:{attribution_id}" if attribution_id else None


def articles(
    store: Store,
    limit: int,
    offset: int = 0,
    *,
    publisher: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    source_id: int | None = None,
) -> list[Row]:
    """Return stored articles, latest first (undated last), with their number of attributions."""
    conditions = {
        "ar.publisher = ?": publisher,
        "ar.date >= ?": since and since.isoformat(),
        "ar.date <= ?": until and until.isoformat(),
        "EXISTS (SELECT 1 FROM attributions a WHERE a.article_id = ar.id AND a.source_id = ?)": source_id,
    }
    given = {condition: value for condition, value in conditions.items() if value is not None}
    where = " AND ".join(given) or "1 = 1"
    return store.fetch(
        "SELECT ar.id, ar.date, ar.title, ar.url, ar.publisher, ar.n_attributions FROM articles ar"
        f" WHERE {where} ORDER BY ar.date IS NULL, ar.date DESC, ar.id LIMIT ? OFFSET ?",
        (*given.values(), limit, offset),
    )


def article(store: Store, article_id: str) -> Row | None:
    """Return a stored article as the JSON output contract, with its text, publisher and each attribution's source_id.

    None when no article has that id.
    """
    found = store.fetch("SELECT * FROM articles WHERE id = ?", (article_id,))
    if not found:
        return None
    attributions = store.fetch("SELECT * FROM attributions WHERE article_id = ?", (article_id,))
    entities = store.fetch("SELECT * FROM entities WHERE article_id = ?", (article_id,))
    data = article_from_rows(found[0], attributions, entities).to_json(include_text=True)
    source_ids = {row["id"]: row["source_id"] for row in attributions}
    for attribution in data["attributions"]:
        attribution["source_id"] = source_ids[attribution["id"]]
    return data


def sources(store: Store, limit: int, offset: int = 0, *, type: str | None = None) -> list[Row]:
    """Return the sources, most quoted first, each with how often it used each speech act."""
    where, params = ("s.type = ?", (type,)) if type else ("1 = 1", ())
    rows = store.fetch(
        f"{SOURCE_COUNTS} WHERE {where} GROUP BY s.id, s.name, s.type, s.role"
        " ORDER BY attributions DESC, s.name, s.id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    acts = act_counts(store, [row["id"] for row in rows])
    return [{**row, "acts": acts[row["id"]]} for row in rows]


def source(store: Store, source_id: int) -> Row | None:
    """Return one source with its counts, speech acts and every name it was quoted under; None if there is none."""
    found = store.fetch("SELECT id, name, type, role FROM sources WHERE id = ?", (source_id,))
    if not found:
        return None
    counts = store.fetch(f"{SOURCE_COUNTS} WHERE s.id = ? GROUP BY s.id, s.name, s.type, s.role", (source_id,))
    aliases = store.fetch("SELECT alias FROM source_aliases WHERE source_id = ? ORDER BY alias", (source_id,))
    empty = {"attributions": 0, "articles": 0, "first_date": None, "last_date": None}
    return {
        **(counts[0] if counts else {**found[0], **empty}),
        "aliases": [row["alias"] for row in aliases],
        "acts": act_counts(store, [source_id])[source_id],
    }


def said(store: Store, source_id: int, limit: int, offset: int = 0) -> list[Row]:
    """Return what a source said, by article date (undated last)."""
    return [
        statement(row)
        for row in store.fetch(
            f"SELECT {STATEMENT} WHERE a.source_id = ? ORDER BY {BY_DATE} LIMIT ? OFFSET ?", (source_id, limit, offset)
        )
    ]


def search(store: Store, text: str, limit: int, offset: int = 0) -> list[Row]:
    """Return the attributions whose content or speaker has the words of TEXT, best first (``queries.search``)."""
    return [
        {**row, "id": global_id(row["article_id"], row["attribution_id"])}
        for row in search_corpus(store, text, offset + limit)[offset:]
    ]


def thread(store: Store, article_id: str, attribution_id: str) -> Row | None:
    """Return a claim and the attributions of its article that respond to it; None if there is no such attribution."""
    claim = store.fetch(f"SELECT {STATEMENT} WHERE a.article_id = ? AND a.id = ?", (article_id, attribution_id))
    if not claim:
        return None
    responses = store.fetch(
        f"SELECT {STATEMENT} WHERE a.article_id = ? AND a.responds_to = ? ORDER BY a.content_start",
        (article_id, attribution_id),
    )
    return {"claim": statement(claim[0]), "responses": [statement(row) for row in responses]}


def statement(row: Row) -> Row:
    """Give an attribution row its global id, and the global id of the claim it responds to."""
    return {
        **row,
        "id": global_id(row["article_id"], row["attribution_id"]),
        "responds_to": global_id(row["article_id"], row["responds_to"]),
    }


def act_counts(store: Store, source_ids: list[int]) -> dict[int, dict[str, int]]:
    """Return source id -> {speech act: attributions}, commonest first, for the given sources."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if source_ids:
        for row in store.fetch(
            "SELECT source_id, act, COUNT(*) AS n FROM attributions"
            f" WHERE act IS NOT NULL AND source_id IN ({', '.join('?' * len(source_ids))})"
            " GROUP BY source_id, act ORDER BY n DESC, act",
            tuple(source_ids),
        ):
            counts[row["source_id"]][row["act"]] = row["n"]
    return counts
