"""The corpus database: save processed articles to SQLite or PostgreSQL, and read them back.

    >>> from quotegraph.store import open_store
    >>> with open_store("sqlite:///news.db") as store:
    ...     store.save(articles)
    ...     store.fetch("SELECT name, role FROM sources WHERE type = ?", ("person",))

Schema, URL forms and how to open the database with other tools: docs/database.md.
"""

from quotegraph.store.database import DEFAULT_URL, Store, open_store
from quotegraph.store.rows import source_key, text_hash

__all__ = ["DEFAULT_URL", "Store", "open_store", "source_key", "text_hash"]
