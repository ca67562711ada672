"""The ``critparse`` command line: thin verbs over library functions."""
from __future__ import annotations

import json
import os
import sys
import time

import click

from . import __version__
from .inputs import FORMATS

# Exit statuses of ``critparse parse`` (also in its --help).
EXIT_OK = 0
EXIT_RECORD_ERRORS = 1
EXIT_INPUT = 2  # usage errors (click) and input files that cannot be read
EXIT_CONFIG = 3  # a bad pattern file or configuration
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="critparse")
def main() -> None:
    """Parse clinical-trial eligibility criteria into a typed criteria tree."""


@main.command()
def schema() -> None:
    """Print the JSON Schema of the output tree."""
    from .models import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


# --------------------------------------------------------------------------- parse


class _Progress:
    """A carriage-return progress line on stderr (no thread: updated from the output loop)."""

    def __init__(self, enabled: bool, stats) -> None:
        self.enabled = enabled
        self.stats = stats
        self.t0 = time.perf_counter()
        self.last = 0.0
        self.width = 0

    def update(self, n: int, failed: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        dt = max(now - self.t0, 1e-9)
        line = f"{n:,} records  {n / dt:,.0f} rec/s"
        if failed:
            line += f"  {failed:,} failed"
        total, done = self.stats.total_bytes, self.stats.bytes_read
        if total and done:
            frac = min(done / total, 1.0)
            eta = dt * (1 - frac) / frac if frac > 0 else 0
            line += f"  {frac:6.1%}  ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        pad = max(self.width - len(line), 0)
        self.width = len(line)
        sys.stderr.write("\r" + line + " " * pad)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def _writer():
    buf = getattr(sys.stdout, "buffer", None)
    if buf is not None:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        return lambda s: buf.write(s.encode("utf-8")), buf.flush
    return sys.stdout.write, sys.stdout.flush


def _fail(exc: Exception, status: int, debug: bool) -> None:
    if debug:
        raise exc
    click.echo(f"critparse: error: {exc}", err=True)
    sys.exit(status)


@main.command("parse")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--format", "out_format", type=click.Choice(["auto", "json", "jsonl", "tree"]), default="auto",
              show_default=True, help="Output: json (pretty), jsonl (one line a record), tree (indented text).")
@click.option("--input-format", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="Force the format of the texts instead of detecting it.")
@click.option("--text-key", default="criteria", show_default=True, metavar="KEY",
              help="Field of a JSONL record holding the eligibility text.")
@click.option("--workers", "-j", type=click.IntRange(min=0), default=None, metavar="N",
              help="Parser processes (default and 0: all cores; 1 = in-process).")
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(), metavar="DIR",
              help="Extra rule file or directory (repeatable).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Records sent to a worker at a time (default 32).")
@click.option("--quiet", "-q", is_flag=True, help="No progress line and no summary on stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--example", is_flag=True,
              help="Parse the bundled example (trial NCT06307600) instead of SOURCE.")
