"""Read a news page's HTML into an Article with trafilatura.

Trafilatura finds the main text of the page and leaves navigation, share bars,
related links and footers out; it also reads the title, the publication date
and the author. How it is run:

- no network: it is given the parsed page, never a URL to fetch; ``url`` is only
  recorded (and used to resolve the page's own links and dates);
- precision over recall: a page with no article (only navigation, or an
  app shell whose text scripts load) gives no text rather than its menus;
- no comments and no tables: reader comments are not the article, and tables
  (scores, prices, sign-up boxes) give rows of cells, not sentences;
- no images, links or formatting in the text, and no deduplication across
  pages, so one page reads the same whatever was read before it;
- quiet: trafilatura's and htmldate's log lines are silenced; read_html's coded
  errors say the same, with the page's id;
- dates: the original publication date, from the page's markup and URL only
  (htmldate's search of free text for dates is off);
- publisher: the page's site name (``og:site_name`` and the like), else the
  host of its URL, as the Article's extra field ``publisher``; none if neither
  is known.

The text is laid out as the corpus texts are: the headline, then one paragraph
per line, with a blank line between them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from quotegraph.errors import BadInput
from quotegraph.model import Article
from quotegraph.pipeline import parse_date

# A page opens with a tag and has a doctype or an <html>, <head>, <body> or <article> tag within this many characters.
HTML_START_CHARS = 1024
HTML_START = re.compile(r"<!doctype\s+html\b|<(?:html|head|body|article)\b[^>]*>", re.IGNORECASE)
SNIFF_BYTES = 8192

# Trafilatura and htmldate log every page they give up on, without saying which file it was;
# read_html raises a coded BadInput for those pages instead.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def looks_like_html(text: str) -> bool:
    """Tell whether a text is an HTML page: it opens with a tag and has a doctype or a page tag near the start."""
    start = text.lstrip("\ufeff \t\r\n")[:HTML_START_CHARS]
    return start.startswith("<") and HTML_START.search(start) is not None


def read_html(
    html: str | bytes, *, id: str, url: str | None = None, date: str | dt.date | None = None
) -> Article:
    """Read the article of an HTML page: its main text, title, date (``date`` wins), byline and publisher.

    Raises:
        BadInput: the page is empty, binary, not HTML, or has no main text; or ``date`` is not YYYY-MM-DD.
    """
    given_date = parse_date(date)
    document = trafilatura.bare_extraction(
        parse_page(html, id),
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        with_metadata=True,
        date_extraction_params=set_date_params(extensive=False),
    )
    paragraphs = page_paragraphs(document.text if document else None)
    if not paragraphs:
        raise BadInput(
            f"[Q420] {id} has no article text trafilatura could find - "
            "check that it is a news page with its text in the HTML (not loaded by scripts), or give the text itself"
        )
    title = clean(document.title)
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)
    url = url or clean(document.url)
    publisher = clean(document.sitename) or uri_host(url)
    return Article(
        id=id,
        text="\n\n".join(paragraphs),
        title=title,
        url=url,
        date=given_date or page_date(document.date),
        byline=clean(document.author),
        **({"publisher": publisher} if publisher else {}),
    )


def parse_page(html: str | bytes, page_id: str) -> HtmlElement:
    """Parse a page or an HTML fragment into an lxml tree.

    Raises:
        BadInput: the markup is empty, binary, or nothing lxml can read as HTML.
    """
    if not html.strip():
        raise BadInput(f"[Q422] {page_id} is an empty page - give a page with its article in it")
    if ("\x00" if isinstance(html, str) else b"\x00") in html[:SNIFF_BYTES]:
        raise BadInput(f"[Q423] {page_id} is binary data, not HTML - give the page's HTML source")
    tree = load_html(html)
    if tree is None and html.lstrip()[:1] in ("<", b"<"):
        tree = load_html(wrap_fragment(html))
    if tree is None:
        raise BadInput(
            f"[Q421] {page_id} is not HTML that could be parsed - give the page's HTML source, "
            "or read it as plain text (without --html)"
        )
    return tree


def wrap_fragment(html: str | bytes) -> str | bytes:
    """Put a fragment such as ``<p>…</p>`` into a page, which trafilatura needs."""
    if isinstance(html, bytes):
        return b"<html><body>" + html + b"</body></html>"
    return f"<html><body>{html}</body></html>"


def page_paragraphs(text: str | None) -> list[str]:
    """Split trafilatura's text into its non-blank lines, one paragraph each."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def page_date(value: str | None) -> dt.date | None:
    """Read the YYYY-MM-DD date trafilatura found; an unreadable one counts as none."""
    try:
        return parse_date(value)
    except BadInput:
        return None


def uri_host(uri: str | None) -> str | None:
    """Return the host of a URI, lowercased and without a leading ``www.``; None if it has none."""
    host = urlsplit(uri or "").hostname or ""
    return host.removeprefix("www.") or None


def clean(value: str | None) -> str | None:
    """Strip a metadata value; an empty one is None."""
    return (value or "").strip() or None
