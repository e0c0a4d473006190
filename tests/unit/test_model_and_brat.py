import datetime as dt

import pytest

from quotegraph.ingest.brat import parse_ann, read_split, to_ann
from quotegraph.model import Article, Span

TEXT = "“It is over,” the coach said, “for this year.” Fans believe the team will return."
ANN = """T1\tContent 0 13;30 46\t“It is over,” “for this year.”
T2\tSource 14 23\tthe coach
T3\tCue 24 28\tsaid
T4\tAttribution 24 28\tsaid
E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2
T5\tSource 47 51\tFans
T6\tCue 52 59\tbelieve
T7\tContent 60 81\tthe team will return.
T8\tAttribution-no-source 52 59\tbelieve
E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7
#1\tAnnotatorNotes T1\ta note
T9\tDiscard 0 2\t“I
"""


def test_span_parts_are_trimmed_and_joined_over_whitespace():
    text = "one two, three"
    span = Span.from_parts(text, [(0, 4), (4, 7), (9, 14)])
    assert span.pieces == [(0, 7), (9, 14)] and span.text == text
    assert Span.from_parts(text, [(3, 8)]).pieces == [(4, 8)]


def test_parse_ann_reads_discontinuous_content_and_skips_notes():
    first, second = parse_ann(ANN, TEXT)
    assert first.content.pieces == [(0, 13), (30, 46)]
    assert (first.source.text, first.cue.text) == ("the coach", "said")
    assert second.content.text == "the team will return."


def test_brat_round_trip(tmp_path):
    article = Article(id="x", text=TEXT, attributions=parse_ann(ANN, TEXT))
    again = parse_ann(to_ann(article), TEXT)
    assert [a.model_dump() for a in again] == [a.model_dump() for a in article.attributions]


def test_read_split_layout_and_dates(tmp_path):
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir()
    (tmp_path / "dev" / "text" / "pub_2016-10-02_story.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "pub_2016-10-02_story_ab12.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "pub_2016-10-02_story_zz99.ann").write_text("", encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text("filename\tpublication_date\npub_2016-10-02_story\t2016-10-02\n", encoding="utf-8")
    [article] = read_split(tmp_path / "dev")
    assert article.date == dt.date(2016, 10, 2)
    assert len(article.attributions) == 2  # the first annotator's file, in name order


def test_read_split_refuses_other_layouts(tmp_path):
    from quotegraph.errors import CorpusNotFound

    with pytest.raises(CorpusNotFound, match="Q101"):
        read_split(tmp_path)


def test_article_rejects_spans_that_do_not_match_the_text():
    with pytest.raises(ValueError):
        Article(id="x", text="abc", attributions=[{"id": "a1", "content": {"start": 0, "end": 2, "text": "zz"}}])


def test_json_contract_drops_text_and_empty_parts():
    article = Article(id="x", text=TEXT, date=dt.date(2016, 1, 2), attributions=parse_ann(ANN, TEXT))
    data = article.to_json()
    assert "text" not in data and data["date"] == "2016-01-02"
    assert data["attributions"][0]["content"]["parts"] == [[0, 13], [30, 46]]
    assert "parts" not in data["attributions"][1]["content"]
