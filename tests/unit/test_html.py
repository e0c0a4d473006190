"""read_html and HTML inputs: the article text without the page around it, and broken pages that fail cleanly."""

import datetime as dt
import io
import json
import shutil
import socket
from pathlib import Path

import pytest

from quotegraph.errors import BadInput
from quotegraph.ingest.html import looks_like_html, read_html
from quotegraph.ingest.inputs import InputFailure, read_inputs
from quotegraph.model import Article

NEWS = Path(__file__).resolve().parents[1] / "fixtures" / "news"
HARBOR = NEWS / "harbor-vote.html"
LIBRARY = NEWS / "library-hours.html"

QUOTES = [
    "“This is the most important thing this council has done in a decade,” said council member Odile Brandt",
    "“We are asking people who will never use this pier to pay for it,” Ostrow said.",
]
FURNITURE = [
    "Politics",
    "Subscribe to our newsletter",
    "Share on Facebook",
    "Tweet",
    "Email this article",
    "Finally! I have waited years",
    "Click here to comment",
    "Related stories",
    "Residents pack town hall",
    "Follow us on Twitter",
    "All rights reserved",
    "Photo: Ines Carvalho",
]

PAGE = """<!DOCTYPE html>
<html><head><title>Pier vote</title></head>
<body><nav><a href="/">Home</a></nav>
<article><h1>Pier vote</h1>
<p>“We will build it,” the mayor said on Tuesday, after a long night of debate in the council chamber.</p>
<p>Council member Pavel Ostrow said the city could not afford the pier and would regret the vote.</p>
</article></body></html>
"""


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a socket fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("read_html tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_page_gives_the_article_text_without_the_page_around_it(no_network):
    article = read_html(HARBOR.read_bytes(), id="harbor-vote", url="https://news.example.org/2019/harbor-vote")
    for quote in QUOTES:
        assert quote in article.text
    for furniture in FURNITURE:
        assert furniture not in article.text
    assert article.text.startswith("Council approves harbor plan after long debate\n\nThe Riverton city council")
    assert article.text.count("\n\n") == 5  # the headline and five paragraphs


def test_page_metadata_is_read():
    article = read_html(HARBOR.read_text(encoding="utf-8"), id="harbor-vote", url="https://news.example.org/x")
    assert (article.id, article.url) == ("harbor-vote", "https://news.example.org/x")
    assert article.title == "Council approves harbor plan after long debate"
    assert article.date == dt.date(2019, 4, 17)
    assert article.byline == "Mara Feldspar"


def test_meta_tags_give_title_date_and_author():
    article = read_html(LIBRARY.read_bytes(), id="library")
    assert (article.title, article.date, article.byline) == (
        "Library to cut Sunday hours",
        dt.date(2020, 2, 3),
        "Tomas Lindqvist",
    )
    assert "“We did everything we could to avoid this,” said the library director" in article.text
    assert "Copyright" not in article.text and "Contact" not in article.text


def test_a_given_date_wins_over_the_page_date():
    assert read_html(LIBRARY.read_bytes(), id="library", date="2021-05-06").date == dt.date(2021, 5, 6)
    assert read_html(LIBRARY.read_bytes(), id="library", date=dt.date(2021, 5, 6)).date == dt.date(2021, 5, 6)


def test_a_bad_given_date_is_refused():
    with pytest.raises(BadInput, match=r"\[Q401\]"):
        read_html(LIBRARY.read_bytes(), id="library", date="last week")


def test_unclosed_tags_still_give_the_text():
    broken = PAGE.replace("</p>", "").replace("</article></body></html>", "<div><b>")
    article = read_html(broken, id="broken")
    assert "“We will build it,” the mayor said on Tuesday" in article.text
    assert "Home" not in article.text


def test_a_fragment_is_read_as_a_page():
    article = read_html("<p>“We will build it,” the mayor said on Tuesday.</p>", id="fragment")
    assert article.text == "“We will build it,” the mayor said on Tuesday."


@pytest.mark.parametrize(
    ("markup", "code"),
    [
        ("", "Q422"),
        (b"  \n\t", "Q422"),
        (b"\x00\x01\x02\xff" * 200, "Q423"),
        (bytes(range(256)) * 10, "Q423"),
        ("just a few words, no markup at all", "Q421"),
        ("<html></html>", "Q420"),
        ("<!DOCTYPE html><html><head><title>Riverton Ledger</title></head><body></body></html>", "Q420"),
        (
            '<!DOCTYPE html><html><head><title>App</title><script src="/app.js"></script></head>'
            '<body><div id="root"></div><noscript>Enable JavaScript to run this app.</noscript></body></html>',
            "Q420",
        ),
    ],
)
def test_pages_without_article_text_are_bad_input(markup, code):
    with pytest.raises(BadInput, match=rf"\[{code}\] page "):
        read_html(markup, id="page")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html>\n<html><body>", True),
        ("\ufeff  \n<html lang='en'>", True),
        ("<div class='wrap'><article><p>x</p></article>", True),
        ("<body>", True),
        ("<p>Just a paragraph.</p>", False),
        ("The <html> tag opens a page, the manual said.", False),
        ("“We will win,” the senator said.", False),
        ("", False),
    ],
)
def test_looks_like_html(text, expected):
    assert looks_like_html(text) is expected


