"""Read articles from text files, folders, JSONL files and stdin, for the CLI.

What each input gives:

- ``NAME.txt`` (or any file not named ``.jsonl``): one article with id ``NAME``.
- ``NAME.html`` or ``NAME.htm``: the article of a web page, with id ``NAME``,
  read by ``quotegraph.ingest.html.read_html`` (main text, title, date, byline).
- ``NAME.jsonl`` or ``NAME.jsonl.gz``: one article per line, an object with
  ``"text"`` (or ``"html"``, a page to read) and optionally ``"id"``, ``"date"``,
  ``"title"``, ``"url"``, ``"publisher"``; a line without an id gets
  ``NAME-LINE``. Blank lines are skipped.
- ``NAME.warc`` or ``NAME.warc.gz``: the article of each HTML page in it (each
  2xx ``response`` record with an HTML content type; other records are passed
  over), read by ``read_html``, with the id ``HOST-HASH`` of its WARC-Target-URI
  (``page_id``), that URI as url, the page's date or else the WARC-Date, and the
  page's site name or else the URI's host as publisher. A record that cannot be
  read gives an InputFailure ``FILE@OFFSET`` and reading goes on at the next
  record (``quotegraph.ingest.warc``).
- a folder: its ``*.txt``, ``*.html``, ``*.htm``, ``*.jsonl``, ``*.jsonl.gz``,
  ``*.warc`` and ``*.warc.gz`` files in name order (not its subfolders); a
  folder with none of them but a ``text/`` subfolder, such as a PolNeAR split,
  gives the ``*.txt`` files of ``text/``.
- ``-``: stdin, read as JSONL when every non-empty line is a JSON object, and
  as one plain-text article with id ``stdin`` otherwise.

HTML pages get the page's site name (or their URL's host) as ``publisher``, an
extra field of the Article; a JSONL ``"publisher"`` wins over it.

Text that looks like an HTML page (``looks_like_html``) -- a ``.txt`` file,
stdin, a JSONL ``"text"`` -- is read as HTML too; ``html=True`` reads every one
of them as HTML and ``html=False`` none of them (``.html`` files and ``"html"``
fields always are).

Bytes are decoded as UTF-8; invalid bytes become U+FFFD with a logged warning,
and a leading byte-order mark is dropped. Line ends are kept as they are, so
offsets count the characters of the decoded file. An input that cannot be an
article (binary data, no text, a bad JSONL line) gives an ``InputFailure`` in
the stream instead, and the stream goes on.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quotegraph.errors import BadInput
from quotegraph.ingest.html import looks_like_html, read_html
from quotegraph.ingest.warc import BrokenRecord, is_warc, page_id, read_warc
from quotegraph.model import Article
from quotegraph.pipeline import as_article, parse_date

log = logging.getLogger(__name__)

STDIN = "-"
BYTE_ORDER_MARK = "\ufeff"
SNIFF_BYTES = 8192
# A sample with more than this share of control characters or invalid bytes is binary.
MAX_NON_TEXT_SHARE = 0.3
TEXT_CONTROLS = set("\t\n\r\f\v")
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be read as an article: where it is (``file`` or ``file:LINE``) and why."""

    source: str
    reason: str


def read_inputs(
    paths: list[str], date: str | None = None, max_chars: int | None = None, *, html: bool | None = None
) -> Iterator[Article | InputFailure]:
    """Check the paths and the date, then stream one Article or InputFailure per input article.

    Args:
        paths: files, folders, or ``-`` for stdin.
        date: YYYY-MM-DD given to articles that have no date of their own.
        max_chars: longer articles give an InputFailure.
        html: True reads every text input as HTML, False none, None those that look like HTML.

    Raises:
        BadInput: a path does not exist, or ``date`` is not YYYY-MM-DD.
    """
    reader = InputReader(parse_date(date), max_chars, html)
    for path in paths:
        if path != STDIN and not Path(path).exists():
            raise BadInput(
                f"[Q410] input {path} does not exist - "
                "give .txt, .html, .jsonl or .warc files, folders of them, or - for stdin"
            )
    return (item for path in paths for item in reader.read_path(path))


