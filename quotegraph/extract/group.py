"""Group tagged runs into attributions: which source and cue go with which content.

1. Content parts tagged ``C-content`` join the content before them, so
   "“…,” she said, “…”" becomes one discontinuous content.
2. Each content takes the nearest free cue, nearest first over the whole
   article; a cue never reaches across another content, and sentence ends
   count as a long way.
3. Each cue takes the nearest free source on the same terms, without
   reaching across another cue; an attribution left without a source shares
   the source of the attribution before it in the same sentence ("X said … and
   added …").
4. A content left without a cue is dropped unless asked for.
5. Kind comes from quotation marks: content all inside quotes is direct,
   partly inside is mixed, otherwise indirect.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from quotegraph.extract.runs import Run
from quotegraph.model import Attribution, Span
from quotegraph.text.sentences import boundaries, crossings
from quotegraph.text.words import SHAPE_ID, Words

SENTENCE_COST = 200  # characters a sentence boundary counts for when measuring distance


@dataclass
class Unit:
    """A content made of one or more runs, with the cue and source found for it."""

    parts: list[Run]
    cue: Run | None = None
    source: Run | None = None
    shared_source: bool = False
    extent: tuple[int, int] = (0, 0)
    spans: list[tuple[int, int]] = field(default_factory=list)


def group(
    words: Words, runs: list[Run], *, max_distance: int = 400, min_confidence: float = 0.0, require_cue: bool = True
) -> list[Attribution]:
    """Return the attributions formed by ``runs`` over ``words``, in text order.

    A content that finds no cue is dropped when ``require_cue`` is set: on
    PolNeAR dev, four in five of them are fragments or missed-cue errors.
    """
    text = words.text
    ends = boundaries(text)

    def chars(run: Run) -> tuple[int, int]:
        return int(words.starts[run.first]), int(words.ends[run.last])

    units: list[Unit] = []
    for run in runs:
        if run.role != "content":
            continue
        a, b = chars(run)
        if run.continues and units and a - units[-1].extent[1] <= max_distance:
            units[-1].parts.append(run)
            units[-1].spans.append((a, b))
            units[-1].extent = (units[-1].extent[0], b)
        else:
            units.append(Unit(parts=[run], extent=(a, b), spans=[(a, b)]))
    cues = [r for r in runs if r.role == "cue"]
    sources = [r for r in runs if r.role == "source"]

    content_spans = sorted((s, e, i) for i, u in enumerate(units) for s, e in u.spans)
    content_starts = [s for s, _, _ in content_spans]

    def content_between(a: int, b: int, owner: int | None) -> bool:
        """Is any content run (not of ``owner``) inside the gap [a, b)?"""
        i = bisect.bisect_left(content_starts, a)
        while i < len(content_spans) and content_spans[i][0] < b:
            if content_spans[i][2] != owner:
                return True
            i += 1
        return False

    def gap(x: tuple[int, int], y: tuple[int, int]) -> tuple[int, int]:
        return (x[1], y[0]) if x[1] <= y[0] else (y[1], x[0]) if y[1] <= x[0] else (0, 0)

    def distance(x: tuple[int, int], y: tuple[int, int]) -> int:
        a, b = gap(x, y)
        return max(0, b - a) + SENTENCE_COST * crossings(ends, a, b)

    # 2. contents to cues
    cue_spans = [chars(c) for c in cues]
    cue_starts = [a for a, _ in cue_spans]
    pairs = []
    for u_index, unit in enumerate(units):
        lo = bisect.bisect_left(cue_starts, unit.extent[0] - max_distance)
        hi = bisect.bisect_right(cue_starts, unit.extent[1] + max_distance)
        for q in range(lo, hi):
            d = min(distance(span, cue_spans[q]) for span in unit.spans)
            a, b = min((gap(span, cue_spans[q]) for span in unit.spans), key=lambda g: g[1] - g[0])
            if d <= max_distance and not content_between(a, b, u_index):
                pairs.append((d, u_index, q))
    for u_index, q in closest_pairs(pairs):
        units[u_index].cue = cues[q]

    # 3. cues to sources
    source_spans = [chars(s) for s in sources]
    source_starts = [a for a, _ in source_spans]

    def cue_between(a: int, b: int) -> bool:
        i = bisect.bisect_left(cue_starts, a)
        return i < len(cue_starts) and cue_starts[i] < b

    pairs = []
    for u_index, unit in enumerate(units):
        if unit.cue is None:
            continue
        cue_span = chars(unit.cue)
        lo = bisect.bisect_left(source_starts, cue_span[0] - max_distance)
        hi = bisect.bisect_right(source_starts, cue_span[1] + max_distance)
        for s in range(lo, hi):
            a, b = gap(source_spans[s], cue_span)
            d = distance(source_spans[s], cue_span)
            if d <= max_distance and not cue_between(a, b) and not content_between(a, b, u_index):
                pairs.append((d, u_index, s))
    for u_index, s in closest_pairs(pairs):
        units[u_index].source = sources[s]
    by_cue = sorted(((chars(u.cue), u) for u in units if u.cue is not None), key=lambda pair: pair[0])
    for (previous_cue, previous), (cue_span, unit) in zip(by_cue, by_cue[1:]):
        if unit.source is None and previous.source is not None:
            a, b = previous_cue[1], cue_span[0]
            if crossings(ends, a, b) == 0 and not any(a <= x < b for x in source_starts):
                unit.source = previous.source
                unit.shared_source = True

    # 4. attributions
    attributions = []
    for unit in sorted(units, key=lambda u: u.extent[0]):
        if require_cue and unit.cue is None:
            continue
        roles = [r for r in (*unit.parts, unit.cue, unit.source) if r is not None]
        confidence = float(np.mean([r.score for r in roles]))
        if confidence < min_confidence:
            continue
        attributions.append(
            Attribution(
                id=f"a{len(attributions) + 1}",
                source=Span.from_parts(text, [chars(unit.source)]) if unit.source else None,
                cue=Span.from_parts(text, [chars(unit.cue)]) if unit.cue else None,
                content=Span.from_parts(text, unit.spans),
                kind=kind_of(words, unit.parts),
                confidence=round(confidence, 4),
            )
        )
    return attributions


def closest_pairs(pairs: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Pair items one to one from (distance, left, right) candidates, closest first."""
    used_left, used_right, chosen = set(), set(), []
    for _, left, right in sorted(pairs):
        if left not in used_left and right not in used_right:
            used_left.add(left)
            used_right.add(right)
            chosen.append((left, right))
    return chosen


def kind_of(words: Words, parts: list[Run]) -> str:
    """Direct when every content word is inside quotation marks, mixed when some are."""
    inside = np.concatenate([words.context[r.first : r.last + 1] & 1 for r in parts])
    wordlike = np.concatenate([words.shape[r.first : r.last + 1] != SHAPE_ID["punct"] for r in parts])
    if wordlike.any():
        inside = inside[wordlike]
    if inside.all():
        return "direct"
    return "mixed" if inside.any() else "indirect"
