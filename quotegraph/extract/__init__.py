"""Tagger scores -> labelled runs -> attributions."""

from __future__ import annotations

import numpy as np

from quotegraph.extract.group import group
from quotegraph.extract.runs import decode_runs
from quotegraph.model import Attribution
from quotegraph.nlp.tagger import viterbi
from quotegraph.text.words import Words


def extract(
    words: Words,
    logp: np.ndarray,
    bias: np.ndarray | None = None,
    *,
    max_distance: int = 400,
    min_confidence: float = 0.0,
    require_cue: bool = True,
) -> list[Attribution]:
    """Decode per-word label scores into attributions.

    ``bias`` is added to the log-probabilities before decoding (one value per
    label) to trade precision for recall per role; confidences use the raw
    probabilities.
    """
    labels = viterbi(logp if bias is None else logp + bias)
    runs = decode_runs(labels, logp)
    return group(words, runs, max_distance=max_distance, min_confidence=min_confidence, require_cue=require_cue)
