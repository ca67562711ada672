"""Headless Chromium through Playwright, for screenshots and the browser tests.

Uses the system Chromium (Debian package ``chromium``), never a browser downloaded by
``playwright install``.  Both are optional: ``available()`` says whether they are there.
"""
from __future__ import annotations

import os
import shutil
from typing import Optional

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> Optional[str]:
    """The Chromium executable: ``$CRITPARSE_CHROMIUM``, else ``chromium`` / ``chromium-browser`` on PATH."""
    env = os.environ.get("CRITPARSE_CHROMIUM")
    if env and os.path.exists(env):
        return env
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return None


def available() -> Optional[str]:
    """None when a browser can be driven, else the reason it cannot."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if chromium_path() is None:
        return "no chromium executable (apt-get install -y chromium)"
    return None


def launch(playwright):
    """A headless Chromium browser from a ``sync_playwright()`` context."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


def screenshot(html_path: str, png_path: str, width: int = 1400, height: int = 900,
               full_page: bool = False) -> list[str]:
    """Open ``html_path`` and save a screenshot; returns the console errors seen."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto("file://" + os.path.abspath(html_path))
            page.wait_for_load_state("load")
            if full_page:  # let the panes grow instead of scrolling inside the window
                page.evaluate("document.body.classList.add('full')")
            page.screenshot(path=png_path, full_page=full_page)
        finally:
            browser.close()
    return errors
