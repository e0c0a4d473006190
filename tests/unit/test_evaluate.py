"""Tests of quotegraph.evaluate on small hand-made articles, and on the PolNeAR dev split if present."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quotegraph.errors import BadInput, CorpusNotFound
from quotegraph.evaluate import evaluate, format_report, read_predictions, score
from quotegraph.evaluate_enrich import annotated_articles
from quotegraph.ingest.brat import read_split, to_ann
from quotegraph.model import Article, Attribution, Span

REPO_ROOT = Path(__file__).resolve().parents[2]

MAYOR = "The mayor said the bridge would reopen in May, and she added that tolls would stay low."
MINISTER = '"The budget is sound," the minister said, "and it will pass." Her rivals disagreed.'


def span(text: str, *phrases: str) -> Span:
    """Return the span over the first occurrence of each phrase in ``text``."""
    parts = []
    for phrase in phrases:
        start = text.index(phrase)
        parts.append((start, start + len(phrase)))
    return Span.from_parts(text, parts)


def attribution(
    text: str, content: str | tuple[str, ...], cue: str | None = None, source: str | None = None, id: str = "a1"
) -> Attribution:
    """Return an attribution over phrases of ``text``; a tuple of phrases makes a discontinuous content."""
    contents = content if isinstance(content, tuple) else (content,)
    return Attribution(
        id=id,
        content=span(text, *contents),
        cue=span(text, cue) if cue else None,
        source=span(text, source) if source else None,
    )


def mayor_article(article_id: str = "mayor") -> Article:
    """Return an article with two attributions sharing one source."""
    return Article(
        id=article_id,
        text=MAYOR,
        attributions=[
            attribution(MAYOR, "the bridge would reopen in May", "said", "The mayor", id="a1"),
            attribution(MAYOR, "tolls would stay low", "added", "The mayor", id="a2"),
        ],
    )


def minister_article(content: str | tuple[str, ...] = ("The budget is sound,", "and it will pass.")) -> Article:
    """Return an article with one attribution whose content is by default discontinuous."""
    return Article(
        id="minister",
        text=MINISTER,
        attributions=[attribution(MINISTER, content, "said", "the minister")],
    )


def with_attributions(article: Article, *attributions: Attribution) -> Article:
    """Return a copy of ``article`` holding ``attributions`` instead of its own."""
    return article.model_copy(update={"attributions": list(attributions)})


def figures(scores: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every figure of a score dict with its name."""
    for role in ("source", "cue", "content"):
        for mode in ("exact", "overlap"):
            yield f"{role}.{mode}", scores[role][mode]
    for name in ("relation", "relation_with_source"):
        yield name, scores[name]


def assert_perfect(scores: dict[str, Any]) -> None:
    """Assert that every P, R and F1 is 1.0."""
    for name, figure in figures(scores):
        assert (figure["p"], figure["r"], figure["f1"]) == (1.0, 1.0, 1.0), name


def test_perfect_prediction_scores_one() -> None:
    gold = [mayor_article(), minister_article()]
    scores = score(gold, [article.model_copy(deep=True) for article in gold])
    assert scores["articles"] == 2
    assert scores["missing_predictions"] == 0
    assert_perfect(scores)
    assert scores["content"]["exact"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 3, "pred": 3, "gold": 3}


def test_no_attributions_on_either_side_scores_one() -> None:
    article = Article(id="empty", text="Nothing is quoted here.")
    scores = score([article], [article])
    assert_perfect(scores)
    assert scores["relation"]["gold"] == 0


def test_boundary_off_span_matches_by_overlap_only() -> None:
    gold = mayor_article()
    pred = with_attributions(
        gold,
        attribution(MAYOR, "bridge would reopen", "said", "The mayor", id="a1"),
        gold.attributions[1],
    )
    content = score([gold], [pred])["content"]
    assert content["exact"]["tp"] == 1
    assert content["exact"]["p"] == content["exact"]["r"] == 0.5
    assert content["overlap"]["tp"] == 2
    assert content["overlap"]["f1"] == 1.0


def test_leading_whitespace_does_not_break_an_exact_match() -> None:
    gold = mayor_article()
    start = MAYOR.index("tolls")
    clean = Span(start=start, end=len(MAYOR), text=MAYOR[start:])
    padded = Span(start=start - 1, end=len(MAYOR), text=MAYOR[start - 1 :])
    pred = with_attributions(gold, gold.attributions[0], gold.attributions[1].model_copy(update={"content": padded}))
    gold = with_attributions(gold, gold.attributions[0], gold.attributions[1].model_copy(update={"content": clean}))
    assert score([gold], [pred])["content"]["exact"]["tp"] == 2