def test_folder_of_html_files_gives_their_articles_and_failures(tmp_path):
    shutil.copy(HARBOR, tmp_path / "harbor-vote.html")
    shutil.copy(LIBRARY, tmp_path / "library-hours.HTM")
    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("The mayor said so.", encoding="utf-8")
    items = list(read_inputs([str(tmp_path)], "2000-01-01"))
    assert [type(item).__name__ for item in items] == ["InputFailure", "Article", "Article", "Article"]
    failure, harbor, library, plain = items
    assert failure.source == str(tmp_path / "empty.html") and "[Q420]" in failure.reason
    assert (harbor.id, harbor.date, harbor.byline) == ("harbor-vote", dt.date(2019, 4, 17), "Mara Feldspar")
    assert library.id == "library-hours" and QUOTES[0] not in library.text
    assert (plain.id, plain.text, plain.date) == ("plain", "The mayor said so.", dt.date(2000, 1, 1))


def test_page_without_a_date_gets_the_default_date(tmp_path):
    path = tmp_path / "pier.html"
    path.write_text(PAGE, encoding="utf-8")
    [article] = read_inputs([str(path)], "2016-10-31")
    assert article.date == dt.date(2016, 10, 31)


def test_jsonl_html_field_is_read_as_a_page(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [
        {"id": "p1", "html": PAGE, "date": "2016-10-31", "url": "https://news.example.org/p1"},
        {"html": "<html><body></body></html>"},
        {"id": "p3", "text": "The mayor said <b>so</b>."},
        {"id": "p4", "html": PAGE, "date": "soon"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    first, second, third, fourth = read_inputs([str(path)])
    assert (first.id, first.date, first.title) == ("p1", dt.date(2016, 10, 31), "Pier vote")
    assert first.url == "https://news.example.org/p1"
    assert "“We will build it,” the mayor said" in first.text and "Home" not in first.text
    assert isinstance(second, InputFailure) and second.source == f"{path}:2" and "[Q420] pages-2 " in second.reason
    assert third.text == "The mayor said <b>so</b>."
    assert isinstance(fourth, InputFailure) and "[Q401]" in fourth.reason


def test_text_file_that_looks_like_html_is_read_as_html(tmp_path):
    path = tmp_path / "saved-page.txt"
    path.write_text(PAGE, encoding="utf-8")
    [article] = read_inputs([str(path)])
    assert article.id == "saved-page" and article.text.startswith("Pier vote\n\n“We will build it,”")
    [raw] = read_inputs([str(path)], html=False)
    assert raw.text == PAGE


def test_html_true_reads_every_text_input_as_html(tmp_path):
    path = tmp_path / "fragment.txt"
    path.write_text("<p>“We will build it,” the mayor said.</p>", encoding="utf-8")
    [plain] = read_inputs([str(path)])
    [page] = read_inputs([str(path)], html=True)
    assert plain.text.startswith("<p>")
    assert page.text == "“We will build it,” the mayor said."


def test_html_true_on_plain_prose_is_a_failure_not_a_crash(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("The mayor said so.", encoding="utf-8")
    [failure] = read_inputs([str(path)], html=True)
    assert isinstance(failure, InputFailure) and "[Q421]" in failure.reason


def test_stdin_page_is_read_as_html(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode())))
    [article] = read_inputs(["-"])
    assert isinstance(article, Article) and article.id == "stdin" and "Home" not in article.text


def test_binary_html_file_is_a_failure(tmp_path):
    path = tmp_path / "image.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    [failure] = read_inputs([str(path)])
    assert isinstance(failure, InputFailure) and "binary" in failure.reason
