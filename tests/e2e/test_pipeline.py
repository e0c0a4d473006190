"""The Python API on the shipped model: outputs keep the contract whatever the input."""

import pytest

from quotegraph.errors import BadInput

HARD_TEXTS = {
    "split_quote": "“We are not going anywhere,” the mayor said on Tuesday, “and neither is the bridge.”",
    "straight_quotes": 'Officials said "the plan is dead" and would not comment further.',
    "nested": "“He told me ‘never again,’ and I believed him,” said Ms. Park.",
    "unbalanced": "“This quote never closes, the senator said.\n\nA new paragraph starts here, she added.",
    "over_paragraphs": "“The first paragraph of a long quote.\n\n“The second paragraph goes on,” Smith said.",
    "no_quotes": "The ministry denied that it had delayed the report, according to a statement.",
    "empty": "",
    "whitespace": " \n\t ",
    "punctuation": "“”‘’\"\"''—…",
    "control_chars": "He said\x00 \x07 it was fine.",
}


@pytest.mark.parametrize("name", sorted(HARD_TEXTS))
def test_every_output_validates_against_the_schema(nlp, name, check_article):
    text = HARD_TEXTS[name]
    article = nlp(text, date="2021-11-01")
    assert article.date.isoformat() == "2021-11-01"
    check_article(article.to_json(), text)


def test_split_quote_is_one_attribution(nlp):
    text = HARD_TEXTS["split_quote"]
    article = nlp(text)
    contents = [a for a in article.attributions if a.content.parts]
    assert contents, [a.model_dump() for a in article.attributions]
    attribution = contents[0]
    assert attribution.cue.text == "said"
    assert attribution.source.text == "the mayor"
    assert attribution.kind == "direct"


def test_pipe_streams_in_order_with_worker_processes(nlp):
    texts = [HARD_TEXTS[name] for name in sorted(HARD_TEXTS)]
    one = [a.to_json() for a in nlp.pipe(texts)]
    two = [a.to_json() for a in nlp.pipe(texts, n_process=2, batch_size=3)]
    assert [a["id"] for a in one] == [f"doc{i}" for i in range(1, len(texts) + 1)]
    assert one == two


def test_pipe_takes_dicts_and_keeps_their_fields(nlp):
    [article] = nlp.pipe([{"id": "x1", "text": HARD_TEXTS["no_quotes"], "date": "2016-10-31", "title": "T", "url": "https://e.org/a"}])
    assert (article.id, article.title, article.url, str(article.date)) == ("x1", "T", "https://e.org/a", "2016-10-31")


@pytest.mark.parametrize("bad", ["31/10/2016", "2016-13-01", "yesterday"])
def test_bad_date_is_refused_with_a_clear_message(nlp, bad):
    with pytest.raises(BadInput, match="Q401"):
        nlp("He said so.", date=bad)


def test_dict_without_text_is_refused(nlp):
    with pytest.raises(BadInput, match="Q402"):
        list(nlp.pipe([{"id": "x"}]))


def test_long_article_is_scored_in_many_windows(nlp, check_article):
    paragraph = "“We will keep working,” the governor said on Monday. Critics said the plan was flawed.\n\n"
    text = paragraph * 300  # about 6,000 words: dozens of windows
    article = nlp(text)
    check_article(article.to_json(), text)
    per_paragraph = len(article.attributions) / 300
    assert 1 <= per_paragraph <= 3  # every window found its attributions, none counted twice


def test_spacy_component_gives_spans():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("quotegraph")
    doc = nlp(HARD_TEXTS["split_quote"])
    assert doc._.attributions
    span = doc._.attributions[0]
    assert span.label_ in {"direct", "indirect", "mixed"}
    assert span._.cue is not None and span._.cue.text == "said"
    assert {s.label_ for s in doc.spans["quotegraph"]} >= {"CUE", "CONTENT"}
    docs = list(nlp.pipe([HARD_TEXTS["no_quotes"], HARD_TEXTS["empty"]]))
    assert docs[1]._.attributions == []
