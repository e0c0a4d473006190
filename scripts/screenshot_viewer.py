"""Take the viewer's screenshots for the docs: an article with an open tooltip, and a source with its timeline.

usage: python scripts/screenshot_viewer.py [--out docs]

Builds a corpus database in a temporary folder from the bundled samples
(quotegraph/samples/articles.jsonl) and two short follow-ups to the bridge story, so
that a source is quoted on several days; runs `quotegraph serve` on a free loopback
port; and drives Debian's chromium (apt-get install chromium) headless with Playwright
to write OUT/viewer.png and OUT/viewer-source.png, 1280 pixels wide.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from quotegraph.batch import ingest
from quotegraph.serve.browser import CHROMIUM_ARGS, MISSING, chromium_path
from quotegraph.serve.load import running_server

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "quotegraph" / "samples" / "articles.jsonl"
WIDTH = 1280
FOLLOW_UPS = [
    {
        "id": "harbor-bridge-timeline",
        "date": "2016-10-26",
        "title": "Bridge Repair Plan Returns to Council",
        "text": "Bridge Repair Plan Returns to Council\n\nMillbrook released a revised timeline on Wednesday for "
        "repairs to the Harbor Street bridge.\n\n“This is the schedule residents were promised,” said council "
        "member Dana Ortiz. “Now the city has to keep to it.”\n\nMayor Luis Granger said work would begin in March "
        "and end before the summer.",
    },
    {
        "id": "harbor-bridge-approved",
        "date": "2016-11-02",
        "title": "Council Approves Harbor Bridge Repairs",
        "text": "Council Approves Harbor Bridge Repairs\n\nThe Millbrook city council voted 6-1 on Tuesday to approve "
        "a $48 million plan to repair the Harbor Street bridge.\n\nCouncil member Dana Ortiz said the new schedule "
        "answered the concerns of waterfront businesses. “We listened, and the plan is better for it,” Ortiz said.",
    },
]
# The article and the attribution whose source is hovered: Dana Ortiz's quotation, split around its cue.
ARTICLE = "harbor-bridge-vote"
HOVERED = "a2"


def shoot_article(page: Page, base: str, out: Path) -> None:
    """Screenshot the sample article, down to the end of its text, with the tooltip of one source highlight open."""
    page.goto(f"{base}/articles/{ARTICLE}")
    fit_height(page, ".article-text")
    page.hover(f'.article-text .hl-source[data-attribution="{HOVERED}"]')
    page.wait_for_selector("#tooltip:not([hidden])")
    page.screenshot(path=out)


def shoot_source(page: Page, base: str, out: Path) -> None:
    """Screenshot the page of the most quoted source, down to the end of what it said."""
    page.goto(f"{base}/sources")
    page.click(".rows tbody tr:first-child a")
    page.wait_for_selector(".timeline svg")
    fit_height(page, ".said")
    page.screenshot(path=out)


def fit_height(page: Page, selector: str) -> None:
    """Make the window end a little below SELECTOR, so the screenshot shows no more and no less.

    Done before hovering: resizing afterwards would close the tooltip.
    """
    bottom = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().bottom + window.scrollY")
    page.set_viewport_size({"width": WIDTH, "height": round(bottom) + 24})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the two PNGs (default: docs)")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit(MISSING)
    with tempfile.TemporaryDirectory() as folder:
        follow_ups = Path(folder) / "follow-ups.jsonl"
        follow_ups.write_text("".join(json.dumps(article) + "\n" for article in FOLLOW_UPS), encoding="utf-8")
        db_url = f"sqlite:///{Path(folder) / 'samples.db'}"
        ingest([str(SAMPLES), str(follow_ups)], db_url, progress=False)
        with running_server(db_url, None, Path(folder) / "server.log") as (base, _), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            shoot_article(page, base, out / "viewer.png")
            shoot_source(page, base, out / "viewer-source.png")
            browser.close()
    print(f"wrote {out / 'viewer.png'} and {out / 'viewer-source.png'}")


if __name__ == "__main__":
    main()
