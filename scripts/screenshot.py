#!/usr/bin/env python
"""Render a trial's parse as the inspection HTML page and screenshot it in headless Chromium.

    python scripts/screenshot.py ../shared/corpus/NCT06307600.md out.png [--html page.html]

Needs Playwright for Python (``pip install playwright``) and the system Chromium
(``apt-get install -y chromium``); ``playwright install`` is not used.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

from critparse.inspect import browser
from critparse.inspect.common import load_records, name_single, read_source
from critparse.inspect.html import write_html


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="eligibility text, study JSON, output JSON or JSONL ('-' for stdin)")
    ap.add_argument("png", help="where to write the screenshot")
    ap.add_argument("--html", help="also keep the HTML page here")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--full-page", action="store_true", help="capture the whole scrollable page")
    args = ap.parse_args(argv)
    why = browser.available()
    if why:
        print(f"screenshot: {why}", file=sys.stderr)
        return 2
    records = name_single(load_records(read_source(args.source)), args.source)
    html_path = args.html or os.path.join(tempfile.mkdtemp(prefix="critparse-"), "page.html")
    title = f"critparse · {os.path.basename(args.source)}" if args.source != "-" else "critparse"
    write_html(records, html_path, title=title)
    errors = browser.screenshot(html_path, args.png, args.width, args.height, args.full_page)
    for e in errors:
        print(f"console error: {e}", file=sys.stderr)
    print(args.png)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
