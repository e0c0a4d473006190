from quotegraph.text.sentences import boundaries, crossings
from quotegraph.text.words import SHAPE_ID, quotations, tokenize


def test_words_split_clitics_and_punctuation_with_offsets():
    text = "He’s sure they don't “know,” O’Malley’s aide said—twice."
    words = tokenize(text)
    assert words.strings() == [
        "He", "’s", "sure", "they", "do", "n't", "“", "know", ",", "”",
        "O’Malley", "’s", "aide", "said", "—", "twice", ".",
    ]
    for start, end, word in zip(words.starts, words.ends, words.strings()):
        assert text[start:end] == word


def test_shapes_and_quote_context():
    words = tokenize('Smith said "We WIN 3 times" today.\n“Again,” he said.')
    strings = words.strings()
    inside = dict(zip(strings, (words.context & 1).tolist()))
    assert inside["We"] == 1 and inside["times"] == 1 and inside["today"] == 0
    assert inside["Again"] == 1 and inside["he"] == 0
    shape = dict(zip(strings, words.shape.tolist()))
    assert shape["Smith"] == SHAPE_ID["title"]
    assert shape["WIN"] == SHAPE_ID["upper"]
    assert shape["3"] == SHAPE_ID["digit"]
    assert shape["“"] == SHAPE_ID["open_quote"]
    paragraph_start = [w for w, c in zip(strings, words.context.tolist()) if c & 2]
    assert paragraph_start == ["Smith", "“"]


def test_unclosed_quote_ends_with_its_paragraph():
    words = tokenize("“It runs on\n\nNext paragraph here.")
    inside = dict(zip(words.strings(), (words.context & 1).tolist()))
    assert inside["runs"] == 1 and inside["Next"] == 0


def test_empty_and_whitespace_text():
    assert len(tokenize("")) == 0
    assert len(tokenize(" \n\t ")) == 0


def test_sentence_boundaries_skip_titles_and_initials():
    text = "Mr. Smith spoke. Then U.S. officials left.\nNew paragraph."
    ends = boundaries(text)
    assert [text[:e].rstrip()[-8:] for e in ends] == ["h spoke.", "ls left.", "ls left."]
    assert crossings(ends, 0, text.index("Then")) == 1
    assert crossings(ends, 0, 5) == 0


def test_doubled_marks_quote_like_double_quotes():
    text = "Trump said ''That makes me smart,'' and ``yes'' too. Then 'n' roll."
    words = tokenize(text)
    inside = [(w, c & 1) for w, c in zip(words.strings(), words.context.tolist())]
    assert inside[2:5] == [("'", 1), ("'", 1), ("That", 1)]
    assert inside[9:12] == [("'", 1), ("'", 1), ("and", 0)]
    assert [w for w, q in inside if q] == ["'", "'", "That", "makes", "me", "smart", ",", "'", "'", "`", "`", "yes", "'", "'"]
    assert [text[a:b] for a, b in quotations(words)] == ["''That makes me smart,''", "``yes''"]


def test_curly_single_marks_quote_but_apostrophes_do_not():
    text = "Lawmakers Rip Trump As A ‘Disgusting Fraud.’\n\nThe voters’ choice is ‘a don’t-miss event’, they said. It’s over."
    assert [text[a:b] for a, b in quotations(tokenize(text))] == ["‘Disgusting Fraud.’", "‘a don’t-miss event’"]
