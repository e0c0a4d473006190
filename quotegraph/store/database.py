"""The corpus database: articles with their attributions, and the sources they share across articles."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

from quotegraph.model import Article, Speaker
from quotegraph.store.dialects import Params, chunks, connect
from quotegraph.store.migrations import migrate
from quotegraph.store.rows import article_rows, now, search_row, source_names

DEFAULT_URL = "sqlite:///quotegraph.db"
COUNTED_TABLES = ("articles", "attributions", "sources", "entities", "failures")

# A source's display name is the name its attributions give most (the longer on a tie), its role the most given.
REFRESH_SOURCE = """
UPDATE sources SET
    name = (
        SELECT speaker_name FROM attributions WHERE source_id = :id
        GROUP BY speaker_name ORDER BY count(*) DESC, length(speaker_name) DESC, speaker_name LIMIT 1
    ),
    role = (
        SELECT role FROM attributions WHERE source_id = :id AND role IS NOT NULL
        GROUP BY role ORDER BY count(*) DESC, role LIMIT 1
    )
WHERE id = :id
"""
# A source no attribution names any more.
NOT_NAMED = "NOT EXISTS (SELECT 1 FROM attributions WHERE source_id = :id)"


def open_store(url: str | None = None) -> Store:
    """Open the corpus database at ``url`` and bring its schema up to date.

    Args:
        url: ``sqlite:///path.db`` or ``postgresql://user@host:port/dbname``; None reads
            ``$QUOTEGRAPH_DB_URL``, else ``sqlite:///quotegraph.db``.

    Raises:
        BadDatabase: the URL, server or file cannot be used, or a newer quotegraph made the database.
    """
    store = Store(url or os.environ.get("QUOTEGRAPH_DB_URL") or DEFAULT_URL)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


class Store:
    """A connection to the corpus database; use ``open_store()``, which also migrates it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = connect(url)
        self.dialect = self.db.dialect

    def migrate(self) -> list[str]:
        """Apply the schema migrations the database lacks; return their names."""
        return migrate(self.db)

    def stored_hashes(self, ids: list[str]) -> dict[str, str]:
        """Return article id -> text sha256 for the ids already stored."""
        rows = self._select_in("SELECT id, text_sha256 FROM articles WHERE id IN", list(ids))
        return {row["id"]: row["text_sha256"] for row in rows}

    def save(self, articles: list[Article]) -> None:
        """Store articles in one transaction, each replacing what was stored under its id.

        Links every named speaker to its source across articles, keeps the
        full-text search in step, and clears the failure recorded for the id.
        An article listed twice is stored once, as its last copy.
        """
        latest = list({article.id: article for article in articles}.values())
        ingested_at = now()
        with self.db.transaction():
            touched = self._forget(list(self.stored_hashes([article.id for article in latest])))
            source_ids = self._add_sources(latest)
            tables: dict[str, list[dict[str, Any]]] = {"articles": [], "entities": [], "attributions": []}
            for article in latest:
                for table, rows in article_rows(article, ingested_at, source_ids).items():
                    tables[table] += rows
            self._write("articles", tables["articles"], replace_on="id")
            self._write("entities", tables["entities"])
            self._write("attributions", tables["attributions"])
            self.db.add_search_rows([search_row(row) for row in tables["attributions"]])
            self._refresh_sources(sorted(touched | set(source_ids.values())))
            self.db.executemany("DELETE FROM failures WHERE input = ?", [(article.id,) for article in latest])

    def record_failures(self, failures: list[tuple[str, str]]) -> None:
        """Record (input, reason) pairs, replacing an earlier reason for the same input."""
        failed_at = now()
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO failures (input, reason, failed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (input) DO UPDATE SET reason = excluded.reason, failed_at = excluded.failed_at",
                [(source, reason, failed_at) for source, reason in failures],
            )

    def fetch(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts; write ``?`` or ``:name`` placeholders on either database."""
        return self.db.execute(sql, params).fetchall()

    def counts(self) -> dict[str, int]:
        """Return the number of rows of each main table."""
        return {table: self.fetch(f"SELECT count(*) AS n FROM {table}")[0]["n"] for table in COUNTED_TABLES}

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _forget(self, article_ids: list[str]) -> set[int]:
        """Delete the attributions, entities and search rows of stored articles; return the sources they named."""
        sources = self._select_in("SELECT DISTINCT source_id FROM attributions WHERE article_id IN", article_ids)
        ids = [(id,) for id in article_ids]
        self.db.executemany("DELETE FROM attributions WHERE article_id = ?", ids)
        self.db.executemany("DELETE FROM entities WHERE article_id = ?", ids)
        self.db.forget_search_rows(article_ids)
        return {row["source_id"] for row in sources if row["source_id"] is not None}

    def _add_sources(self, articles: list[Article]) -> dict[str, int]:
        """Make the sources the articles' speakers name, if new, and add their names as aliases; return key -> id."""
        speakers: dict[str, Speaker] = {}
        aliases: set[tuple[str, str]] = set()
        for article in articles:
            for key, (speaker, names) in source_names(article).items():
                speakers.setdefault(key, speaker)
                aliases.update((key, name) for name in names)
        self.db.executemany(
            "INSERT INTO sources (key, name, type) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
            [(key, speaker.name, speaker.type) for key, speaker in speakers.items()],
        )
        rows = self._select_in("SELECT key, id FROM sources WHERE key IN", list(speakers))
        ids = {row["key"]: row["id"] for row in rows}
        self.db.executemany(
            "INSERT INTO source_aliases (source_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(ids[key], name) for key, name in sorted(aliases)],
        )
        return ids

    def _refresh_sources(self, source_ids: list[int]) -> None:
        """Drop sources no attribution names any more; recompute the name and role of the others."""
        ids = [{"id": id} for id in source_ids]
        self.db.executemany(f"DELETE FROM source_aliases WHERE source_id = :id AND {NOT_NAMED}", ids)
        self.db.executemany(f"DELETE FROM sources WHERE id = :id AND {NOT_NAMED}", ids)
        self.db.executemany(REFRESH_SOURCE, ids)

    def _select_in(self, sql: str, values: list[Any]) -> list[dict[str, Any]]:
        """Run a query ending in ``IN`` with the values as its list, in chunks; return all rows."""
        rows = []
        for chunk in chunks(values):
            rows += self.fetch(f"{sql} ({', '.join('?' * len(chunk))})", tuple(chunk))
        return rows

    def _write(self, table: str, rows: list[dict[str, Any]], replace_on: str | None = None) -> None:
        """Insert rows (dicts of one shape); with ``replace_on``, a row whose key exists updates it."""
        if not rows:
            return
        columns = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        if replace_on:
            updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column != replace_on)
            sql += f" ON CONFLICT ({replace_on}) DO UPDATE SET {updates}"
        self.db.executemany(sql, [tuple(row.values()) for row in rows])
