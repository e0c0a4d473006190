"""The viewer in a real browser: Debian's chromium, headless, driven by Playwright, against `quotegraph serve`.

The server runs as its own process on a loopback port over a corpus of the bundled
samples, an article in which one source answers another, and an article full of markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

from conftest import corpus_db
from quotegraph.serve.browser import CHROMIUM_ARGS, MISSING, chromium_path
from quotegraph.serve.load import running_server

pytestmark = [pytest.mark.server, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "quotegraph" / "samples" / "articles.jsonl"
# Small limits, so that the paste page meets a 413 and a 422 without megabytes of text.
MAX_BODY = 200_000
MAX_CHARS = 20_000
CLAIM_TEXT = (
    "Harbor Audit Row Deepens\n\nState Senator Tom Smith accused the mayor of hiding audits of the harbor contract, "
    "his office said on Monday.\n\nMayor Ann Jones denied that she had hidden any audit of the harbor contracts. "
    "\"Every audit is on the city website,\" she said.\n\n"
    "Council member Dana Ortiz dismissed Smith's remarks as a stunt before the election."
)
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = (
    f"Markup Test\n\nThe reader wrote {SCRIPT} in the comments, officials said. "
    f"Another reader added {IMAGE} to the page, the editor said."
)


def corpus_articles() -> list[dict]:
    """The sample articles, an article with a claim and its response, and one whose text and title hold markup."""
    samples = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        *samples,
        {"id": "harbor-audit", "date": "2016-11-01", "title": "Harbor Audit Row Deepens", "text": CLAIM_TEXT},
        {"id": "markup/test", "date": "2016-11-02", "title": f"Markup {SCRIPT}", "text": HOSTILE_TEXT},
    ]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a corpus of ``corpus_articles()`` with `quotegraph serve` on a free loopback port; yield its URL."""
    folder = tmp_path_factory.mktemp("viewer")
    options = ("--max-body", str(MAX_BODY), "--set", f"input.max_chars={MAX_CHARS}")
    with running_server(corpus_db(folder, corpus_articles()), None, folder / "server.log", *options) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless."""
    chromium = chromium_path()
    if chromium is None:
        pytest.skip(MISSING)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A browser page, with the dialogs (alert and the like) it opened and the policy violations it reported."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.dialogs == [], "a script ran: it opened a dialog"
        assert self.violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def watched(browser: Browser, base_url: str) -> Iterator[Watched]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)  # the first extraction loads the model
    seen = Watched(page)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.violations.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    yield seen
    context.close()


def paste(page: Page, text: str, date: str = "") -> None:
    page.goto("/paste")
    page.fill("#paste-text", text)
    if date:
        page.fill("#paste-date", date)
    page.click("#paste-submit")


def test_paste_extracts_and_highlights_source_cue_and_content(watched):
    page = watched.page
    sample = json.loads(SAMPLES.read_text(encoding="utf-8").splitlines()[0])
    paste(page, sample["text"], sample["date"])
    page.wait_for_selector("#paste-article .hl-source")
    for role in ("source", "cue", "content"):
        assert page.locator(f"#paste-article .hl-{role}").count() > 0
    assert page.locator("#paste-attributions .attribution").count() > 0
    assert re.fullmatch(r"\d+ attributions? found in [\d.]+ s\.", page.inner_text("#paste-status"))
    assert page.inner_text("#paste-submit") == "Extract" and page.is_enabled("#paste-submit")
    assert page.inner_text("#paste-article") == sample["text"]
    page.hover('#paste-article .hl-source[data-attribution="a2"]')
    assert "Dana Ortiz" in page.inner_text("#tooltip")
    watched.assert_clean()


def test_paste_reads_an_html_page_and_highlights_the_text_read_from_it(watched):
    page = watched.page
    page.goto("/paste")
    page.fill("#paste-text", (REPO / "tests" / "fixtures" / "news" / "harbor-vote.html").read_text(encoding="utf-8"))
    page.check("#paste-html")
    page.click("#paste-submit")
    page.wait_for_selector("#paste-article .hl-content")
    text = page.inner_text("#paste-article")
    assert text.startswith("Council approves harbor plan after long debate")
    assert "<p>" not in text and "Odile Brandt" in text
    watched.assert_clean()


def test_paste_explains_a_body_too_large_and_a_text_too_long(watched):
    page = watched.page
    paste(page, "word " * (MAX_BODY // 4))
    page.wait_for_selector("#paste-error:not([hidden])")
    assert page.inner_text("#paste-error").startswith("The text is too long for the server (413)")
    paste(page, "word " * (MAX_CHARS // 4))
    page.wait_for_selector("#paste-error:not([hidden])")
    error = page.inner_text("#paste-error")
    assert error.startswith("The server could not use this text (422)") and "input.max_chars" in error
    assert page.is_enabled("#paste-submit")
    watched.assert_clean()


def test_hovering_a_highlight_shows_act_kind_time_speaker_and_confidence(watched):
    page = watched.page
    page.goto("/articles/harbor-bridge-vote")
    assert page.locator("#tooltip").is_hidden()
    page.hover('.article-text .hl-source[data-attribution="a2"]')
    tooltip = page.inner_text("#tooltip")
    for label in ("Act", "Kind", "Speaker", "Role", "Time", "Confidence"):
        assert label in tooltip
    assert "Dana Ortiz (person)" in tooltip and "council member" in tooltip
    assert page.locator('.article-text .hl.is-active[data-attribution="a2"]').count() >= 3  # source, cue, content
    page.mouse.move(0, 0)
    assert page.locator("#tooltip").is_hidden()
    watched.assert_clean()


def test_a_source_highlight_leads_to_its_page_and_timeline(watched):
    page = watched.page
    page.goto("/articles/harbor-bridge-vote")
    page.click('.article-text a.hl-source[data-attribution="a2"]')
    page.wait_for_url(re.compile(r"/sources/\d+$"))
    assert page.inner_text("h1") == "Dana Ortiz"
    assert page.locator(".timeline svg rect.bar").count() >= 1
    assert "Attributions per day" in page.inner_text(".timeline figcaption")
    assert page.locator(".timeline svg text.axis-label").count() >= 4
    assert page.locator(".said tbody tr").count() >= 2
    watched.assert_clean()


def test_tab_reaches_a_highlight_and_shows_its_tooltip(watched):
    page = watched.page
    page.goto("/articles/harbor-bridge-vote")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.article-text .hl')"):
            break
    else:
        pytest.fail("30 presses of Tab reached no highlight")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert "Confidence" in page.inner_text("#tooltip")
    page.keyboard.press("Escape")
    assert page.locator("#tooltip").is_hidden()
    watched.assert_clean()


def test_markup_in_a_stored_or_pasted_article_stays_text(watched):
    page = watched.page
    page.goto("/articles/markup%2Ftest")
    text = page.inner_text(".article-text")
    assert SCRIPT in text and IMAGE in text
    assert SCRIPT in page.inner_text("h1")
    assert page.locator("main script, main img").count() == 0
    page.goto(f"/search?q={SCRIPT}")
    paste(page, HOSTILE_TEXT)
    page.wait_for_selector("#paste-status >> text=found")
    assert page.inner_text("#paste-article") == HOSTILE_TEXT
    assert page.locator("main script, main img").count() == 0
    page.wait_for_timeout(300)
    watched.assert_clean()


def test_a_claim_thread_is_drawn_from_the_article(watched):
    page = watched.page
    page.goto("/articles/harbor-audit")
    page.click("text=Claim thread")
    page.wait_for_url(re.compile(r"/claims/harbor-audit:a\d+$"))
    assert page.locator(".thread-graph .edge").count() >= 1
    labels = page.locator(".thread-graph .edge-label").all_text_contents()
    assert labels and all(labels)
    assert page.locator("#responses-heading").inner_text().startswith("Responses (")
    watched.assert_clean()