@dataclass(frozen=True)
class InputReader:
    """Turn files, folders and stdin into articles, with a default date, a length limit and an HTML setting."""

    default_date: dt.date | None = None
    max_chars: int | None = None
    html: bool | None = None

    def read_path(self, path: str) -> Iterator[Article | InputFailure]:
        """Yield the articles of a file, a folder or stdin (``-``)."""
        if path == STDIN:
            yield from self.read_stdin()
        elif Path(path).is_dir():
            try:
                files = input_files(Path(path))
            except OSError as error:
                yield InputFailure(path, f"[Q412] cannot read it: {error}")
                return
            if not files:
                yield InputFailure(path, "[Q411] the folder holds no .txt, .html, .jsonl or .warc files")
            for file in files:
                yield from self.read_file(file)
        else:
            yield from self.read_file(Path(path))

    def read_file(self, path: Path) -> Iterator[Article | InputFailure]:
        """Yield the articles of a JSONL or WARC file, or the one article of an HTML or text file."""
        try:
            if is_warc(path):
                yield from self.warc_articles(path)
            elif is_jsonl(path):
                opener = gzip.open if path.name.endswith(".gz") else open
                with opener(path, "rb") as handle:
                    stem = path.name.removesuffix(".gz").removesuffix(".jsonl")
                    yield from self.jsonl_articles(handle, stem, str(path))
            else:
                yield self.text_article(path.read_bytes(), path.stem, str(path), page=is_html_file(path))
        except OSError as error:  # unreadable files and broken gzip streams
            yield InputFailure(str(path), f"[Q412] cannot read it: {error}")

    def warc_articles(self, path: Path) -> Iterator[Article | InputFailure]:
        """Yield the article of each HTML page of a WARC file; a page or record that fails gives an InputFailure."""
        for item in read_warc(path):
            source = f"{path}@{item.offset}"
            if isinstance(item, BrokenRecord):
                yield InputFailure(
                    source,
                    f"[Q701] broken WARC record at byte {item.offset}: {item.reason} - the rest of the file was "
                    "read from the next record found; repair or re-fetch the file (`warcio check`) to get this one",
                )
            else:
                item_fields = {"html": item.html, "url": item.uri}
                yield self.article(item_fields, page_id(item.uri), source, fallback_date=item.captured)

    def read_stdin(self) -> Iterator[Article | InputFailure]:
        """Read stdin as JSONL if every non-empty line is a JSON object, else as one plain-text article ``stdin``."""
        data = sys.stdin.buffer.read().removeprefix(BYTE_ORDER_MARK.encode())
        lines = data.split(b"\n")
        if any(line.strip() for line in lines) and all(is_json_object(line) for line in lines if line.strip()):
            yield from self.jsonl_articles(lines, "stdin", "stdin")
        else:
            yield self.text_article(data, "stdin", "stdin")

    def text_article(self, data: bytes, article_id: str, source: str, page: bool = False) -> Article | InputFailure:
        """Make an article of the bytes of a text, or of a page if ``page`` or it reads as HTML; binary data fails."""
        if looks_binary(data[:SNIFF_BYTES]):
            return InputFailure(source, "[Q413] binary data, not text - give UTF-8 text files")
        if page or self.reads_as_html(data[:SNIFF_BYTES].decode("utf-8", errors="replace")):
            return self.article({"html": data}, article_id, source)
        return self.article({"text": decode(data, source)}, article_id, source)

    def jsonl_articles(self, lines: Iterable[bytes], stem: str, source: str) -> Iterator[Article | InputFailure]:
        """Yield an article or an InputFailure per non-blank JSONL line; one InputFailure if there is no line.

        A line without an id gets ``STEM-LINE``.
        """
        replaced = 0
        found = False
        for number, raw in enumerate(lines, 1):
            line, invalid = decode_counting(raw)
            line = line.removeprefix(BYTE_ORDER_MARK) if number == 1 else line
            replaced += invalid
            if not line.strip():
                continue
            found = True
            try:
                item: Any = json.loads(line)
            except json.JSONDecodeError as error:
                reason = f"[Q415] not JSON ({error.msg} at column {error.colno}) - fix or remove the line"
                yield InputFailure(f"{source}:{number}", reason)
                continue
            if not isinstance(item, dict):
                reason = f'[Q416] a JSON {type(item).__name__}, not an object with "text"'
                yield InputFailure(f"{source}:{number}", reason)
                continue
            yield self.article(item, f"{stem}-{number}", f"{source}:{number}")
        if replaced:
            log.warning("%s: %d invalid UTF-8 byte(s) replaced with U+FFFD", source, replaced)
        if not found:
            yield InputFailure(source, "[Q414] no articles - the file is empty or only whitespace")

    def article(
        self, item: dict[str, Any], default_id: str, source: str, fallback_date: dt.date | None = None
    ) -> Article | InputFailure:
        """Make an article of ``{"text" or "html", "id"?, "date"?, "publisher"?, …}``, or an InputFailure.

        An article without a date of its own gets ``fallback_date``, else the reader's default date.
        """
        try:
            article = as_article(self.read_page(item, default_id), default_id, self.max_chars)
        except BadInput as error:
            return InputFailure(source, str(error))
        if not article.text.strip():
            return InputFailure(source, "[Q414] no text - it is empty or only whitespace")
        if article.date is None:
            article.date = fallback_date or self.default_date
        publisher = item.get("publisher")
        if isinstance(publisher, str) and publisher.strip():
            article.publisher = publisher.strip()
        return article

    def read_page(self, item: dict[str, Any], default_id: str) -> dict[str, Any] | Article:
        """Read the page of an item that holds HTML into an Article; return other items as they are.

        Raises:
            BadInput: the page has no article text, or the item's date is not YYYY-MM-DD.
        """
        markup = self.markup(item)
        if markup is None:
            return item
        url = item.get("url") if isinstance(item.get("url"), str) else None
        page = read_html(markup, id=str(item.get("id") or default_id), url=url, date=item.get("date"))
        if isinstance(item.get("title"), str):
            page.title = item["title"]
        return page

    def markup(self, item: dict[str, Any]) -> str | bytes | None:
        """Return an item's HTML: its ``"html"`` when it has no ``"text"``, or a ``"text"`` that reads as HTML."""
        text, html = item.get("text"), item.get("html")
        if not isinstance(text, str):
            return html if isinstance(html, (str, bytes)) else None
        return text if self.reads_as_html(text) else None

    def reads_as_html(self, text: str) -> bool:
        """Tell whether a text input is read as HTML: as ``html`` says, or when it looks like a page."""
        return looks_like_html(text) if self.html is None else self.html


