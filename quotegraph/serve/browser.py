"""Debian's chromium, as the viewer's browser tests and screenshot script launch it with Playwright.

Playwright cannot download its own browser here, so it is given the system
one's path and flags that keep a headless run from reaching the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
MISSING = "chromium not installed - install the Debian package chromium (scripts/install-test-services.sh does)"


def chromium_path() -> str | None:
    """Return the path of the system chromium, or None if it is not installed."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None
