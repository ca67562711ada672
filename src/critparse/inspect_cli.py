"""Command-line verbs to inspect parse output: show, html, explain, diff.

``register(main)`` adds them to the ``critparse`` click group.
"""
from __future__ import annotations

import json
import os

import click


def _records(source: str, input_format: str):
    from .inspect.common import load_records, name_single, read_source

    try:
        return name_single(load_records(read_source(source), input_format), source)
    except OSError as exc:
        raise click.ClickException(f"cannot read {source}: {exc.strerror or exc}") from None


@click.command("show")
@click.argument("source", default="-")
@click.option("--spans", is_flag=True, help="Add [start:end] offsets to every node.")
@click.option("--width", type=int, default=None, help="Wrap at this many columns (default: the terminal's).")
@click.option("--full", "full", is_flag=True, help="Show every node's whole text (default: clipped).")
@click.option("--no-color", is_flag=True, help="Plain text, no colour.")
@click.option("--input-format", default="auto", help="How to read SOURCE when it is text (see `parse`).")
def show_cmd(source: str, spans: bool, width, full: bool, no_color: bool, input_format: str) -> None:
    """Print the criteria tree of FILE (or - for standard input) as a coloured tree.

    FILE may be eligibility text, a study JSON record, an output document (JSON) or JSON
    Lines of output documents or raw records.
    """
    from rich.console import Console

    from .inspect.show import DEFAULT_MAX_TEXT, print_tree, render_tree

    max_text = None if full else DEFAULT_MAX_TEXT
    recs = _records(source, input_format)
    for i, rec in enumerate(recs):
        title = rec.key if len(recs) > 1 or rec.key != "document" else None
        if no_color:
            click.echo(render_tree(rec.doc, spans=spans, width=width, max_text=max_text, title=title), nl=False)
        else:
            print_tree(rec.doc, spans=spans, max_text=max_text, title=title,
                       console=Console(width=width, highlight=False, emoji=False))
        if i + 1 < len(recs):
            click.echo("")


@click.command("html")
@click.argument("source", default="-")
@click.option("-o", "--output", default="critparse.html", show_default=True, help="Where to write the page.")
@click.option("--open", "open_", is_flag=True, help="Open the page in the web browser.")
@click.option("--title", default=None, help="Page title.")
@click.option("--input-format", default="auto", help="How to read SOURCE when it is text (see `parse`).")
def html_cmd(source: str, output: str, open_: bool, title, input_format: str) -> None:
    """Write one self-contained HTML page: the text with highlights beside a collapsible tree.

    SOURCE as for `show`; a JSONL batch gives one page with a trial list to pick from.
    """
    from .inspect.html import write_html

    recs = _records(source, input_format)
    if not recs:
        raise click.ClickException("no documents in the input")
    title = title or ("critparse · " + (os.path.basename(source) if source != "-" else "stdin"))
    path = write_html(recs, output, title=title)
    click.echo(path)
    if open_:
        import webbrowser

        webbrowser.open("file://" + os.path.abspath(path))


@click.command("explain")
@click.argument("text")
@click.option("--file", "is_file", is_flag=True, help="TEXT is a file name (or - for standard input).")
@click.option("--json", "as_json", is_flag=True, help="Print the steps as JSON.")
@click.option("--all-rules", is_flag=True, help="Also run helper rule kinds (units, subject names, ...).")
@click.option("--input-format", default="auto")
def explain_cmd(text: str, is_file: bool, as_json: bool, all_rules: bool, input_format: str) -> None:
    """Explain each step the parser took on TEXT: normalisation, sections and markers,
    the rules that matched (with ids) and what was not used, and the parser's diagnostics."""
    from .errors import CritparseError
    from .inspect.common import read_source
    from .inspect.explain import explain, render_explain, steps_json

    if is_file:
        text = read_source(text)
    try:
        steps = explain(text, input_format, all_rules=all_rules)
    except CritparseError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(steps_json(steps), indent=2, ensure_ascii=False))
    else:
        click.echo(render_explain(steps), nl=False)


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--examples", "-k", type=int, default=3, show_default=True, help="Examples per kind of change.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def diff_cmd(old: str, new: str, examples: int, as_json: bool) -> None:
    """Compare two batch outputs (JSONL) over the same records: which trees changed and how."""
    from .inspect.diff import diff_files, render_diff

    result = diff_files(old, new, examples)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(render_diff(result), nl=False)


COMMANDS = (show_cmd, html_cmd, explain_cmd, diff_cmd)


def register(main: click.Group) -> None:
    """Add the inspection verbs to the ``critparse`` command group (existing names are kept)."""
    for cmd in COMMANDS:
        if cmd.name not in main.commands:
            main.add_command(cmd)
