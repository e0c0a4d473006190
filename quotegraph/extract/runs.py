"""Read tagged words back as runs: maximal stretches of one role."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotegraph.nlp.tagger import LABELS


@dataclass
class Run:
    """Words ``first``..``last`` (inclusive) tagged with ``role``.

    ``continues`` marks a content part that joins the content before it.
    """

    role: str
    first: int
    last: int
    continues: bool = False
    score: float = 1.0


def decode_runs(labels: np.ndarray, logp: np.ndarray | None = None) -> list[Run]:
    """Return the runs of a valid BIO label sequence, with their mean label probability."""
    runs: list[Run] = []
    for i, label_id in enumerate(labels.tolist()):
        label = LABELS[label_id]
        if label == "O":
            continue
        head, role = label.split("-", 1)
        if head == "I" and runs and runs[-1].role == role and runs[-1].last == i - 1:
            runs[-1].last = i
        else:
            runs.append(Run(role, i, i, continues=head == "C"))
    if logp is not None:
        for run in runs:
            run.score = float(np.exp(logp[np.arange(run.first, run.last + 1), labels[run.first : run.last + 1]]).mean())
    return runs
