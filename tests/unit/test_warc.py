"""Batch inputs: WARC pages, JSONL publishers, and counting inputs for a progress bar."""

import datetime as dt
import gzip
import json

from quotegraph.ingest.inputs import InputFailure, count_inputs, read_inputs
from quotegraph.ingest.warc import page_id
from quotegraph.model import Article

PAGE = (
    '<html><head><title>{title}</title><meta property="og:site_name" content="Millbrook Times">{meta}</head>'
    "<body><article><h1>{title}</h1>"
    "<p>“We cannot keep asking people to sit in traffic for another year,” said council member Dana Ortiz.</p>"
    "<p>Mayor Luis Granger said the city would present a revised timeline within two weeks.</p>"
    "</article></body></html>"
)
DATED = '<meta property="article:published_time" content="2020-05-04">'


def page(title, meta="", site=True):
    html = PAGE.format(title=title, meta=meta)
    return (html if site else html.replace('<meta property="og:site_name" content="Millbrook Times">', "")).encode()


def crawl(n=3):
    """Responses of a small crawl: n article pages, an image, a redirect and a 404 page."""
    responses = [
        (f"https://www.example.com/news/{i}", "200 OK", "text/html; charset=utf-8", page(f"Story {i}"), f"2021-03-0{i + 1}T10:00:00Z")
        for i in range(n)
    ]
    return responses + [
        ("https://www.example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n", "2021-03-01T10:00:00Z"),
        ("https://www.example.com/old", "301 Moved Permanently", "text/html", b"<html>moved</html>", "2021-03-01T10:00:00Z"),
        ("https://www.example.com/gone", "404 Not Found", "text/html", page("Not found"), "2021-03-01T10:00:00Z"),
    ]


def test_warc_gives_each_html_page_with_its_uri_id_date_and_publisher(tmp_path, write_warc):
    path = write_warc(tmp_path / "crawl.warc.gz", crawl())
    articles = list(read_inputs([str(path)]))
    assert all(isinstance(article, Article) for article in articles)
    assert [a.url for a in articles] == [f"https://www.example.com/news/{i}" for i in range(3)]
    assert [a.id for a in articles] == [page_id(a.url) for a in articles]
    assert articles[0].id.startswith("example.com-") and len({a.id for a in articles}) == 3
    assert [a.date for a in articles] == [dt.date(2021, 3, 1), dt.date(2021, 3, 2), dt.date(2021, 3, 3)]
    assert {a.publisher for a in articles} == {"Millbrook Times"}
    assert "Dana Ortiz" in articles[0].text


def test_warc_page_date_wins_over_the_capture_date_and_the_host_is_the_fallback_publisher(tmp_path, write_warc):
    responses = [("https://www.example.org/a", "200 OK", "text/html", page("Dated", DATED, site=False), "2021-03-01T10:00:00Z")]
    [article] = read_inputs([str(write_warc(tmp_path / "one.warc", responses))])
    assert (article.date, article.publisher) == (dt.date(2020, 5, 4), "example.org")


def test_page_id_is_stable_and_names_the_host():
    assert page_id("https://www.example.com/a?b=1") == page_id("https://www.example.com/a?b=1")
    assert page_id("https://www.example.com/a?b=1") != page_id("https://www.example.com/a?b=2")
    assert page_id("https://news.example.com/a").startswith("news.example.com-")


def test_broken_warc_record_fails_with_its_offset_and_the_next_records_are_read(tmp_path, write_warc):
    whole = write_warc(tmp_path / "whole.warc.gz", crawl(4)).read_bytes()
    # Each record is a gzip member: wreck the second one's compressed bytes.
    starts = [i for i in range(len(whole)) if whole.startswith(b"\x1f\x8b\x08", i)]
    broken = bytearray(whole)
    broken[starts[1] + 20 : starts[1] + 60] = b"\x00" * 40
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(bytes(broken))
    items = list(read_inputs([str(path)]))
    failures = [item for item in items if isinstance(item, InputFailure)]
    assert [f.source for f in failures] == [f"{path}@{starts[1]}"]
    assert failures[0].reason.startswith(f"[Q701] broken WARC record at byte {starts[1]}")
    assert [a.url for a in items if isinstance(a, Article)] == [f"https://www.example.com/news/{i}" for i in (0, 2, 3)]


