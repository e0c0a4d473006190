"""Read and write attributions in brat standoff, in the PolNeAR layout.

A PolNeAR split is ``SPLIT/text/NAME.txt`` with ``SPLIT/attributions/NAME_ANNOTATOR.ann``.
Each attribution is an ``E`` line linking ``Source``, ``Cue``, ``Content`` (and
sometimes ``Content2``) text-bound annotations. Articles annotated by several
annotators keep the first annotation file in name order, so that every run
reads the same gold.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from quotegraph.errors import CorpusNotFound
from quotegraph.model import Article, Attribution, Span

log = logging.getLogger(__name__)

ROLE_OF_LABEL = {"Source": "source", "Cue": "cue", "Content": "content", "Content2": "content"}


def parse_ann(ann: str, text: str) -> list[Attribution]:
    """Return the attributions of one brat ``.ann`` file over ``text``."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2 and " " in fields[1]:
            label, offsets = fields[1].split(" ", 1)
            parts = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
            spans[fields[0]] = (label, [(a, b) for a, b in parts])
        elif line.startswith("E") and len(fields) >= 2:
            events.append([tuple(arg.split(":", 1)) for arg in fields[1].split() if ":" in arg])
    attributions = []
    for args in events:
        parts: dict[str, list[tuple[int, int]]] = {}
        for label, tid in args:
            role = ROLE_OF_LABEL.get(label)
            if role and tid in spans:
                parts.setdefault(role, []).extend(spans[tid][1])
        if "content" not in parts:
            continue
        roles = {role: Span.from_parts(text, ps) for role, ps in parts.items()}
        attributions.append(
            Attribution(id=f"a{len(attributions) + 1}", kind="indirect", **roles)
        )
    attributions.sort(key=lambda a: a.content.start)
    for i, attribution in enumerate(attributions, 1):
        attribution.id = f"a{i}"
    return attributions


def read_dates(root: Path) -> dict[str, dt.date]:
    """Return publication dates by article name from ``metadata.tsv``, if present."""
    dates = {}
    metadata = root / "metadata.tsv"
    if metadata.exists():
        lines = metadata.read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        name_col, date_col = header.index("filename"), header.index("publication_date")
        for line in lines[1:]:
            fields = line.split("\t")
            try:
                dates[fields[name_col]] = dt.date.fromisoformat(fields[date_col])
            except (ValueError, IndexError):
                continue
    return dates


def read_split(directory: str | Path) -> list[Article]:
    """Read every article of a PolNeAR split directory (with ``text/`` and ``attributions/``).

    Raises:
        CorpusNotFound: the directory does not hold a split in that layout.
    """
    directory = Path(directory)
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise CorpusNotFound(
            f"[Q101] {directory} has no text/ and attributions/ folders - "
            "point --gold/--data at a PolNeAR split such as ../shared/polnear/dev"
        )
    dates = read_dates(directory.parent)
    annotations: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        annotations.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    articles = []
    for txt in sorted(text_dir.glob("*.txt")):
        ann = annotations.get(txt.stem)
        if ann is None:
            log.warning("%s has no annotation file; skipped", txt.name)
            continue
        text = txt.read_text(encoding="utf-8")
        articles.append(
            Article(
                id=txt.stem,
                text=text,
                date=dates.get(txt.stem),
                attributions=parse_ann(ann.read_text(encoding="utf-8"), text),
            )
        )
    return articles


def to_ann(article: Article) -> str:
    """Write an article's attributions as brat standoff, one ``E`` line each."""
    lines, t = [], 0
    labels = {"source": "Source", "cue": "Cue", "content": "Content"}
    for n, attribution in enumerate(article.attributions, 1):
        args = []
        trigger = attribution.cue or attribution.content
        t += 1
        lines.append(f"T{t}\tAttribution {trigger.start} {trigger.end}\t{trigger.text}".replace("\n", " "))
        args.append(f"Attribution:T{t}")
        for role, label in labels.items():
            span = getattr(attribution, role)
            if span is None:
                continue
            t += 1
            offsets = ";".join(f"{a} {b}" for a, b in span.pieces)
            fragment = " ".join(article.text[a:b] for a, b in span.pieces).replace("\n", " ")
            lines.append(f"T{t}\t{label} {offsets}\t{fragment}")
            args.append(f"{label}:T{t}")
        lines.append(f"E{n}\t" + " ".join(args))
    return "\n".join(lines) + ("\n" if lines else "")
