"""The enrichment on the hand-annotated gold set (28 PolNeAR dev articles): floors that a regression trips.

The floors are the figures measured when the rules were committed, less about
0.01; they are below the issue's targets (see the README), which the rules do
not reach yet. responds_to has no floor: it finds almost none of the gold
links, and its behaviour is pinned by tests/unit/test_responses.py instead.
"""

import copy

import pytest

from quotegraph.config import load_settings
from quotegraph.evaluate_enrich import GOLD_SET, annotated_articles, enrich_gold_articles, read_gold_set, score_enrichment

FLOORS = {
    "act": 0.83,
    "speaker": 0.89,
    "speaker (pronoun, description)": 0.77,
    "role": 0.84,
    "affiliation": 0.88,
    "time": 0.87,
}


@pytest.mark.corpus
def test_enrichment_reaches_the_floors_on_the_gold_set(polnear_dev):
    gold_set = read_gold_set()
    figures = score_enrichment(gold_set, enrich_gold_articles(polnear_dev, gold_set, load_settings()))
    print({name: round(figures[name]["accuracy"], 3) for name in FLOORS})
    for name, floor in FLOORS.items():
        assert figures[name]["accuracy"] >= floor, f"{name} accuracy {figures[name]['accuracy']:.3f} fell below {floor}"
    assert figures["alias_splits"]["split"] == 0, figures["alias_splits"]["examples"]


def test_the_gold_set_covers_at_least_25_articles():
    gold_set = read_gold_set()
    assert len(gold_set) >= 25
    for record in gold_set:
        for attribution in record["attributions"]:
            assert attribution["act"] in {
                "statement", "report", "deny", "confirm", "accuse", "appeal", "warn", "downplay", "promise", "question", "belief"
            }, (record["article"], attribution["id"])


@pytest.mark.corpus
def test_a_second_annotation_is_scored_in_the_enrichment_s_place(polnear_dev):
    gold_set = read_gold_set()[:3]
    records, articles = annotated_articles(polnear_dev, gold_set, gold_set)
    figures = score_enrichment(records, articles)
    assert figures["act"]["accuracy"] == 1.0 and figures["speaker"]["accuracy"] == 1.0 and figures["time"]["accuracy"] == 1.0
    assert figures["responds_to"]["f1"] == 1.0 or figures["responds_to"]["gold"] == 0

    other = copy.deepcopy(gold_set[:1])
    first = other[0]["attributions"][0]
    first["act"] = "question" if first["act"] != "question" else "statement"
    records, articles = annotated_articles(polnear_dev, gold_set, other)
    assert [r["article"] for r in records] == [other[0]["article"]]
    figures = score_enrichment(records, articles)
    assert figures["act"]["right"] == figures["act"]["n"] - 1


@pytest.mark.corpus
@pytest.mark.parametrize("folder", ["heldout", "reviewed", "second"])
def test_the_other_annotations_lie_on_the_corpus_spans(polnear_dev, folder):
    other = read_gold_set(GOLD_SET.parent / folder)
    if folder != "second":
        articles = enrich_gold_articles(polnear_dev, other, load_settings())  # raises on offsets the corpus lacks
        figures = score_enrichment(other, articles)
    else:
        figures = score_enrichment(*annotated_articles(polnear_dev, read_gold_set(), other))
    assert figures["attributions"] == sum(len(record["attributions"]) for record in other)
