"""The pipeline: text -> words -> tagger scores -> runs -> attributions -> enrichment.

``Pipeline`` is what ``quotegraph.load()`` returns. It is reusable and
stateless between calls; ``pipe`` streams many articles, in batches for the
tagger and optionally over several processes that each load the model once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import multiprocessing
import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import torch

from quotegraph.config import Settings, load_settings
from quotegraph.enrich import enrich
from quotegraph.errors import BadInput
from quotegraph.extract import extract
from quotegraph.model import Article
from quotegraph.nlp.tagger import Tagger
from quotegraph.text.furniture import find_furniture, furniture_spans, mask
from quotegraph.text.words import Words, tokenize

SHIPPED_MODEL = Path(__file__).parent / "models" / "attribution_tagger.v2"

ArticleLike = str | dict[str, Any] | Article


def parse_date(value: Any) -> dt.date | None:
    """Read a YYYY-MM-DD date (or a date/datetime); None stays None.

    Raises:
        BadInput: the value is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise BadInput(f"[Q401] date {value!r} is not a valid YYYY-MM-DD date - give it as e.g. 2016-10-31") from None


def as_article(item: ArticleLike, default_id: str, max_chars: int | None = None) -> Article:
    """Make an Article of a string, a dict with ``text`` (and ``id``, ``date``, …) or an Article.

    Raises:
        BadInput: no text, text that is not a string, too long a text, or a bad date.
    """
    if isinstance(item, Article):
        article = item
    elif isinstance(item, str):
        article = Article(id=default_id, text=item)
    elif isinstance(item, dict):
        text = item.get("text")
        if not isinstance(text, str):
            raise BadInput(f"[Q402] article {item.get('id', default_id)!r} has no \"text\" string")
        fields = {k: item[k] for k in ("title", "url") if isinstance(item.get(k), str)}
        article = Article(
            id=str(item.get("id") or default_id), text=text, date=parse_date(item.get("date")), **fields
        )
    else:
        raise BadInput(f"[Q403] cannot read a {type(item).__name__} as an article - pass text, a dict or an Article")
    if max_chars and len(article.text) > max_chars:
        raise BadInput(
            f"[Q404] article {article.id!r} has {len(article.text):,} characters, over input.max_chars={max_chars:,} - "
            "split it or raise the limit with --set input.max_chars=N"
        )
    if "\x00" in article.text:
        warnings.warn(f"article {article.id!r} contains NUL characters; they are kept but look like binary data")
    return article


def words_of(article: Article) -> Words:
    """Tokenize an article with its page furniture blanked out, and list the furniture as boilerplate.

    The words keep the original text, so spans still read it; only the
    furniture lines have no words for the tagger to label.
    """
    ranges = find_furniture(article.text)
    article.boilerplate = furniture_spans(article.text, ranges)
    return dataclasses.replace(tokenize(mask(article.text, ranges)), text=article.text)


class Pipeline:
    """Find the attributions of articles with the learned tagger, and enrich them."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        tagger_settings = self.settings["tagger"]
        if tagger_settings["threads"]:
            torch.set_num_threads(int(tagger_settings["threads"]))
        self.model_path = Path(tagger_settings["path"] or SHIPPED_MODEL)
        self.tagger = Tagger.load(
            self.model_path, quantize=bool(tagger_settings["quantize"]), batch_size=int(tagger_settings["batch_size"])
        )

    def __call__(self, text: ArticleLike, date: str | dt.date | None = None, **fields: Any) -> Article:
        """Return the article of ``text`` with its attributions."""
        if isinstance(text, str):
            text = {"text": text, "date": date, **fields}
        elif date is not None:
            raise BadInput("[Q405] pass date= only with plain text; put it in the article otherwise")
        return self.process([as_article(text, "doc1", self.settings["input"]["max_chars"])])[0]

    def process(self, articles: list[Article]) -> list[Article]:
        """Find and enrich the attributions of a batch of articles; the articles are returned filled in."""
        words = [words_of(article) for article in articles]
        scores = self.tagger.predict(words)
        settings = self.settings["extract"]
        for article, article_words, logp in zip(articles, words, scores):
            article.attributions = extract(
                article_words,
                logp,
                self.tagger.bias,
                max_distance=int(settings["max_cue_distance"]),
                min_confidence=float(settings["min_confidence"]),
                require_cue=bool(settings["require_cue"]),
            )
            article.ext["words"] = article_words
            enrich(article, self.settings)
            article.ext.clear()
        return articles

    def pipe(self, items: Iterable[ArticleLike], *, n_process: int = 1, batch_size: int = 8) -> Iterator[Article]:
        """Stream articles with their attributions, in input order.

        With ``n_process`` > 1 the batches go to worker processes that each load
        the model once and use one thread.
        """
        max_chars = self.settings["input"]["max_chars"]
        articles = (as_article(item, f"doc{n}", max_chars) for n, item in enumerate(items, 1))
        batches = iter(lambda: list(itertools.islice(articles, batch_size)), [])
        if n_process <= 1:
            for batch in batches:
                yield from self.process(batch)
            return
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(n_process, initializer=_init_worker, initargs=(self.settings,)) as pool:
            for batch in pool.imap(_process_in_worker, batches):
                yield from batch


_worker: Pipeline | None = None


def _init_worker(settings: Settings) -> None:
    global _worker
    torch.set_num_threads(1)
    _worker = Pipeline({**settings, "tagger": {**settings["tagger"], "threads": 1}})


def _process_in_worker(batch: list[Article]) -> list[Article]:
    return _worker.process(batch)
