"""Score the enrichment against the hand-annotated gold set in ``evaluation/enrich/gold``.

The gold set annotates PolNeAR dev attributions, so the enrichment runs over
the gold source, cue and content spans: the figures measure enrichment alone,
not extraction. Per field (see ``evaluation/enrich/GUIDE.md`` for the labels):

- **act**: accuracy over all attributions.
- **speaker**: over attributions whose source names an entity of the article or
  is anonymous: right when the predicted entity carries one of the gold
  entity's names, or both are anonymous; also on pronoun and description
  sources alone (the source text holds none of the entity's names).
- **role**, **affiliation**: over the speakers scored above where gold or
  prediction has one: right when both are empty or one contains the other
  after lowercasing and dropping determiners (``strict``: equal).
- **time**: over attributions where gold or prediction has a time: right when
  ``value`` and ``value_end`` agree.
- **responds_to**: precision, recall and F1 of the (attribution, claim) links.
- **alias merging**: gold organisations, media, places and groups with several
  names that the prediction splits over more than one entity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from quotegraph.config import Settings, override
from quotegraph.enrich import enrich
from quotegraph.errors import CorpusNotFound
from quotegraph.ingest.brat import read_split
from quotegraph.model import Article, Entity, Speaker, Time

GOLD_SET = Path(__file__).resolve().parent.parent / "evaluation" / "enrich" / "gold"
NOT_COMPARED = re.compile(r"^(?:the|a|an)\s+|[.,’'`\"]")


def norm(value: str | None) -> str:
    """Return a name or role lowercased, without determiners or punctuation."""
    return " ".join(NOT_COMPARED.sub("", (value or "").lower()).split())


def read_gold_set(directory: str | Path = GOLD_SET) -> list[dict[str, Any]]:
    """Read every gold file of the enrichment gold set.

    Raises:
        CorpusNotFound: the directory has no gold files.
    """
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise CorpusNotFound(f"[Q102] no enrichment gold files in {directory} - pass --enrich-gold DIR")
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def enrich_gold_articles(gold_dir: str | Path, gold_set: list[dict[str, Any]], settings: Settings) -> list[Article]:
    """Return the gold set's PolNeAR articles with gold spans, enriched.

    Raises:
        CorpusNotFound: an article of the gold set is missing from the PolNeAR split.
    """
    articles = corpus_articles(gold_dir, gold_set)
    steps = [s for s in settings["enrich"]["steps"] if s != "continuations"]
    settings = override(settings, {"enrich.steps": steps})
    return [enrich(article, settings) for article in articles]


def annotated_articles(gold_dir: str | Path, gold_set: list[dict[str, Any]], second: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Article]]:
    """Return the gold records a second annotation covers, and that annotation as articles.

    Scored against the gold set in the enrichment's place (``score_enrichment``),
    they measure how far two annotators agree: the most a system can be
    expected to reach.

    Raises:
        CorpusNotFound: the second annotation covers no article of the gold set, or one is missing from the split.
    """
    labels = {record["article"]: record for record in second}
    records = [record for record in gold_set if record["article"] in labels]
    if not records:
        raise CorpusNotFound("[Q105] the second annotation covers no article of the enrichment gold set")
    articles = corpus_articles(gold_dir, records)
    for article in articles:
        other = labels[article.id]
        article.entities = [Entity(id=e["id"], name=e["name"], type=e["type"], names=e["names"]) for e in other["entities"]]
        by_id = {attribution.id: attribution for attribution in article.attributions}
        for label in other["attributions"]:
            attribution = by_id[label["id"]]
            attribution.act = label["act"]
            attribution.responds_to = label["responds_to"]
            attribution.speaker = Speaker(entity=label["speaker"], type=label["type"], role=label["role"], affiliation=label["affiliation"])
            time = label["time"]
            attribution.time = Time(start=0, end=0, text=time["text"], value=time["value"], value_end=time.get("value_end")) if time else None
    return records, articles


def corpus_articles(gold_dir: str | Path, gold_set: list[dict[str, Any]]) -> list[Article]:
    """Return the PolNeAR articles of the gold set's records, in their order, with the corpus's gold spans.

    Raises:
        CorpusNotFound: an article of the gold set is missing from the PolNeAR split.
    """
    wanted = {record["article"] for record in gold_set}
    articles = {a.id: a for a in read_split(gold_dir) if a.id in wanted}
    missing = wanted - set(articles)
    if missing:
        raise CorpusNotFound(f"[Q103] {len(missing)} gold-set articles are not in {gold_dir}, e.g. {sorted(missing)[0]}")
    return [articles[record["article"]] for record in gold_set]


def score_enrichment(gold_set: list[dict[str, Any]], articles: list[Article]) -> dict[str, Any]:
    """Compare enriched articles with the gold set, field by field."""
    tally: dict[str, list[int]] = {}

    def count(name: str, right: bool) -> None:
        tally.setdefault(name, [0, 0])
        tally[name][0] += bool(right)
        tally[name][1] += 1

    links = {"tp": 0, "pred": 0, "gold": 0}
    splits: list[str] = []
    for record, article in zip(gold_set, articles):
        entities = {e["id"]: e for e in record["entities"]}
        predicted = {e.id: e for e in article.entities}
        by_id = {a.id: a for a in article.attributions}
        for gold in record["attributions"]:
            pred = by_id[gold["id"]]
            check_span(record, gold, pred)
            count("act", gold["act"] == pred.act)
            score_speaker(gold, pred, entities, predicted, count)
            score_time(gold, pred, count)
            gold_link, pred_link = gold["responds_to"], pred.responds_to
            links["gold"] += gold_link is not None
            links["pred"] += pred_link is not None
            links["tp"] += gold_link is not None and gold_link == pred_link
        splits.extend(split_entities(record, article))
    figures = {name: {"accuracy": right / total if total else 0.0, "right": right, "n": total} for name, (right, total) in tally.items()}
    p = links["tp"] / links["pred"] if links["pred"] else 0.0
    r = links["tp"] / links["gold"] if links["gold"] else 0.0
    figures["responds_to"] = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, **links}
    figures["alias_splits"] = {"split": len(splits), "examples": splits[:10]}
    figures["articles"] = len(articles)
    figures["attributions"] = sum(len(r["attributions"]) for r in gold_set)
    return figures


def check_span(record: dict[str, Any], gold: dict[str, Any], pred: Any) -> None:
    """Make sure a gold entry and an attribution are the same one.

    Raises:
        CorpusNotFound: the gold set was annotated on other spans than the corpus has.
    """
    if [pred.content.start, pred.content.end] != gold["content"]:
        raise CorpusNotFound(f"[Q104] {record['article']} {gold['id']}: gold content offsets differ from the corpus's")


def score_speaker(gold: dict[str, Any], pred: Any, entities: dict, predicted: dict, count) -> None:
    """Count speaker, role and affiliation agreement for one attribution."""
    if gold["source"] is None or not (gold["speaker"] or gold["type"] == "anonymous"):
        return
    speaker = pred.speaker
    if gold["speaker"]:
        names = {norm(n) for n in entities[gold["speaker"]]["names"] + [entities[gold["speaker"]]["name"]]}
        pred_names = set()
        if speaker is not None and speaker.entity in predicted:
            pred_names = {norm(n) for n in predicted[speaker.entity].names + [predicted[speaker.entity].name]}
        right = bool(names & pred_names)
        count("speaker", right)
        if not any(norm(n) and norm(n) in norm(gold["source"]) for n in names):
            count("speaker (pronoun, description)", right)
    else:
        count("speaker", speaker is not None and speaker.type == "anonymous")
    affiliation = gold["affiliation"]
    if affiliation in entities:
        affiliation = entities[affiliation]["name"]
    for field, gold_value, pred_value in (
        ("role", gold["role"], speaker.role if speaker else None),
        ("affiliation", affiliation, speaker.affiliation if speaker else None),
    ):
        if pred_value in predicted:
            pred_value = predicted[pred_value].name
        if gold_value or pred_value:
            a, b = norm(gold_value), norm(pred_value)
            count(field, bool(a and b and (a in b or b in a)))
            count(f"{field} (strict)", a == b)


def score_time(gold: dict[str, Any], pred: Any, count) -> None:
    """Count time agreement for one attribution, where gold or prediction has a time."""
    gold_time = gold["time"]
    pred_time = pred.time
    if gold_time is None and (pred_time is None or pred_time.value is None):
        return
    gold_value = (gold_time or {}).get("value"), (gold_time or {}).get("value_end")
    pred_value = (pred_time.value, pred_time.value_end) if pred_time else (None, None)
    count("time", gold_time is not None and gold_value == pred_value)


def split_entities(record: dict[str, Any], article: Article) -> Iterable[str]:
    """Yield the gold organisations, media, places and groups whose names land in several predicted entities."""
    owner = {}
    for entity in article.entities:
        for name in entity.names:
            owner.setdefault(norm(name), set()).add(entity.id)
    for entity in record["entities"]:
        if entity["type"] not in ("organization", "media", "group", "place") or len(entity["names"]) < 2:
            continue
        holders = set().union(*(owner.get(norm(n), set()) for n in entity["names"]))
        if len(holders) > 1:
            yield f"{record['article']}: {entity['name']} -> {sorted(holders)}"


def format_enrichment(figures: dict[str, Any]) -> str:
    """Return the enrichment figures as a readable table."""
    lines = [f"{figures['articles']} articles, {figures['attributions']} attributions", "", f"{'field':34} {'accuracy':>8} {'n':>6}"]
    for name, value in figures.items():
        if isinstance(value, dict) and "accuracy" in value:
            lines.append(f"{name:34} {value['accuracy']:8.3f} {value['n']:6d}")
    links = figures["responds_to"]
    lines.append(f"{'responds_to':34} P {links['p']:.3f}  R {links['r']:.3f}  F1 {links['f1']:.3f}  (gold {links['gold']}, predicted {links['pred']})")
    splits = figures["alias_splits"]
    lines.append(f"{'alias merging: entities split':34} {splits['split']}")
    lines.extend(f"  {example}" for example in splits["examples"])
    return "\n".join(lines) + "\n"
