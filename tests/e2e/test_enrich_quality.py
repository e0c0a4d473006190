"""The enrichment on the hand-annotated gold set (28 PolNeAR dev articles): floors that a regression trips.

The floors are the figures measured when the rules were committed, less about
0.01; they are below the issue's targets (see the README), which the rules do
not reach yet. responds_to has no floor: it finds almost none of the gold
links, and its behaviour is pinned by tests/unit/test_responses.py instead.
"""

import pytest

from quotegraph.config import load_settings
from quotegraph.evaluate_enrich import enrich_gold_articles, read_gold_set, score_enrichment

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
