"""Score predicted attributions against gold: per role, exact and overlap, and per relation.

Spans are compared as sets per article and role, so a source shared by two
attributions counts once. An exact match needs the same normalised parts; an
overlap match needs one shared character, and pairs gold and predicted spans one
to one, largest overlap first. Relations pair whole attributions the same way.
All figures are micro-averaged over the articles.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError
from tqdm import tqdm

from quotegraph.enrich.responses import merge_continuations
from quotegraph.errors import BadInput
from quotegraph.ingest.brat import parse_ann, read_split
from quotegraph.model import Article, Span, normalise_parts

if TYPE_CHECKING:
    from quotegraph.pipeline import Pipeline

log = logging.getLogger(__name__)

ROLES = ("source", "cue", "content")
RELATIONS = {"relation": ("content", "cue"), "relation_with_source": ("content", "cue", "source")}

Pieces = tuple[tuple[int, int], ...]
Relation = dict[str, Pieces | None]
T = TypeVar("T")


@dataclass
class Counts:
    """Matched, predicted and gold totals of one figure, summed over articles."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        """Add one article's totals."""
        self.tp += tp
        self.pred += pred
        self.gold += gold

    def figures(self) -> dict[str, float | int]:
        """Return precision, recall, F1 and the totals.

        With nothing predicted and nothing in gold every figure is 1.0; otherwise
        a zero denominator gives 0.0.
        """
        if not self.pred and not self.gold:
            p = r = f1 = 1.0
        else:
            p = self.tp / self.pred if self.pred else 0.0
            r = self.tp / self.gold if self.gold else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": p, "r": r, "f1": f1, "tp": self.tp, "pred": self.pred, "gold": self.gold}


def score(gold: list[Article], pred: list[Article]) -> dict[str, Any]:
    """Score predicted articles against gold ones, matched by ``id``.

    A gold article without a prediction counts as predicting nothing;
    predictions for articles not in gold are ignored. Continuations (quotes
    split off at paragraph breaks, with ``continues`` set) are folded back into
    the attribution they continue, as PolNeAR annotates them.

    Returns:
        ``{"articles", "missing_predictions", "source"|"cue"|"content": {"exact", "overlap"},
        "relation", "relation_with_source"}``, each figure a dict of
        ``p``, ``r``, ``f1``, ``tp``, ``pred`` and ``gold``.

    Raises:
        BadInput: a predicted article's text differs from its gold text.
    """
    pred_by_id = {
        article.id: article.model_copy(update={"attributions": merge_continuations(article.attributions, article.text)})
        for article in pred
    }
    gold_ids = {article.id for article in gold}
    extra = [article_id for article_id in pred_by_id if article_id not in gold_ids]
    if extra:
        log.warning("%d predicted articles are not in gold and are ignored, e.g. %s", len(extra), extra[0])
    role_counts = {(role, mode): Counts() for role in ROLES for mode in ("exact", "overlap")}
    relation_counts = {name: Counts() for name in RELATIONS}
    missing = 0
    for gold_article in gold:
        pred_article = pred_by_id.get(gold_article.id)
        if pred_article is None:
            missing += 1
            pred_relations = []
        elif pred_article.text != gold_article.text:
            raise BadInput(
                f"[Q505] the prediction for article {gold_article.id!r} is over a different text than the gold - "
                "run the extraction on the gold texts"
            )
        else:
            pred_relations = relations_of(pred_article)
        gold_relations = relations_of(gold_article)
        for role in ROLES:
            gold_spans = distinct(relation[role] for relation in gold_relations)
            pred_spans = distinct(relation[role] for relation in pred_relations)
            exact = len(set(gold_spans) & set(pred_spans))
            role_counts[role, "exact"].add(exact, len(pred_spans), len(gold_spans))
            overlapping = greedy_matches(gold_spans, pred_spans, overlap)
            role_counts[role, "overlap"].add(overlapping, len(pred_spans), len(gold_spans))
        for name, roles in RELATIONS.items():
            matched = greedy_matches(gold_relations, pred_relations, lambda g, p: relation_overlap(g, p, roles))
            relation_counts[name].add(matched, len(pred_relations), len(gold_relations))
    scores: dict[str, Any] = {"articles": len(gold), "missing_predictions": missing}
    for role in ROLES:
        scores[role] = {mode: role_counts[role, mode].figures() for mode in ("exact", "overlap")}
    for name, counts in relation_counts.items():
        scores[name] = counts.figures()
    return scores


