import json
import os
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = Path(os.environ.get("QUOTEGRAPH_POLNEAR", ROOT.parent / "shared" / "polnear"))
SCHEMA = json.loads((ROOT / "quotegraph" / "schema" / "article.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp():
    """The shipped pipeline, loaded once for the whole run."""
    import quotegraph

    return quotegraph.load()


@pytest.fixture(scope="session")
def polnear_dev() -> Path:
    """The PolNeAR dev split; tests that need it skip, saying why, where it is absent."""
    dev = POLNEAR / "dev"
    if not (dev / "text").is_dir():
        pytest.skip(f"PolNeAR dev split not found at {dev} (set QUOTEGRAPH_POLNEAR to the corpus root)")
    return dev


def assert_article_json(data: dict, text: str) -> None:
    """Check an article's JSON: it validates, every span reads ``text``, every id it cites exists."""
    jsonschema.validate(data, SCHEMA)
    assert "text" not in data
    spans = [span for a in data["attributions"] for span in (a["source"], a["cue"], a["content"], a["time"]) if span]
    spans += [span for entity in data["entities"] for span in entity["mentions"]] + data["boilerplate"]
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
        for start, end in span.get("parts") or []:
            assert span["start"] <= start < end <= span["end"]
    entity_ids = {entity["id"] for entity in data["entities"]}
    attribution_ids = {a["id"] for a in data["attributions"]}
    for attribution in data["attributions"]:
        speaker = attribution["speaker"]
        assert speaker is None or speaker["entity"] is None or speaker["entity"] in entity_ids
        assert attribution["responds_to"] in attribution_ids | {None}
        assert attribution["continues"] in attribution_ids | {None}
        assert attribution["continues"] is None or attribution["cue"] is None


@pytest.fixture(scope="session")
def check_article():
    """The output-contract check, for tests to call on each article JSON."""
    return assert_article_json
