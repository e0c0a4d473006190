"""quotegraph: who said what, how, when, and in reply to whom, in news text.

    >>> import quotegraph
    >>> nlp = quotegraph.load()
    >>> article = nlp("“We will win,” the senator said.", date="2016-10-31")
    >>> [(a.source.text, a.cue.text, a.content.text) for a in article.attributions]
"""

from quotegraph.api import load
from quotegraph.model import SCHEMA_VERSION, Article, Attribution, Span

__all__ = ["load", "Article", "Attribution", "Span", "SCHEMA_VERSION"]
__version__ = "0.1.0"
