"""Named schema migrations: ``sql/<name>.<dialect>.sql``, applied in name order, logged once each.

A migration runs in one transaction with its log row, so a database has it
wholly or not at all. Names a database lists that this quotegraph does not
know mean a newer quotegraph made it; the store refuses to touch it.
"""

from __future__ import annotations

from pathlib import Path

from quotegraph.errors import BadDatabase
from quotegraph.store.dialects import Connection, redact
from quotegraph.store.rows import now

SQL = Path(__file__).with_name("sql")
LOG_TABLE = "CREATE TABLE IF NOT EXISTS _quotegraph_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"


def migrations(dialect: str) -> dict[str, str]:
    """Return migration name -> SQL script for a dialect, in the order they apply."""
    return {path.name.split(".")[0]: path.read_text(encoding="utf-8") for path in sorted(SQL.glob(f"*.{dialect}.sql"))}


def migrate(db: Connection) -> list[str]:
    """Apply the migrations the database lacks; return their names.

    Raises:
        BadDatabase: the database has migrations this quotegraph does not know.
    """
    known = migrations(db.dialect)
    with db.transaction():
        db.lock_schema()
        db.execute(LOG_TABLE)
        applied = {row["name"] for row in db.execute("SELECT name FROM _quotegraph_migrations").fetchall()}
        if unknown := sorted(applied - known.keys()):
            raise BadDatabase(
                f"[Q605] {redact(db.url)} was made by a newer quotegraph (migrations {', '.join(unknown)}) - "
                "upgrade quotegraph (pip install -U quotegraph) to use it"
            )
        pending = [name for name in known if name not in applied]
        for name in pending:
            db.run_script(known[name])
            db.execute("INSERT INTO _quotegraph_migrations (name, applied_at) VALUES (?, ?)", (name, now()))
    return pending
