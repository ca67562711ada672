"""The HTML page in headless Chromium (Playwright); skipped when either is missing.

Needs: ``apt-get install -y chromium`` and ``pip install playwright`` (no ``playwright install``).
"""
from __future__ import annotations

import json

import pytest

from critparse.inspect import browser
from critparse.inspect.common import Record, load_records
from critparse.inspect.html import write_html
from critparse.inspect.sample import sample_document

_WHY = browser.available()
pytestmark = pytest.mark.skipif(_WHY is not None, reason=_WHY or "")


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            try:
                b = browser.launch(p)
            except Exception as exc:  # noqa: BLE001 - a browser that cannot start is a skip, not a failure
                pytest.skip(f"chromium does not start: {exc}")
            yield b
            b.close()
    except pytest.skip.Exception:
        raise


def _open(chromium, path, errors):
    page = chromium.new_page(viewport={"width": 1300, "height": 800})
    page.set_default_timeout(10_000)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network request {r.url}") if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


def test_browser_highlights_tree_hover_and_screenshot(chromium, tmp_path):
    doc = sample_document()
    html_path = tmp_path / "page.html"
    write_html([Record("sample", doc)], str(html_path))
    errors: list[str] = []
    page = _open(chromium, html_path, errors)

    # every highlight wraps exactly doc.text[start:end]
    spans = page.eval_on_selector_all(
        ".source [data-start][data-end]",
        "els => els.map(e => [+e.dataset.start, +e.dataset.end, e.textContent, e.dataset.kind, e.dataset.rule])")
    assert len(spans) > 20
    for s, e, content, kind, rule in spans:
        assert content == doc.text[s:e], (kind, s, e)
    kinds = {k for *_, k, _ in spans}
    assert {"criterion", "threshold", "subject", "comparator", "value", "unit"} <= kinds
    assert page.eval_on_selector(".source", "e => e.textContent") == doc.text

    # the tree collapses and expands
    summary = page.locator(".tree details > summary").first
    details = page.locator(".tree details").first
    assert details.evaluate("d => d.open") is True
    summary.click()
    assert details.evaluate("d => d.open") is False
    summary.click()
    assert details.evaluate("d => d.open") is True

    # hovering a highlight shows its values and rule id
    subj = page.locator('.source [data-kind="subject"][data-rule="threshold.compare.uln"]').first
    subj.hover()
    tip = page.locator("#tip")
    assert tip.is_visible()
    text = tip.text_content()
    assert "threshold.compare.uln" in text
    assert "total bilirubin" in text or "alanine aminotransferase" in text

    # clicking a tree leaf scrolls to and flashes its text
    leaf = page.locator(".tree .leaf[data-target]:visible").last
    target = leaf.get_attribute("data-target")
    leaf.click()
    flashed = page.eval_on_selector_all(".source .flash", "els => els.map(e => e.dataset.node)")
    assert flashed and set(flashed) == {target}

    shot = tmp_path / "shot.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert errors == []
    page.close()


def test_browser_batch_page_switches_trials(chromium, tmp_path):
    a = sample_document()
    lines = "\n".join(json.dumps({"nct_id": f"NCT0000000{i}", "document": a.model_dump(mode="json")}) for i in range(3))
    recs = load_records(lines)
    html_path = tmp_path / "batch.html"
    write_html(recs, str(html_path))
    errors: list[str] = []
    page = _open(chromium, html_path, errors)
    assert page.locator("section.doc.active").get_attribute("data-key") == "NCT00000000"
    page.locator('nav.trials button[data-doc="2"]').click()
    assert page.locator("section.doc.active").get_attribute("data-key") == "NCT00000002"
    visible = page.eval_on_selector_all(
        "section.doc.active .source [data-start]",
        "els => els.map(e => [+e.dataset.start, +e.dataset.end, e.textContent])")
    assert visible and all(c == a.text[s:e] for s, e, c in visible)
    page.fill("#trialfilter", "00001")
    assert page.locator("nav.trials li:visible").count() == 1
    assert errors == []
    page.close()


def test_browser_real_parse_offsets(chromium, tmp_path):
    import critparse

    text = ("Inclusion Criteria:\n\n* Aged ≥3 and ≤70 years\n* Serum creatinine \\<1.5× ULN; ALT and AST both "
            "\\<3× ULN\n\nExclusion Criteria:\n\n* HSCT within 3 months before screening\n")
    doc = critparse.parse(text)
    html_path = tmp_path / "real.html"
    write_html([Record("real", doc)], str(html_path))
    errors: list[str] = []
    page = _open(chromium, html_path, errors)
    spans = page.eval_on_selector_all(
        ".source [data-start][data-end]",
        "els => els.map(e => [+e.dataset.start, +e.dataset.end, e.textContent, e.dataset.kind, +e.dataset.nodeStart, +e.dataset.nodeEnd])")
    for s, e, content, kind, ns, ne in spans:
        assert content == text[s:e], (kind, s, e)
    crit_spans = {(ns, ne) for *_, kind, ns, ne in spans if kind == "criterion"}
    assert {(c.start, c.end) for c in doc.criteria() if c.end > c.start} <= crit_spans
    thr_spans = {(ns, ne) for *_, kind, ns, ne in spans if kind == "threshold"}
    assert {(t.start, t.end) for t in doc.thresholds() if t.end > t.start} <= thr_spans
    assert errors == []
    page.close()