def relations_of(article: Article) -> list[Relation]:
    """Return the distinct attributions of an article as normalised parts per role."""
    relations = []
    for attribution in article.attributions:
        relation = {role: pieces_of(article.text, getattr(attribution, role)) for role in ROLES}
        if relation not in relations:
            relations.append(relation)
    return relations


def pieces_of(text: str, span: Span | None) -> Pieces | None:
    """Return the normalised parts of a span over ``text``, or None for no span."""
    if span is None:
        return None
    return tuple(normalise_parts(text, span.pieces))


def distinct(spans: Iterable[Pieces | None]) -> list[Pieces]:
    """Return the spans that are not None, each once, in first-seen order."""
    return list(dict.fromkeys(span for span in spans if span is not None))


def overlap(a: Pieces, b: Pieces) -> int:
    """Return how many characters two spans share."""
    return sum(max(0, min(a_end, b_end) - max(a_start, b_start)) for a_start, a_end in a for b_start, b_end in b)


def relation_overlap(gold: Relation, pred: Relation, roles: tuple[str, ...]) -> int:
    """Return the characters two attributions share over ``roles``, or 0 unless every role matches.

    A role matches when both spans overlap, or when both attributions lack it.
    """
    shared = 0
    for role in roles:
        gold_span, pred_span = gold[role], pred[role]
        if gold_span is None and pred_span is None:
            continue
        if gold_span is None or pred_span is None:
            return 0
        role_overlap = overlap(gold_span, pred_span)
        if not role_overlap:
            return 0
        shared += role_overlap
    return shared