def parse_cmd(sources, out_format, input_format, text_key, workers, pattern_dirs, chunk_size, quiet, debug,
              example):
    """Parse eligibility criteria from SOURCE(s) and print the trees.

    \b
    SOURCE: a text file (ClinicalTrials.gov v2 markdown, legacy text or plain; detected unless
    --input-format), '-' for standard input (the default), a JSONL file (one record a line, read as
    a stream), a JSON file of v2 study records (one, a list, or an API download {"studies": [...]}),
    a directory (its files, recursively) or a quoted glob ('data/**/*.md').  JSONL is streamed
    (memory stays flat); a JSON file is read whole.

    \b
    Output: one record per input record, in input order.
      jsonl  one line a record:
               {...carried fields..., "document": {<Document>}}
               {...carried fields..., "error": {"code", "message", "source", "line"}}
             carried fields = every field of the JSONL record except --text-key (e.g. nct_id);
             a text file carries {"source": path}, a study record {"nct_id", "source"}.
      json   a single text / study: the Document itself, pretty; several records: a JSON array of
             the jsonl objects, pretty.
      tree   an indented text tree (sections, groups, criteria, markers, logic, thresholds).
      auto   json for a single text or study, jsonl otherwise (the default).
    A JSONL record's own "format" field (e.g. ctgov-legacy-text) is used unless --input-format.
    Blank JSONL lines are skipped.

    \b
    Error codes in "error" lines: E201 study record without eligibility text, E204 invalid JSON,
    E206 not UTF-8, E207 no text field (or not a string), E208 file cannot be read, E210 the record
    crashed the parser process twice, E211 line is not a JSON object, E500 internal error.
    A progress line (records, records/s, ETA) is drawn on stderr when it is a terminal, and a
    summary line is printed at the end (both off with --quiet).

    \b
    Exit status: 0 all records parsed; 1 some records failed (see their "error" lines);
    2 usage error or an input file that cannot be read (missing, not UTF-8, empty directory);
    3 bad --patterns rule file; 130 interrupted.
    """
    from .batch import BatchConfig, ReadStats, default_workers, expand_sources, iter_items, parse_items
    from .errors import CritparseError, InputError

    t0 = time.perf_counter()
    if example:
        if sources:
            raise click.UsageError("--example takes no SOURCE")
        from .inputs import example_path

        sources = (str(example_path()),)
    if not sources and sys.stdin.isatty():
        raise click.UsageError("no SOURCE given and standard input is a terminal (use - to type the text)")
    try:
        paths = expand_sources(sources)
    except InputError as exc:
        _fail(exc, EXIT_INPUT, debug)

    stats = ReadStats()
    base = BatchConfig(pattern_dirs=tuple(pattern_dirs), input_format=input_format, text_key=text_key)
    items = iter_items(paths, base, stats)
    # look ahead one record to tell a single text from a batch
    head = []
    for item in items:
        head.append(item)
        if len(head) > 1:
            break
    single = len(head) == 1 and len(paths) == 1
    if single and head[0].kind == "error" and stats.file_errors:
        _fail(stats.file_errors[0], EXIT_INPUT, debug)
    single_doc = single and head[0].kind in ("text", "study", "record")
    if out_format in ("auto", "json") and single_doc:
        fmt = "document"
    elif out_format == "auto":
        fmt = "jsonl"
    else:
        fmt = out_format
    config = BatchConfig(pattern_dirs=tuple(pattern_dirs), input_format=input_format, text_key=text_key,
                         out_format=fmt)

    from itertools import chain

    n_workers = workers or default_workers()
    kwargs = {"chunk_size": chunk_size} if chunk_size else {}
    progress = _Progress(not quiet and sys.stderr.isatty() and not single, stats)
    write, flush = _writer()
    n = failed = 0
    array = fmt == "json"
    sep = ",\n" if array else ("\n\n" if fmt == "tree" else "\n")
    try:
        outputs = parse_items(chain(head, items), config, workers=n_workers, **kwargs)
        try:
            if array:
                write("[\n")
            for out in outputs:
                write((sep if n else "") + out.text)
                n += 1
                failed += not out.ok
                progress.update(n, failed)
            if array:
                write("\n]\n" if n else "]\n")
            elif n:
                write("\n")
            flush()
        finally:
            outputs.close()
    except KeyboardInterrupt:
        progress.close()
        click.echo(f"critparse: interrupted after {n:,} records", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_RECORD_ERRORS)
    except CritparseError as exc:  # PatternError / ConfigError while building the Parser
        progress.close()
        _fail(exc, EXIT_CONFIG, debug)
    progress.close()
    for err in stats.file_errors:
        click.echo(f"critparse: error: {err}", err=True)
    if not quiet and not single:
        dt = time.perf_counter() - t0
        click.echo(f"critparse: {n:,} records, {failed:,} failed, {dt:.2f} s ({n / dt if dt else 0:,.0f} records/s)",
                   err=True)
    if stats.file_errors:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_RECORD_ERRORS if failed else EXIT_OK)


# --------------------------------------------------------------------------- other verbs
# Other modules register their verbs below, e.g.:
#     from .inspect_cli import register; register(main)
# >>> verb registrations (keep this block at the end of the file) >>>
from .inspect_cli import register as _register_inspect; _register_inspect(main)  # noqa: E402,E702
# <<< verb registrations <<<
