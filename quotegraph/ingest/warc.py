"""Read the HTML pages of WARC files (``.warc``, ``.warc.gz``) with warcio, one record at a time.

Only ``response`` records with a 2xx HTTP status and an HTML content type are
pages; every other record (requests, metadata, DNS, images, redirects, errors)
is passed over. A record that cannot be read gives a ``BrokenRecord`` with its
byte offset, and reading goes on at the next record start found after it: the
next gzip member of a ``.warc.gz``, the next ``WARC/`` header line of a ``.warc``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from quotegraph.errors import BadInput
from quotegraph.ingest.html import uri_host
from quotegraph.pipeline import parse_date

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
GZIP_MEMBER_START = b"\x1f\x8b\x08"
WARC_RECORD_START = b"\nWARC/"
SCAN_BYTES = 1 << 20
REASON_CHARS = 160


@dataclass(frozen=True)
class WarcPage:
    """An HTML response of a WARC file: its target URI, capture date, raw page bytes and record offset."""

    uri: str
    captured: dt.date | None
    html: bytes
    offset: int


class DamagedRecord(Exception):
    """A record warcio reads without complaint, but cut short or without its WARC-Type and Content-Length."""


@dataclass(frozen=True)
class BrokenRecord:
    """A stretch of a WARC file that cannot be read: the byte offset where it starts and why."""

    offset: int
    reason: str


def is_warc(path: Path) -> bool:
    """Tell whether a file is read as WARC (``.warc`` or ``.warc.gz``)."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_warc(path: Path) -> Iterator[WarcPage | BrokenRecord]:
    """Yield the HTML pages of a WARC file, and a BrokenRecord per stretch of it that cannot be read."""
    with open(path, "rb") as handle:
        start = 0
        while start is not None:
            start = yield from pages_from(handle, start, path)


def pages_from(handle: BinaryIO, start: int, path: Path) -> Iterator[WarcPage | BrokenRecord]:
    """Yield the pages from byte ``start`` on; on a broken record, return where to start again (None at the end).

    A resumed read that breaks before its first record began at a false record
    start, so it gives no failure of its own: only the first break is reported.
    """
    handle.seek(start)
    records = ArchiveIterator(handle)
    read_one = False
    try:
        for record in records:
            page = html_page(record, records.offset)  # the iterator's offset is this record's start until the next
            read_one = True
            if page is not None:
                yield page
    # On corrupt bytes warcio raises its own errors, zlib's and OSError, but also AttributeError and the like
    # from deep inside; whatever it is, that record is lost and the reading goes on after it.
    except Exception as error:
        reason = describe(error)
    else:
        # warcio also ends quietly where a record's headers are cut short: tell that from the end of the file.
        handle.seek(records.offset)
        if not handle.read(SCAN_BYTES).strip():
            return None
        reason = "DamagedRecord: warcio stopped here, before the end of the file: the record is cut short or damaged"
    if read_one or start == 0:
        yield BrokenRecord(records.offset, reason)
    return next_record_start(handle, records.offset + 1, gzipped=path.name.lower().endswith(".gz"))


def html_page(record: ArcWarcRecord, offset: int) -> WarcPage | None:
    """Return a record's page if it is a 2xx HTML response, else None; reads the record to its end.

    Raises:
        DamagedRecord: the record lacks its WARC-Type or Content-Length, or the file ends before it does.
    """
    if record.rec_type is None or record.length is None:
        raise DamagedRecord("the record has no WARC-Type or Content-Length: the file ends inside it or it is damaged")
    html = record.content_stream().read() if is_html_response(record) else None
    while record.raw_stream.read(SCAN_BYTES):  # what is left of a record that is not a page
        pass
    missing = getattr(record.raw_stream, "limit", 0)  # what the record's length promised but the file lacks
    if missing:
        raise DamagedRecord(f"the file ends {missing} bytes before the record does")
    if html is None:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    return WarcPage(uri, capture_date(record.rec_headers.get_header("WARC-Date")), html, offset)


def is_html_response(record: ArcWarcRecord) -> bool:
    """Tell whether a record is an HTTP response with a 2xx status and an HTML content type."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.startswith(HTML_CONTENT_TYPES)


def capture_date(value: str | None) -> dt.date | None:
    """Read a WARC-Date (ISO 8601); an unreadable one counts as none."""
    try:
        return parse_date(value)
    except BadInput:
        return None


def next_record_start(handle: BinaryIO, position: int, *, gzipped: bool) -> int | None:
    """Return the byte offset of the first record start at or after ``position``, or None if there is none.

    Reads the file in blocks, so a big file is never held in memory.
    """
    marker = GZIP_MEMBER_START if gzipped else WARC_RECORD_START
    skip = 0 if gzipped else 1  # a WARC header starts after the newline that the marker begins with
    handle.seek(position)
    block_start, carried = position, b""
    while block := handle.read(SCAN_BYTES):
        data = carried + block
        found = data.find(marker)
        if found >= 0:
            return block_start - len(carried) + found + skip
        carried = data[-(len(marker) - 1) :]
        block_start += len(block)
    return None


def page_id(uri: str) -> str:
    """Return a stable article id for a page URI: its host and 16 hex digits of the URI's SHA-256."""
    digest = hashlib.sha256(uri.encode("utf-8")).hexdigest()[:16]
    host = uri_host(uri)
    return f"{host}-{digest}" if host else digest


def describe(error: Exception) -> str:
    """Return an error's type and the first line of its message, printable and short."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    message = "".join(c if c.isprintable() else "?" for c in lines[0][:REASON_CHARS]) if lines else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