def test_uncompressed_warc_resumes_at_the_next_warc_header(tmp_path, write_warc):
    whole = write_warc(tmp_path / "whole.warc", crawl(3)).read_bytes()
    second = whole.index(b"WARC/1", 10)
    path = tmp_path / "broken.warc"
    path.write_bytes(whole[:second] + b"WARX" + whole[second + 4 :])
    items = list(read_inputs([str(path)]))
    assert [f.source for f in items if isinstance(f, InputFailure)] == [f"{path}@{second}"]
    assert [a.url for a in items if isinstance(a, Article)] == ["https://www.example.com/news/0", "https://www.example.com/news/2"]


def test_truncated_or_junk_warc_fails_once_after_what_could_be_read(tmp_path, write_warc):
    whole = write_warc(tmp_path / "whole.warc.gz", crawl(2)).read_bytes()
    second = whole.index(b"\x1f\x8b\x08", 10)
    third = whole.find(b"\x1f\x8b\x08", second + 10)
    second_end = third if third != -1 else len(whole)
    # Cut into the second page's record: in its WARC headers, its HTTP headers, its HTML; not in the gzip
    # trailer, whose loss leaves every byte of the record readable (and the member's size varies with the
    # record's date and id, so a fixed cut can land there).
    for cut in range(20, min(500, second_end - second - 32), 40):
        truncated = tmp_path / "truncated.warc.gz"
        truncated.write_bytes(whole[: second + cut])
        items = list(read_inputs([str(truncated)]))
        assert [type(item).__name__ for item in items] == ["Article", "InputFailure"], cut
        assert items[1].source == f"{truncated}@{second}", cut
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(bytes(range(256)) * 8)
    [failure] = read_inputs([str(junk)])
    assert failure.source == f"{junk}@0" and "Unknown archive format" in failure.reason


def test_folder_reads_its_warc_files(tmp_path, write_warc):
    write_warc(tmp_path / "crawl.warc.gz", crawl(2))
    (tmp_path / "note.txt").write_text("Officials said the vote would be delayed.", encoding="utf-8")
    assert [a.id for a in read_inputs([str(tmp_path)])][-1] == "note"
    assert len(list(read_inputs([str(tmp_path)]))) == 3


def test_jsonl_publisher_is_kept_and_wins_over_the_page_site_name(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [
        {"id": "a", "text": "Officials said the vote would be delayed.", "publisher": " The Courier "},
        {"id": "b", "html": page("Story").decode(), "publisher": "Wire"},
        {"id": "c", "html": page("Story").decode()},
        {"id": "d", "text": "Officials said so."},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    articles = list(read_inputs([str(path)]))
    assert [getattr(a, "publisher", None) for a in articles] == ["The Courier", "Wire", "Millbrook Times", None]
    assert articles[0].to_json()["publisher"] == "The Courier"


def test_count_inputs_counts_files_and_jsonl_lines_but_not_warc_or_stdin(tmp_path, write_warc):
    (tmp_path / "a.txt").write_text("One said so.", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\nbad line\n', encoding="utf-8")
    with gzip.open(tmp_path / "c.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write('{"text": "z"}\n' * 5)
    (tmp_path / "empty").mkdir()
    assert count_inputs([str(tmp_path)]) == 1 + 3 + 5
    assert count_inputs([str(tmp_path), str(tmp_path / "a.txt"), str(tmp_path / "empty")]) == 9 + 1 + 1
    assert count_inputs(["-"]) is None
    assert count_inputs([str(write_warc(tmp_path / "crawl.warc", crawl(1)))]) is None
