"""Inspect parse output: terminal tree, HTML page, explanation of parser steps, batch diffs.

    from critparse.inspect import render_tree, render_html, explain, diff_batches

The command-line verbs (``critparse show|html|explain|diff``) are in
``critparse.inspect_cli``; each is a thin wrapper over a function here.
"""
from __future__ import annotations

from .common import Record, load_records
from .diff import compare_documents, diff_batches, diff_files, render_diff
from .explain import explain, explain_document, render_explain
from .html import highlight_markup, render_html, write_html
from .show import build_tree, print_tree, render_tree

__all__ = [
    "Record", "load_records", "render_tree", "print_tree", "build_tree", "render_html", "write_html",
    "highlight_markup", "explain", "explain_document", "render_explain", "compare_documents",
    "diff_batches", "diff_files", "render_diff",
]
