"""Span grouping: runs of tagged words become attributions with correct offsets."""

import numpy as np

from quotegraph.extract.group import group
from quotegraph.extract.runs import Run, decode_runs
from quotegraph.nlp.tagger import LABEL_ID, viterbi
from quotegraph.text.words import tokenize


def tag(text: str, spans: list[tuple[str, str, bool]]):
    """Words of ``text`` and runs for each (role, substring, continues), found left to right."""
    words = tokenize(text)
    runs, cursor = [], 0
    for role, piece, continues in spans:
        start = text.index(piece, cursor)
        end = start + len(piece)
        cursor = end
        first = int(np.searchsorted(words.starts, start))
        last = int(np.searchsorted(words.ends, end)) 
        runs.append(Run(role, first, last, continues=continues))
    return words, runs


def triples(text, attributions):
    return [
        (
            a.source.text if a.source else None,
            a.cue.text if a.cue else None,
            [text[s:e] for s, e in a.content.pieces],
            a.kind,
        )
        for a in attributions
    ]


def test_content_split_around_the_cue_is_one_discontinuous_content():
    text = "“We will win this state,” she said, “and then the next one.”"
    words, runs = tag(
        text,
        [("content", "“We will win this state,”", False), ("source", "she", False), ("cue", "said", False),
         ("content", "“and then the next one.”", True)],
    )
    [attribution] = group(words, runs)
    assert triples(text, [attribution]) == [
        ("she", "said", ["“We will win this state,”", "“and then the next one.”"], "direct")
    ]
    assert attribution.content.parts == [(0, 25), (36, 60)]
    assert attribution.content.text == text[0:60]


def test_each_content_takes_its_nearest_cue_and_source():
    text = "The mayor said the bridge was safe. Engineers warned that it could fail."
    words, runs = tag(
        text,
        [("source", "The mayor", False), ("cue", "said", False), ("content", "the bridge was safe", False),
         ("source", "Engineers", False), ("cue", "warned", False), ("content", "that it could fail", False)],
    )
    assert triples(text, group(words, runs)) == [
        ("The mayor", "said", ["the bridge was safe"], "indirect"),
        ("Engineers", "warned", ["that it could fail"], "indirect"),
    ]


def test_source_after_cue_and_content_first():
    text = "Taxes will rise, according to the report."
    words, runs = tag(
        text, [("content", "Taxes will rise", False), ("cue", "according to", False), ("source", "the report", False)]
    )
    assert triples(text, group(words, runs)) == [("the report", "according to", ["Taxes will rise"], "indirect")]


def test_one_source_shared_by_two_contents_in_a_sentence():
    text = "Jones said the plan failed and added that he would resign."
    words, runs = tag(
        text,
        [("source", "Jones", False), ("cue", "said", False), ("content", "the plan failed", False),
         ("cue", "added", False), ("content", "that he would resign", False)],
    )
    result = group(words, runs)
    assert triples(text, result) == [
        ("Jones", "said", ["the plan failed"], "indirect"),
        ("Jones", "added", ["that he would resign"], "indirect"),
    ]


def test_attribution_without_source_and_mixed_kind():
    text = "The agreement was described as “a historic step” by nobody in particular."
    words, runs = tag(text, [("content", "The agreement", False), ("cue", "was described as", False),
                             ("content", "“a historic step”", False)])
    result = group(words, runs, require_cue=False)
    assert [a.source for a in result] == [None, None]
    assert [a.kind for a in result] == ["indirect", "direct"]

    text = "He called it “a disgrace” and a failure."
    words, runs = tag(text, [("source", "He", False), ("cue", "called", False), ("content", "it “a disgrace” and a failure", False)])
    [attribution] = group(words, runs)
    assert attribution.kind == "mixed"


def test_cue_does_not_reach_across_another_content():
    text = "Officials said the talks ended. The deal is dead, a diplomat said."
    words, runs = tag(
        text,
        [("source", "Officials", False), ("cue", "said", False), ("content", "the talks ended", False),
         ("content", "The deal is dead", False), ("source", "a diplomat", False), ("cue", "said", False)],
    )
    result = triples(text, group(words, runs))
    assert result == [
        ("Officials", "said", ["the talks ended"], "indirect"),
        ("a diplomat", "said", ["The deal is dead"], "indirect"),
    ]


def test_content_without_cue_is_dropped_unless_asked_for():
    text = "Nothing here but a lonely content."
    words, runs = tag(text, [("content", "a lonely content", False)])
    [attribution] = group(words, runs, require_cue=False)
    assert attribution.cue is None and attribution.source is None
    assert group(words, runs) == []


def test_offsets_always_match_the_text():
    text = "A\u00a0said “x” \n\n and B said y."
    words, runs = tag(text, [("source", "A", False), ("cue", "said", False), ("content", "“x”", False),
                             ("source", "B", False), ("cue", "said", False), ("content", "y", False)])
    for attribution in group(words, runs):
        for span in (attribution.source, attribution.cue, attribution.content):
            assert text[span.start:span.end] == span.text


def test_viterbi_never_starts_a_run_with_inside():
    logp = np.log(np.full((3, len(LABEL_ID)), 1e-6))
    logp[:, LABEL_ID["I-content"]] = 0.0
    labels = viterbi(logp)
    assert LABEL_ID["I-content"] != labels[0]
    runs = decode_runs(labels)
    assert len(runs) == 1 and runs[0].role == "content" and (runs[0].first, runs[0].last) == (0, 2)


def test_decode_runs_marks_continuations_and_scores():
    labels = np.array([LABEL_ID[x] for x in ["B-content", "I-content", "O", "C-content", "I-content"]])
    logp = np.log(np.full((5, len(LABEL_ID)), 0.5))
    runs = decode_runs(labels, logp)
    assert [(r.first, r.last, r.continues) for r in runs] == [(0, 1, False), (3, 4, True)]
    assert all(abs(r.score - 0.5) < 1e-6 for r in runs)


def test_extract_applies_role_biases_before_decoding():
    from quotegraph.extract import extract
    from quotegraph.nlp.tagger import bias_vector

    text = "Smith said it rained."
    words = tokenize(text)
    logp = np.log(np.full((len(words), len(LABEL_ID)), 0.01))
    for i, label in enumerate(["B-source", "B-cue", "B-content", "I-content", "I-content"]):
        logp[i, LABEL_ID[label]] = np.log(0.6)
        logp[i, LABEL_ID["O"]] = np.log(0.3)
    [attribution] = extract(words, logp)
    assert (attribution.source.text, attribution.cue.text, attribution.content.text) == ("Smith", "said", "it rained.")
    assert extract(words, logp, bias_vector({"content": -5.0})) == []
    assert bias_vector({"cue": 1.0})[LABEL_ID["I-cue"]] == 1.0 and bias_vector({"cue": 1.0})[LABEL_ID["O"]] == 0.0


def test_doubled_quotation_marks_make_a_direct_quote():
    text = "Mr. Trump said ''That makes me smart'' on Monday."
    words, runs = tag(text, [("source", "Mr. Trump", False), ("cue", "said", False), ("content", "''That makes me smart''", False)])
    [attribution] = group(words, runs)
    assert attribution.kind == "direct"


def test_a_headline_quote_in_single_marks_is_mixed():
    text = "Lawmakers Rip Trump As A ‘Disgusting Fraud.’"
    words, runs = tag(text, [("source", "Lawmakers", False), ("cue", "Rip", False), ("content", "Trump As A ‘Disgusting Fraud.’", False)])
    [attribution] = group(words, runs)
    assert attribution.kind == "mixed"
