"""quotegraph: who said what, how, when, and in reply to whom, in news text.

    >>> import quotegraph
    >>> nlp = quotegraph.load()
    >>> article = nlp("“We will win,” the senator said.", date="2016-10-31")
    >>> [(a.source.text, a.cue.text, a.content.text) for a in article.attributions]

Many articles into a corpus database (``quotegraph.batch.ingest``; the name
``quotegraph.ingest`` is the package of input readers):

    >>> summary = quotegraph.ingest_corpus(["news.jsonl"], "sqlite:///news.db", jobs=4)
"""

from typing import Any

from quotegraph.api import load
from quotegraph.model import SCHEMA_VERSION, Article, Attribution, Span

__all__ = ["load", "ingest_corpus", "Article", "Attribution", "Span", "SCHEMA_VERSION"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import ``ingest_corpus`` on first use: it brings the input readers and the database drivers."""
    if name == "ingest_corpus":
        from quotegraph.batch import ingest

        return ingest
    raise AttributeError(f"module 'quotegraph' has no attribute {name!r}")
