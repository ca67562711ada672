"""The ``critparse`` command line: thin verbs over library functions."""
from __future__ import annotations

import json
import sys

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="critparse")
def main() -> None:
    """Parse clinical-trial eligibility criteria into a typed criteria tree."""


@main.command()
def schema() -> None:
    """Print the JSON Schema of the output tree."""
    from .models import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@main.command("parse")
@click.argument("source", default="-")
@click.option("--format", "out_format", type=click.Choice(["json", "jsonl", "tree"]), default="json")
@click.option("--input-format", default="auto")
def parse_cmd(source: str, out_format: str, input_format: str) -> None:
    """Parse FILE (or - for standard input) and print its tree."""
    from .parser import parse

    raw = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    doc = parse(raw, input_format)
    if out_format == "jsonl":
        click.echo(doc.model_dump_json())
    else:
        click.echo(doc.model_dump_json(indent=2))