def test_discontinuous_content_is_exact_only_with_the_same_parts() -> None:
    gold = minister_article()
    same_parts = score([gold], [minister_article()])["content"]
    first_part_only = score([gold], [minister_article(("The budget is sound,",))])["content"]
    whole_stretch = score([gold], [minister_article('The budget is sound," the minister said, "and it will pass.')])[
        "content"
    ]
    assert same_parts["exact"]["tp"] == 1
    assert first_part_only["exact"]["tp"] == 0
    assert first_part_only["overlap"]["tp"] == 1
    assert whole_stretch["exact"]["tp"] == 0
    assert whole_stretch["overlap"]["tp"] == 1


def test_shared_source_counts_once() -> None:
    gold = mayor_article()
    scores = score([gold], [gold])
    assert scores["source"]["exact"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 1, "pred": 1, "gold": 1}
    assert scores["relation"]["gold"] == 2


def test_duplicate_predictions_count_once() -> None:
    gold = mayor_article()
    pred = with_attributions(gold, *gold.attributions, gold.attributions[0].model_copy(update={"id": "a3"}))
    scores = score([gold], [pred])
    assert scores["content"]["exact"]["pred"] == 2
    assert scores["relation"]["pred"] == 2
    assert_perfect(scores)


def test_one_predicted_span_matches_only_one_gold_span() -> None:
    gold = mayor_article()
    covering = attribution(MAYOR, "the bridge would reopen in May, and she added that tolls would stay low", "said")
    content = score([gold], [with_attributions(gold, covering)])["content"]["overlap"]
    assert (content["tp"], content["pred"], content["gold"]) == (1, 1, 2)
    assert content["p"] == 1.0
    assert content["r"] == 0.5
    assert content["f1"] == pytest.approx(2 / 3)


def test_greedy_matching_prefers_the_largest_overlap() -> None:
    gold = mayor_article()
    # The first prediction touches both gold contents but mostly the second; taking
    # it for the first gold content would leave "bridge" unmatched.
    pred = with_attributions(
        gold,
        attribution(MAYOR, "May, and she added that tolls would stay", id="a1"),
        attribution(MAYOR, "bridge", id="a2"),
    )
    content = score([gold], [pred])["content"]["overlap"]
    assert content["tp"] == 2


def test_missing_prediction_article_predicts_nothing() -> None:
    gold = [mayor_article(), minister_article()]
    scores = score(gold, [mayor_article()])
    assert scores["missing_predictions"] == 1
    content = scores["content"]["exact"]
    assert (content["tp"], content["pred"], content["gold"]) == (2, 2, 3)
    assert content["p"] == 1.0
    assert content["r"] == pytest.approx(2 / 3)
    assert scores["relation"]["r"] == pytest.approx(2 / 3)


def test_predictions_for_unknown_articles_are_ignored() -> None:
    scores = score([mayor_article()], [mayor_article(), mayor_article("elsewhere")])
    assert_perfect(scores)


def test_relation_needs_overlapping_content_and_cue() -> None:
    gold = mayor_article()
    wrong_source = attribution(MAYOR, "bridge would reopen", "said", "the bridge", id="a1")
    wrong_cue = attribution(MAYOR, "tolls would stay low", "she", "The mayor", id="a2")
    scores = score([gold], [with_attributions(gold, wrong_source, wrong_cue)])
    assert scores["relation"]["tp"] == 1
    assert scores["relation"]["p"] == scores["relation"]["r"] == 0.5
    assert scores["relation_with_source"]["tp"] == 0


def test_relation_with_source_matches_a_missing_source_only_with_a_missing_source() -> None:
    gold = mayor_article()
    unsourced = with_attributions(gold, *(a.model_copy(update={"source": None}) for a in gold.attributions))
    assert score([gold], [unsourced])["relation_with_source"]["tp"] == 0
    assert score([unsourced], [gold])["relation_with_source"]["tp"] == 0
    assert score([unsourced], [unsourced])["relation_with_source"]["tp"] == 2


def test_prediction_over_another_text_is_refused() -> None:
    other = Article(id="mayor", text=MAYOR.upper())
    with pytest.raises(BadInput, match="Q505"):
        score([mayor_article()], [other])


def test_read_predictions_round_trips_json(tmp_path: Path) -> None:
    gold = [mayor_article(), minister_article()]
    for article in gold:
        (tmp_path / f"{article.id}.json").write_text(json.dumps(article.to_json()), encoding="utf-8")
    pred = read_predictions(tmp_path, {article.id: article.text for article in gold})
    assert [article.id for article in pred] == ["mayor", "minister"]
    assert pred[1].attributions[0].content.parts == gold[1].attributions[0].content.parts
    assert_perfect(score(gold, pred))


def test_read_predictions_round_trips_brat(tmp_path: Path) -> None:
    gold = [mayor_article(), minister_article()]
    for article in gold:
        (tmp_path / f"{article.id}.ann").write_text(to_ann(article), encoding="utf-8")
    pred = read_predictions(tmp_path, {article.id: article.text for article in gold})
    assert_perfect(score(gold, pred))