def count_inputs(paths: list[str]) -> int | None:
    """Count the items ``read_inputs`` will give (articles and failures), for a progress bar's total.

    Cheap: folders are listed and JSONL lines counted, nothing is parsed. Returns
    None when an input cannot be counted so: stdin, or a WARC file (its records
    would have to be read).
    """
    total = 0
    for path in paths:
        if path == STDIN:
            return None
        try:
            files = input_files(Path(path)) if Path(path).is_dir() else [Path(path)]
        except OSError:
            files = []
        if any(is_warc(file) for file in files):
            return None
        total += sum(count_file_items(file) for file in files) or 1  # an empty folder is one failure
    return total


def count_file_items(path: Path) -> int:
    """Count the non-blank lines of a JSONL file (at least 1: an empty file is a failure); any other file is 1."""
    if not is_jsonl(path):
        return 1
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            return max(1, sum(1 for line in handle if line.strip()))
    except (OSError, EOFError):  # the reader will report it as one failure
        return 1


def input_files(folder: Path) -> list[Path]:
    """Return the article files of a folder in name order, or those of its ``text/`` subfolder if it has none."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and is_article_file(p))
    if not files and (folder / "text").is_dir():
        files = sorted((folder / "text").glob("*.txt"))
    return files


def is_jsonl(path: Path) -> bool:
    """Tell whether a file is read as JSONL (``.jsonl`` or ``.jsonl.gz``)."""
    return path.name.endswith((".jsonl", ".jsonl.gz"))


def is_article_file(path: Path) -> bool:
    """Tell whether a folder's file is an input: ``.txt``, ``.html``, ``.htm``, ``.jsonl(.gz)`` or ``.warc(.gz)``."""
    return path.suffix == ".txt" or is_html_file(path) or is_jsonl(path) or is_warc(path)


def is_html_file(path: Path) -> bool:
    """Tell whether a file is read as HTML (``.html`` or ``.htm``, in any case)."""
    return path.suffix.lower() in HTML_SUFFIXES


def is_json_object(line: bytes) -> bool:
    """Tell whether a line holds one JSON object."""
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # JSONDecodeError and undecodable bytes
        return False


def looks_binary(sample: bytes) -> bool:
    """Tell whether a sample of bytes is binary: a NUL byte, or mostly control characters and invalid UTF-8."""
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    chars = sample.decode("utf-8", errors="surrogateescape")
    non_text = sum(1 for c in chars if is_invalid_byte(c) or (c < " " and c not in TEXT_CONTROLS))
    return non_text > MAX_NON_TEXT_SHARE * len(chars)


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8, replacing invalid bytes with U+FFFD (with a warning) and dropping a byte-order mark."""
    text, replaced = decode_counting(data)
    if replaced:
        log.warning("%s: %d invalid UTF-8 byte(s) replaced with U+FFFD", source, replaced)
    return text.removeprefix(BYTE_ORDER_MARK)


def decode_counting(data: bytes) -> tuple[str, int]:
    """Decode UTF-8 with invalid bytes replaced; return the text and the number of invalid bytes."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        invalid = sum(1 for c in data.decode("utf-8", errors="surrogateescape") if is_invalid_byte(c))
        return data.decode("utf-8", errors="replace"), invalid


def is_invalid_byte(char: str) -> bool:
    """Tell whether a character stands for an undecodable byte under ``surrogateescape``."""
    return "\udc80" <= char <= "\udcff"
