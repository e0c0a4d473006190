"""Turn gold attributions into per-word tagger labels."""

from __future__ import annotations

import numpy as np

from quotegraph.model import Article
from quotegraph.nlp.tagger import LABEL_ID
from quotegraph.text.words import Words


def gold_labels(article: Article, words: Words) -> np.ndarray:
    """Return the label id of every word; a word touching a span takes that span's role."""
    labels = np.zeros(len(words), dtype=np.int64)
    for attribution in article.attributions:
        for role in ("source", "cue", "content"):
            span = getattr(attribution, role)
            if span is None:
                continue
            for n, (start, end) in enumerate(span.pieces):
                lo = int(np.searchsorted(words.ends, start, side="right"))
                hi = int(np.searchsorted(words.starts, end, side="left"))
                if hi <= lo:
                    continue
                head = "C" if role == "content" and n > 0 else "B"
                labels[lo] = LABEL_ID[f"{head}-{role}"]
                labels[lo + 1 : hi] = LABEL_ID[f"I-{role}"]
    return labels
