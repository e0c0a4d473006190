"""read_inputs: every kind of input, and inputs that fail without stopping the stream."""

import datetime as dt
import gzip
import io
import json
import logging

import pytest

from quotegraph.errors import BadInput
from quotegraph.ingest.inputs import InputFailure, read_inputs
from quotegraph.model import Article

TEXT = "“We will win,” the senator said. Officials said the count was not over.\n"


def write_jsonl(path, *lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_text_file_is_one_article_named_by_its_stem(tmp_path):
    path = tmp_path / "senate-race.txt"
    path.write_text(TEXT, encoding="utf-8")
    [article] = read_inputs([str(path)])
    assert isinstance(article, Article)
    assert (article.id, article.text, article.date) == ("senate-race", TEXT, None)


def test_line_ends_are_kept_and_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbfFirst line.\r\nSecond line.\r\n")
    [article] = read_inputs([str(path)])
    assert article.text == "First line.\r\nSecond line.\r\n"


def test_folder_gives_text_and_jsonl_files_in_name_order(tmp_path):
    (tmp_path / "b.txt").write_text("Bravo said so.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha said so.", encoding="utf-8")
    write_jsonl(tmp_path / "c.jsonl", json.dumps({"id": "c1", "text": "Charlie said so."}))
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.txt").write_text("Delta said so.", encoding="utf-8")
    assert [item.id for item in read_inputs([str(tmp_path)])] == ["a", "b", "c1"]


def test_polnear_split_folder_gives_its_text_folder(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "nyt_2016-10-01_story.txt").write_text(TEXT, encoding="utf-8")
    assert [item.id for item in read_inputs([str(tmp_path)])] == ["nyt_2016-10-01_story"]


def test_empty_folder_is_a_failure(tmp_path):
    [failure] = read_inputs([str(tmp_path)])
    assert isinstance(failure, InputFailure)
    assert failure.source == str(tmp_path)


def test_jsonl_reads_fields_and_names_articles_without_id_by_line(tmp_path):
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        json.dumps({"id": "x1", "text": TEXT, "date": "2016-10-31", "title": "Race", "url": "https://example.org/x1"}),
        "",
        json.dumps({"text": "She said it twice."}),
    )
    first, second = read_inputs([str(path)])
    assert (first.id, first.date, first.title, first.url) == ("x1", dt.date(2016, 10, 31), "Race", "https://example.org/x1")
    assert second.id == "feed-3"


def test_bad_jsonl_lines_fail_with_their_line_number_and_the_rest_go_on(tmp_path):
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        json.dumps({"id": "ok1", "text": TEXT}),
        '{"id": "cut", "text": ',
        "[1, 2]",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "bad-date", "text": TEXT, "date": "last week"}),
        json.dumps({"id": "ok2", "text": TEXT}),
    )
    items = list(read_inputs([str(path)]))
    assert [item.id for item in items if isinstance(item, Article)] == ["ok1", "ok2"]
    failures = [item for item in items if isinstance(item, InputFailure)]
    assert [failure.source for failure in failures] == [f"{path}:{line}" for line in (2, 3, 4, 5, 6)]
    assert "[Q401]" in failures[-1].reason


def test_jsonl_may_start_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "x1", "text": TEXT}).encode())
    [article] = read_inputs([str(path)])
    assert article.id == "x1"


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": TEXT}) + "\n")
    [article] = read_inputs([str(path)])
    assert (article.id, article.text) == ("feed-1", TEXT)


def test_empty_jsonl_file_is_a_failure(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", "", "  ")
    [failure] = read_inputs([str(path)])
    assert isinstance(failure, InputFailure)


@pytest.mark.parametrize("content", [b"", b"  \n\t \n"])
def test_empty_or_blank_text_file_is_a_failure(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    [failure] = read_inputs([str(path)])
    assert failure == InputFailure(str(path), failure.reason)
    assert "no text" in failure.reason


@pytest.mark.parametrize("content", [b"PK\x03\x04\x00\x00text", bytes(range(1, 32)) * 50 + b"some words"])
def test_binary_file_is_a_failure(tmp_path, content):
    path = tmp_path / "image.txt"
    path.write_bytes(content)
    [failure] = read_inputs([str(path)])
    assert isinstance(failure, InputFailure)
    assert "binary" in failure.reason


def test_invalid_utf8_is_replaced_with_a_warning(tmp_path, caplog):
    path = tmp_path / "latin1.txt"
    path.write_bytes("The café owner said rents had doubled.".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        [article] = read_inputs([str(path)])
    assert article.text == "The caf\ufffd owner said rents had doubled."
    assert "latin1.txt" in caplog.text and "1 invalid UTF-8 byte" in caplog.text


def test_date_applies_only_to_articles_without_one(tmp_path):
    (tmp_path / "plain.txt").write_text(TEXT, encoding="utf-8")
    write_jsonl(tmp_path / "dated.jsonl", json.dumps({"id": "dated", "text": TEXT, "date": "2016-09-01"}))
    dates = {item.id: item.date for item in read_inputs([str(tmp_path)], "2016-11-08")}
    assert dates == {"dated": dt.date(2016, 9, 1), "plain": dt.date(2016, 11, 8)}


def test_bad_date_is_refused_before_reading(tmp_path):
    with pytest.raises(BadInput, match=r"\[Q401\]"):
        read_inputs([str(tmp_path / "missing.txt")], "31/10/2016")


def test_missing_path_is_refused_before_reading(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    with pytest.raises(BadInput, match=r"\[Q410\].*missing\.txt"):
        read_inputs([str(good), str(tmp_path / "missing.txt")])


def test_article_over_max_chars_is_a_failure(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(TEXT * 10, encoding="utf-8")
    [failure] = read_inputs([str(path)], max_chars=100)
    assert isinstance(failure, InputFailure) and "[Q404]" in failure.reason


def feed_stdin(monkeypatch, data: bytes):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_plain_text_is_one_article(monkeypatch):
    feed_stdin(monkeypatch, TEXT.encode())
    [article] = read_inputs(["-"], "2016-10-31")
    assert (article.id, article.text, article.date) == ("stdin", TEXT, dt.date(2016, 10, 31))


def test_stdin_of_json_objects_is_jsonl(monkeypatch):
    lines = [json.dumps({"id": "s1", "text": TEXT}), "", json.dumps({"text": "He said no."})]
    feed_stdin(monkeypatch, "\n".join(lines).encode())
    assert [item.id for item in read_inputs(["-"])] == ["s1", "stdin-3"]


def test_stdin_with_a_line_that_is_not_an_object_is_plain_text(monkeypatch):
    data = json.dumps({"id": "s1", "text": TEXT}) + "\nand then some prose.\n"
    feed_stdin(monkeypatch, data.encode())
    [article] = read_inputs(["-"])
    assert (article.id, article.text) == ("stdin", data)