def test_read_predictions_skips_articles_not_in_gold(tmp_path: Path) -> None:
    (tmp_path / "mayor.json").write_text(json.dumps(mayor_article().to_json()), encoding="utf-8")
    assert read_predictions(tmp_path, {"someone-else": MAYOR}) == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("mayor.json", b"{not json", "Q503"),
        ("mayor.json", b"\xff\xfe\x00", "Q503"),
        ("mayor.json", b"[1, 2]", "Q503"),
        ("mayor.json", json.dumps(minister_article().to_json() | {"id": "mayor"}).encode(), "Q504"),
        ("mayor.ann", b"T1\tContent 1 x\tbad\nE1\tContent:T1\n", "Q504"),
    ],
)
def test_read_predictions_rejects_bad_files(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(BadInput, match=code):
        read_predictions(tmp_path, {"mayor": MAYOR})


def test_read_predictions_needs_a_folder_with_predictions(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="Q501"):
        read_predictions(tmp_path / "absent", {})
    with pytest.raises(BadInput, match="Q502"):
        read_predictions(tmp_path, {})


def test_format_report_shows_every_figure() -> None:
    gold = mayor_article()
    pred = with_attributions(gold, attribution(MAYOR, "bridge would reopen", "said", "The mayor"))
    report = format_report(score([gold], [pred]))
    lines = report.splitlines()
    assert lines[0] == "articles: 1   missing predictions: 0"
    content_row = next(line for line in lines if line.startswith("content "))
    assert content_row.split()[1:] == ["0.000", "0.000", "0.000", "1.000", "0.500", "0.667"]
    assert next(line for line in lines if line.startswith("content+cue ")).split()[1:] == ["1.000", "0.500", "0.667"]
    assert any(line.startswith("content+cue+source ") for line in lines)


def write_split(directory: Path, articles: list[Article]) -> Path:
    """Write articles as a PolNeAR-style split and return its folder."""
    (directory / "text").mkdir(parents=True)
    (directory / "attributions").mkdir()
    for article in articles:
        (directory / "text" / f"{article.id}.txt").write_text(article.text, encoding="utf-8")
        (directory / "attributions" / f"{article.id}_ann1.ann").write_text(to_ann(article), encoding="utf-8")
    return directory


def test_evaluate_reads_predictions_from_a_folder(tmp_path: Path) -> None:
    gold = [mayor_article(), minister_article()]
    split = write_split(tmp_path / "dev", gold)
    predictions = tmp_path / "pred"
    predictions.mkdir()
    (predictions / "mayor.json").write_text(json.dumps(gold[0].to_json()), encoding="utf-8")
    scores = evaluate(split, predictions)
    assert scores["missing_predictions"] == 1
    assert scores["relation"]["r"] == pytest.approx(2 / 3)


class GoldPipeline:
    """A stand-in pipeline that returns the gold attributions of the texts it is given."""

    def __init__(self, gold: list[Article]) -> None:
        self.gold = {article.id: article for article in gold}
        self.items: list[dict[str, Any]] = []

    def pipe(self, items: Any, *, n_process: int = 1) -> Iterator[Article]:
        for item in items:
            self.items.append(item)
            yield self.gold[item["id"]].model_copy(deep=True)


def test_evaluate_runs_the_pipeline_over_the_gold_texts(tmp_path: Path) -> None:
    gold = [mayor_article(), minister_article()]
    pipeline = GoldPipeline(gold)
    scores = evaluate(write_split(tmp_path / "dev", gold), pipeline=pipeline, progress=False)
    assert_perfect(scores)
    assert [(item["id"], item["text"]) for item in pipeline.items] == [(a.id, a.text) for a in gold]


def polnear_dev() -> Path:
    """Return the PolNeAR dev split folder, from QUOTEGRAPH_POLNEAR or ../shared/polnear."""
    return REPO_ROOT / os.environ.get("QUOTEGRAPH_POLNEAR", "../shared/polnear") / "dev"


@pytest.mark.corpus
def test_polnear_dev_scored_against_itself_is_perfect(tmp_path: Path) -> None:
    dev = polnear_dev()
    if not dev.is_dir():
        pytest.skip(f"PolNeAR dev split not found at {dev}; set QUOTEGRAPH_POLNEAR to the PolNeAR folder")
    gold = read_split(dev)
    assert_perfect(score(gold, gold))
    texts = {article.id: article.text for article in gold}
    for article in gold:
        (tmp_path / f"{article.id}.json").write_text(json.dumps(article.to_json()), encoding="utf-8")
    assert_perfect(score(gold, read_predictions(tmp_path, texts)))


def test_a_second_annotation_of_other_articles_is_refused(tmp_path: Path) -> None:
    gold_set = [{"article": "a", "date": None, "entities": [], "attributions": []}]
    other = [{"article": "b", "date": None, "entities": [], "attributions": []}]
    with pytest.raises(CorpusNotFound, match="Q105"):
        annotated_articles(tmp_path, gold_set, other)
