"""Export the corpus database: article JSON lines, a Parquet table of attributions, or brat standoff files.

Every format reads the articles a page at a time, in id order, so memory stays
flat however big the corpus is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from quotegraph.ingest.brat import to_ann
from quotegraph.model import Article, Attribution, Entity, Span, Speaker, Time
from quotegraph.store import Store
from quotegraph.store.queries import placeholders

Row = dict[str, Any]
Format = Literal["jsonl", "parquet", "brat"]
FORMATS: tuple[str, ...] = ("jsonl", "parquet", "brat")
PAGE = 200
# Annotator part of the .ann names: PolNeAR names them ARTICLE_ANNOTATOR.ann.
ANNOTATOR = "quotegraph"
# Parquet column -> (SQL expression, pyarrow type): a row per attribution, with its article's and source's fields.
PARQUET_COLUMNS = {
    "article_id": ("ar.id", "string"),
    "date": ("ar.date", "date32"),
    "month": ("ar.month", "string"),
    "title": ("ar.title", "string"),
    "url": ("ar.url", "string"),
    "publisher": ("ar.publisher", "string"),
    "byline": ("ar.byline", "string"),
    "attribution_id": ("a.id", "string"),
    "kind": ("a.kind", "string"),
    "act": ("a.act", "string"),
    "confidence": ("a.confidence", "float64"),
    "speaker_name": ("a.speaker_name", "string"),
    "speaker_type": ("a.speaker_type", "string"),
    "role": ("a.role", "string"),
    "affiliation": ("a.affiliation", "string"),
    "source_name": ("s.name", "string"),
    "source_type": ("s.type", "string"),
    "source_text": ("a.source_text", "string"),
    "cue_text": ("a.cue_text", "string"),
    "content_text": ("a.content_text", "string"),
    "source_start": ("a.source_start", "int64"),
    "source_end": ("a.source_end", "int64"),
    "cue_start": ("a.cue_start", "int64"),
    "cue_end": ("a.cue_end", "int64"),
    "content_start": ("a.content_start", "int64"),
    "content_end": ("a.content_end", "int64"),
    "content_parts": ("a.content_parts", "string"),
    "time_text": ("a.time_text", "string"),
    "time_value": ("a.time_value", "date32"),
    "time_value_end": ("a.time_value_end", "date32"),
    "responds_to": ("a.responds_to", "string"),
    "continues": ("a.continues", "string"),
}


def export(store: Store, out: str | Path, format: Format = "jsonl") -> dict[str, Any]:
    """Write the whole corpus to OUT (a file; a folder for brat) and return what was written.

    Args:
        format: ``jsonl``, one article per line as the JSON output contract, with
            its text; ``parquet``, one row per attribution with its article's
            fields; ``brat``, ``OUT/text/ID.txt`` and
            ``OUT/attributions/ID_quotegraph.ann`` per article, the PolNeAR layout.

    Returns:
        ``{"format", "path", "articles", "attributions"}``.
    """
    out = Path(out)
    (out if format == "brat" else out.parent).mkdir(parents=True, exist_ok=True)
    writers = {"jsonl": _write_jsonl, "parquet": _write_parquet, "brat": _write_brat}
    articles, attributions = writers[format](store, out)
    return {"format": format, "path": str(out), "articles": articles, "attributions": attributions}


def stored_articles(store: Store, page: int = PAGE) -> Iterator[Article]:
    """Yield every stored article rebuilt as an Article, in id order."""
    for rows in _pages(store, "*", page):
        ids = [row["id"] for row in rows]
        among = f"WHERE article_id IN ({placeholders(ids)})"
        attributions = _by_article(store.fetch(f"SELECT * FROM attributions {among}", tuple(ids)))
        entities = _by_article(store.fetch(f"SELECT * FROM entities {among}", tuple(ids)))
        for row in rows:
            yield article_from_rows(row, attributions[row["id"]], entities[row["id"]])


def article_from_rows(article: Row, attributions: list[Row], entities: list[Row]) -> Article:
    """Rebuild an Article from its ``articles`` row and its ``attributions`` and ``entities`` rows.

    The database keeps no entity mentions or page furniture, so those lists come back empty.
    """
    text = article["text"]
    return Article(
        id=article["id"],
        text=text,
        date=article["date"],
        title=article["title"],
        url=article["url"],
        byline=article["byline"],
        publisher=article["publisher"],
        schema_version=article["schema_version"],
        attributions=[_attribution(text, row) for row in sorted(attributions, key=_id_order)],
        entities=[Entity(id=row["id"], name=row["name"], type=row["type"]) for row in sorted(entities, key=_id_order)],
    )


def _attribution(text: str, row: Row) -> Attribution:
    """Rebuild an Attribution from its row."""
    parts = json.loads(row["content_parts"]) if row["content_parts"] else None
    speaker = None
    if row["speaker_type"] is not None:
        speaker = Speaker(
            entity=row["speaker_entity"],
            name=row["speaker_name"],
            type=row["speaker_type"],
            role=row["role"],
            affiliation=row["affiliation"],
        )
    return Attribution(
        id=row["id"],
        source=_span(row, "source"),
        cue=_span(row, "cue"),
        content=Span(start=row["content_start"], end=row["content_end"], text=row["content_text"], parts=parts),
        kind=row["kind"],
        confidence=row["confidence"],
        act=row["act"],
        speaker=speaker,
        time=_time(row),
        responds_to=row["responds_to"],
        continues=row["continues"],
    )


def _span(row: Row, name: str) -> Span | None:
    """Return the ``source`` or ``cue`` span of an attribution row, None when it has none."""
    if row[f"{name}_start"] is None:
        return None
    return Span(start=row[f"{name}_start"], end=row[f"{name}_end"], text=row[f"{name}_text"])


def _time(row: Row) -> Time | None:
    """Return the time of an attribution row, None when it has none."""
    if row["time_start"] is None:
        return None
    return Time(
        start=row["time_start"],
        end=row["time_end"],
        text=row["time_text"],
        value=row["time_value"],
        value_end=row["time_value_end"],
    )


def _write_jsonl(store: Store, out: Path) -> tuple[int, int]:
    """Write one article JSON (with its text) per line."""
    articles = attributions = 0
    with out.open("w", encoding="utf-8") as file:
        for article in stored_articles(store):
            file.write(json.dumps(article.to_json(include_text=True), ensure_ascii=False) + "\n")
            articles += 1
            attributions += len(article.attributions)
    return articles, attributions


def _write_brat(store: Store, out: Path) -> tuple[int, int]:
    """Write OUT/text/ID.txt and OUT/attributions/ID_quotegraph.ann per article, as PolNeAR lays them out."""
    (out / "text").mkdir(exist_ok=True)
    (out / "attributions").mkdir(exist_ok=True)
    articles = attributions = 0
    used: set[str] = set()
    for article in stored_articles(store):
        name = _file_name(article.id, used)
        # newline="" keeps the text byte for byte, so the .ann offsets stay right.
        (out / "text" / f"{name}.txt").write_text(article.text, encoding="utf-8", newline="")
        (out / "attributions" / f"{name}_{ANNOTATOR}.ann").write_text(to_ann(article), encoding="utf-8", newline="")
        articles += 1
        attributions += len(article.attributions)
    return articles, attributions


def _write_parquet(store: Store, out: Path) -> tuple[int, int]:
    """Write one row per attribution, with its article's fields, one row group per page of articles."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, getattr(pa, kind)()) for name, (_, kind) in PARQUET_COLUMNS.items()])
    dates = [name for name, (_, kind) in PARQUET_COLUMNS.items() if kind == "date32"]
    columns = ", ".join(f"{sql} AS {name}" for name, (sql, _) in PARQUET_COLUMNS.items())
    articles = attributions = 0
    with pq.ParquetWriter(out, schema) as writer:
        for rows in _pages(store, "id", PAGE):
            ids = [row["id"] for row in rows]
            found = store.fetch(
                f"SELECT {columns} FROM attributions a JOIN articles ar ON ar.id = a.article_id"
                f" LEFT JOIN sources s ON s.id = a.source_id WHERE a.article_id IN ({placeholders(ids)})"
                " ORDER BY a.article_id, a.content_start",
                tuple(ids),
            )
            for row in found:
                for column in dates:
                    row[column] = dt.date.fromisoformat(row[column]) if row[column] else None
            writer.write_table(pa.Table.from_pylist(found, schema=schema))
            articles += len(rows)
            attributions += len(found)
    return articles, attributions


def _pages(store: Store, columns: str, size: int) -> Iterator[list[Row]]:
    """Yield the ``articles`` rows ``size`` at a time, in id order, each page starting after the last id of the one before."""
    rows = store.fetch(f"SELECT {columns} FROM articles ORDER BY id LIMIT ?", (size,))
    while rows:
        yield rows
        rows = store.fetch(f"SELECT {columns} FROM articles WHERE id > ? ORDER BY id LIMIT ?", (rows[-1]["id"], size))


def _by_article(rows: list[Row]) -> dict[str, list[Row]]:
    """Group rows by their ``article_id``."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["article_id"]].append(row)
    return grouped


def _id_order(row: Row) -> tuple[int, str]:
    """Sort key putting ids such as a2 before a10."""
    return len(row["id"]), row["id"]


def _file_name(article_id: str, used: set[str]) -> str:
    """Return a safe, unused file name for an article id (letters, digits, ``.``, ``_``, ``-``)."""
    name = re.sub(r"[^\w.-]", "_", article_id).lstrip(".") or "article"
    stem, n = name, 1
    while name in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name)
    return name
