"""The two databases the store runs on, behind one small connection interface.

Everything that differs between SQLite and PostgreSQL lives here: connecting,
placeholders, transactions, running a migration script, and the full-text
rows (SQLite keeps them in an FTS5 table; PostgreSQL indexes the attributions
table itself, so it has nothing to do).
"""

from __future__ import annotations

import abc
import contextlib
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from quotegraph.errors import BadDatabase

URL_FORMS = "sqlite:///relative/path.db, sqlite:////absolute/path.db or postgresql://user@host:port/dbname"
# Statements hold at most this many "?" in an IN list: old SQLite builds allow 999 variables.
CHUNK = 500

Params = Sequence[Any] | dict[str, Any]


class Connection(abc.ABC):
    """A database connection that speaks SQLite's SQL spelling: ``?`` and ``:name`` placeholders."""

    dialect: str
    url: str

    @abc.abstractmethod
    def execute(self, sql: str, params: Params = ()) -> Any:
        """Run one statement; return its cursor."""

    @abc.abstractmethod
    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per row of parameters."""

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Return a context that commits on exit and rolls back on an exception."""

    def lock_schema(self) -> None:
        """Keep other connections from migrating until the current transaction ends."""

    @abc.abstractmethod
    def run_script(self, script: str) -> None:
        """Run a migration script inside the current transaction."""

    def forget_search_rows(self, article_ids: list[str]) -> None:
        """Remove the full-text rows of these articles (none to remove where an index keeps them)."""

    def add_search_rows(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Add full-text rows: (article id, attribution id, content, who) (none where an index keeps them)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection."""


class SQLiteConnection(Connection):
    """A SQLite file in WAL mode with foreign keys on; transactions are explicit (BEGIN IMMEDIATE)."""

    dialect = "sqlite"

    def __init__(self, url: str, path: str) -> None:
        self.url = url
        try:
            # isolation_level=None: no implicit transactions, so BEGIN/COMMIT below are the only ones.
            self.connection = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.connection.row_factory = dict_row
            self.connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as error:
            if "file is not a database" in str(error):
                raise BadDatabase(
                    f"[Q603] {path} is not a SQLite database ({error}) - point --db at a quotegraph "
                    "database, or at a new file name to make one"
                ) from error
            raise BadDatabase(
                f"[Q602] cannot open SQLite database {path}: {error} - check that its folder exists and is writable"
            ) from error
        self.connection.execute("PRAGMA foreign_keys = ON")
        # NORMAL loses no committed transaction when the process dies (kill -9), only on power loss.
        self.connection.execute("PRAGMA synchronous = NORMAL")

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.connection.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at the start, so two writers queue instead of deadlocking.
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def run_script(self, script: str) -> None:
        # executescript() would commit first; run the statements one by one inside the transaction.
        statement = ""
        for line in script.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self.connection.execute(statement)
                statement = ""

    def forget_search_rows(self, article_ids: list[str]) -> None:
        for chunk in chunks(article_ids):
            marks = ", ".join("?" * len(chunk))
            self.connection.execute(f"DELETE FROM attributions_fts WHERE article_id IN ({marks})", chunk)

    def add_search_rows(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.connection.executemany(
            "INSERT INTO attributions_fts (article_id, attribution_id, content, source) VALUES (?, ?, ?, ?)", rows
        )

    def close(self) -> None:
        self.connection.close()


class PostgreSQLConnection(Connection):
    """A PostgreSQL connection through psycopg 3, autocommit outside ``transaction()``."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg  # imported here: SQLite users never pay for it
        from psycopg.rows import dict_row as psycopg_dict_row

        self.url = url
        timeout = {} if "connect_timeout" in url else {"connect_timeout": 10}
        try:
            self.connection = psycopg.connect(url, autocommit=True, row_factory=psycopg_dict_row, **timeout)
        except psycopg.Error as error:
            raise BadDatabase(
                f"[Q604] cannot connect to PostgreSQL at {redact(url)}: {str(error).strip()} - check that the "
                "server runs and listens on that host and port, that the database exists (createdb), and the "
                "user and password (PGPASSWORD or ~/.pgpass)"
            ) from error

    def execute(self, sql: str, params: Params = ()) -> Any:
        return self.connection.execute(to_psycopg(sql, params), params or None)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if rows:
            self.connection.cursor().executemany(to_psycopg(sql, rows[0]), rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connection.transaction():
            yield

    def lock_schema(self) -> None:
        self.connection.execute("SELECT pg_advisory_xact_lock(hashtext('_quotegraph_migrations'))")

    def run_script(self, script: str) -> None:
        self.connection.execute(script)

    def close(self) -> None:
        self.connection.close()


def connect(url: str) -> Connection:
    """Open the database a URL names.

    Raises:
        BadDatabase: the URL has an unknown scheme, or the database cannot be opened.
    """
    if url.startswith("sqlite:///"):
        return SQLiteConnection(url, url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgreSQLConnection(url)
    raise BadDatabase(f"[Q601] cannot read database URL {redact(url)!r} - write it as {URL_FORMS}")


# A quoted literal or identifier (kept as it is, "%" doubled), a :name, a "?" or a "%".
TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|(?<![:\w]):([A-Za-z_]\w*)|\?|%")


def to_psycopg(sql: str, params: Params) -> str:
    """Translate SQLite placeholders to psycopg's: ``?`` -> ``%s``, ``:name`` -> ``%(name)s``, ``%`` -> ``%%``.

    Without parameters psycopg sends the SQL as it is, so nothing is translated.
    """
    if not params:
        return sql

    def translate(match: re.Match) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if match.group(1):
            return f"%({match.group(1)})s" if isinstance(params, dict) else token
        return token.replace("%", "%%")

    return TOKEN.sub(translate, sql)


def dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    """Return a SQLite row as a dict, as psycopg's dict_row does."""
    return {column[0]: value for column, value in zip(cursor.description, row)}


def chunks(values: list[Any]) -> Iterator[list[Any]]:
    """Yield ``values`` in lists of at most CHUNK."""
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def redact(url: str) -> str:
    """Return a URL with its password replaced by ``***``."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
