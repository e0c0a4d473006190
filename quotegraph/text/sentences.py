"""Cheap sentence and paragraph boundaries, used to keep attributions from reaching across them."""

from __future__ import annotations

import re

import numpy as np

# A sentence ends at . ! ? (optionally followed by closing quotes or brackets)
# before whitespace and an uppercase letter, a digit or an opening quote; a
# paragraph ends at a line break.
SENTENCE_END = re.compile(r"""(?<!\b[A-Z][a-z])(?<!\b[A-Z])[.!?]+["”’')\]]*(?=\s+["“‘(\[]?[A-Z0-9])|\n+""")


def boundaries(text: str) -> np.ndarray:
    """Return the sorted character offsets where sentences or paragraphs end."""
    return np.unique([m.end() for m in SENTENCE_END.finditer(text)]).astype(np.int64)


def crossings(ends: np.ndarray, a: int, b: int) -> int:
    """Count sentence boundaries strictly inside the gap [a, b)."""
    if b <= a:
        return 0
    return int(np.searchsorted(ends, b, side="left") - np.searchsorted(ends, a, side="right"))