def greedy_matches(gold: list[T], pred: list[T], weight: Callable[[T, T], int]) -> int:
    """Return how many gold and predicted items pair up one to one, largest weight first.

    Pairs of weight 0 never match; ties go to the earlier gold, then predicted, item.
    """
    pairs = sorted(
        (-pair_weight, g, p)
        for g, gold_item in enumerate(gold)
        for p, pred_item in enumerate(pred)
        if (pair_weight := weight(gold_item, pred_item)) > 0
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, g, p in pairs:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
    return len(used_gold)


def read_predictions(directory: str | Path, texts: Mapping[str, str]) -> list[Article]:
    """Read predicted articles from ``ID.json`` files (the article JSON contract) or, failing those, ``ID.ann`` files.

    Neither form holds the article text, so it comes from ``texts``; files for
    articles not in ``texts`` are skipped with a warning.

    Args:
        directory: the folder written by ``quotegraph extract --out DIR``, or one of brat files.
        texts: article texts by id, usually those of the gold articles.

    Raises:
        BadInput: the folder is missing or empty, or a file cannot be read or does not fit its text.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise BadInput(f"[Q501] prediction folder {directory} does not exist - give the --out folder of `quotegraph extract`")
    files = sorted(directory.glob("*.json")) or sorted(directory.glob("*.ann"))
    if not files:
        raise BadInput(f"[Q502] {directory} holds no .json or .ann files - give the --out folder of `quotegraph extract`")
    articles = []
    for path in files:
        content = read_text(path)
        if path.suffix == ".json":
            article = article_of_json(path, content, texts)
        else:
            article = article_of_ann(path, content, texts)
        if article is not None:
            articles.append(article)
    return articles


def read_text(path: Path) -> str:
    """Return the UTF-8 text of a prediction file.

    Raises:
        BadInput: the file cannot be read as UTF-8 text.
    """
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"[Q503] cannot read prediction file {path}: {error}") from error


def article_of_json(path: Path, content: str, texts: Mapping[str, str]) -> Article | None:
    """Rebuild an article from its JSON output over its text; None if the text is unknown.

    Raises:
        BadInput: the file is not an article JSON object, or its spans do not fit the text.
    """
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise BadInput(f"[Q503] prediction file {path} is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise BadInput(f"[Q503] prediction file {path} holds a {type(data).__name__}, not an article object")
    article_id = str(data.get("id") or path.stem)
    if article_id not in texts:
        log.warning("%s is for article %r, which is not in gold; skipped", path.name, article_id)
        return None
    try:
        return Article.model_validate({**data, "id": article_id, "text": texts[article_id]})
    except ValidationError as error:
        raise BadInput(
            f"[Q504] prediction file {path} does not fit the text of article {article_id!r}: "
            f"{error.errors()[0]['msg']} - was it extracted from another version of the text?"
        ) from error


def article_of_ann(path: Path, content: str, texts: Mapping[str, str]) -> Article | None:
    """Rebuild an article from a brat ``.ann`` file named after its id; None if the text is unknown.

    Raises:
        BadInput: the file is not brat standoff over the article's text.
    """
    article_id = path.stem
    if article_id not in texts:
        log.warning("%s is for article %r, which is not in gold; skipped", path.name, article_id)
        return None
    text = texts[article_id]
    try:
        attributions = parse_ann(content, text)
    except (ValueError, IndexError) as error:
        raise BadInput(
            f"[Q504] prediction file {path} is not brat standoff over the text of article {article_id!r}: {error}"
        ) from error
    return Article(id=article_id, text=text, attributions=attributions)


def format_report(scores: dict[str, Any]) -> str:
    """Return the scores as a plain-text table: roles by exact and overlap P/R/F1, then relations."""
    columns = "P      R      F1    "
    lines = [
        f"articles: {scores['articles']}   missing predictions: {scores['missing_predictions']}",
        "",
        f"{'':<20}{'exact':<21}overlap",
        f"{'role':<20}{columns} {columns}".rstrip(),
    ]
    for role in ROLES:
        lines.append(f"{role:<20}{figures_row(scores[role]['exact'])}  {figures_row(scores[role]['overlap'])}")
    lines += ["", f"{'relation (overlap)':<20}{columns}".rstrip()]
    for name, label in (("relation", "content+cue"), ("relation_with_source", "content+cue+source")):
        lines.append(f"{label:<20}{figures_row(scores[name])}")
    return "\n".join(lines) + "\n"


def figures_row(figures: Mapping[str, float]) -> str:
    """Return P, R and F1 as three 0.xxx columns."""
    return "  ".join(f"{figures[key]:.3f}" for key in ("p", "r", "f1"))


def evaluate(
    gold_dir: str | Path,
    pred_dir: str | Path | None = None,
    pipeline: Pipeline | None = None,
    n_process: int = 1,
    progress: bool = True,
) -> dict[str, Any]:
    """Score a PolNeAR split against predictions read from ``pred_dir`` or made by ``pipeline``.

    Args:
        gold_dir: a PolNeAR split directory with ``text/`` and ``attributions/``.
        pred_dir: predictions as read by ``read_predictions``; without it the gold texts are extracted.
        pipeline: the pipeline to extract with; the shipped one (``quotegraph.api.load()``) if None.
        n_process: worker processes for the extraction.
        progress: show a progress bar while extracting.

    Returns:
        The scores, as ``score`` returns them.

    Raises:
        CorpusNotFound: ``gold_dir`` is not a PolNeAR split.
        BadInput: a prediction file cannot be read.
    """
    gold = read_split(gold_dir)
    if pred_dir is not None:
        pred = read_predictions(pred_dir, {article.id: article.text for article in gold})
    else:
        if pipeline is None:
            from quotegraph.api import load  # here, so that api may import this module

            pipeline = load()
        items = ({"id": article.id, "text": article.text, "date": article.date} for article in gold)
        pred = list(
            tqdm(
                pipeline.pipe(items, n_process=n_process),
                total=len(gold),
                desc="extracting",
                unit="article",
                disable=not progress,
            )
        )
    return score(gold, pred)


def ceiling(gold_dir: str | Path) -> dict[str, Any]:
    """Score the gold split against its own labels decoded back into attributions.

    This is what a perfect tagger would reach: the loss that the word labels and
    the grouping step cause by themselves, before any model error.
    """
    from quotegraph.extract.group import group
    from quotegraph.extract.runs import decode_runs
    from quotegraph.nlp.labels import gold_labels
    from quotegraph.text.words import tokenize

    gold = read_split(gold_dir)
    pred = []
    for article in gold:
        words = tokenize(article.text)
        attributions = group(words, decode_runs(gold_labels(article, words)), require_cue=False)
        pred.append(Article(id=article.id, text=article.text, attributions=attributions))
    return score(gold, pred)
