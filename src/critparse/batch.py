"""Batch parsing at registry scale: sources -> records -> (parallel) parse -> output lines, in order.

The CLI's ``parse`` verb is a thin layer over three plain functions here:

* :func:`expand_sources` -- command-line SOURCE arguments (files, ``-``, directories, globs) to a
  list of files; raises :class:`~critparse.errors.InputError` for a missing file or an empty
  directory / glob.
* :func:`iter_items` -- stream the records of those files as small picklable *items*: a JSONL line
  is passed on raw (the worker decodes it), a text file is one record, a JSON file of v2 study
  records (one record, a list, or an API download ``{"studies": [...]}``) gives one item a study.
  Nothing reads a whole JSONL file.
* :func:`parse_items` -- parse the items, in-process or on ``workers`` processes, yielding
  :class:`Output` (``ok``, serialized ``text``) in input order, exactly one per item.

Output record shape (``jsonl``; ``json`` is the same object pretty-printed)::

    {...carried fields of the input record..., "document": {...the Document...}}
    {...carried fields of the input record..., "error": {"code", "message", "source", "line"}}

Carried fields are every field of a JSONL record except the text field (``text_key``); a
record's own keys ``document`` and ``error`` are dropped.  A text file carries ``{"source": path}``,
a study record ``{"nct_id": ..., "source": path}``.

Parallelism: chunks of items go to a ``ProcessPoolExecutor``; each worker has its Parser built
once and returns serialized strings, so the parent does no pydantic work.  On Linux, while the
parent runs a single thread, workers are forked from the parent itself after it has built and
warmed its Parser (no fork server, no resource tracker: the rules and spaCy are loaded once and
their pages shared); otherwise (another OS, or threads in the parent, where forking is unsafe)
they come from a warm ``forkserver`` where available, else ``spawn``.  The number of chunks in
flight is bounded, so memory stays flat whatever the input size.  If a worker dies (killed, out of
memory, a crash in native code) the lost chunks are re-run one at a time in a one-worker pool, split
in halves until the record that kills the worker is found; a record that kills it twice gets an
error line (code ``E210``).  The output count always equals the input count.

Testing hook: when the environment variable ``CRITPARSE_TEST_CRASH_ON`` is set to a non-empty
string, a *worker process* (never the in-process path) calls ``os._exit(1)`` on any record whose
text contains it.  It exists only so the tests can kill a worker mid-run.

Error codes of record-level failures (all ``InputError`` codes, see ``errors.py``): ``E201`` study
record without eligibility text, ``E204`` invalid JSON, ``E206`` not UTF-8, ``E207`` no text field
(or not a string), ``E208`` file cannot be read, ``E210`` the record crashed the worker, ``E212`` worker processes fail to start, ``E211`` a
JSONL line that is not a JSON object, ``E500`` an unexpected exception while parsing.
"""
from __future__ import annotations

import glob
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional, Sequence

from .errors import CritparseError, InputError
from .inputs import FORMATS, input_from_study, studies_of

CRASH_ENV = "CRITPARSE_TEST_CRASH_ON"
OUT_FORMATS = ("jsonl", "json", "tree", "document")
DEFAULT_CHUNK_SIZE = 32
_CHUNK_MAX_CHARS = 1 << 20
_RESERVED = ("document", "error")
_JSONL_EXT = (".jsonl", ".ndjson", ".jsonlines")


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class BatchConfig:
    """What every worker needs to build its Parser and format its output (picklable).

    ``out_format``: ``jsonl`` (compact line), ``json`` (the same object, pretty), ``tree`` (text tree
    with a header line), ``document`` (the pretty Document alone; used for a single text input).
    """

    pattern_dirs: tuple[str, ...] = ()
    extractors: Optional[tuple[str, ...]] = None
    input_format: str = "auto"
    text_key: str = "criteria"
    out_format: str = "jsonl"

    def make_parser(self):
        from .parser import Parser

        return Parser(self.pattern_dirs, self.extractors)


class Item(NamedTuple):
    """One record to parse.  ``kind``: ``line`` (raw JSONL line), ``record`` (decoded JSON object),
    ``study`` (v2 study dict), ``text`` (a whole text file), ``error`` (payload: (code, message))."""

    kind: str
    payload: Any
    source: Optional[str]
    line: Optional[int]


class Output(NamedTuple):
    ok: bool
    text: str


# --------------------------------------------------------------------------- sources


def _has_glob(s: str) -> bool:
    return any(c in s for c in "*?[")


def expand_sources(sources: Sequence[str]) -> list[str]:
    """SOURCE arguments to files, in order (``-`` stays ``-``).  Directories give their regular,
    non-hidden files recursively, sorted; a pattern with ``* ? [`` that names no file is a glob.
    Raises InputError (``E208`` missing, ``E209`` nothing to read) before any parsing starts."""
    out: list[str] = []
    for src in sources or ("-",):
        if src == "-":
            out.append(src)
        elif os.path.isdir(src):
            found = []
            for root, dirs, files in os.walk(src):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
            found = [f for f in found if os.path.isfile(f)]
            if not found:
                raise InputError("the directory holds no readable files", source=src, code="E209")
            out.extend(found)
        elif os.path.exists(src):
            if not os.access(src, os.R_OK):
                raise InputError("permission denied", source=src, code="E208")
            out.append(src)
        elif _has_glob(src):
            found = sorted(f for f in glob.glob(src, recursive=True) if os.path.isfile(f))
            if not found:
                raise InputError("the pattern matches no file", source=src, code="E209")
            out.extend(found)
        else:
            raise InputError("no such file or directory", source=src, code="E208")
    return out


@dataclass
class ReadStats:
    """Filled while :func:`iter_items` reads: bytes read so far, total bytes of the regular files
    (for an ETA; None when reading a stream), and whole-file errors (InputError) met."""

    bytes_read: int = 0
    total_bytes: Optional[int] = None
    file_errors: list = field(default_factory=list)


def _decode_error(exc: UnicodeDecodeError, data: bytes, base: int = 0) -> str:
    return (f"not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {base + exc.start} of the file; "
            "re-encode it as UTF-8")


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(_decode_error(exc, data), source=source, line=1 + data.count(b"\n", 0, exc.start),
                         code="E206") from None


def _sniff(path: str, first: bytes, text_key: str, input_format: str) -> str:
    """``jsonl``, ``json`` (one JSON value) or ``text`` from the file name and first non-blank line."""
    if path.lower().endswith(_JSONL_EXT):
        return "jsonl"
    head = first.lstrip(b"\xef\xbb\xbf").strip()
    forced_text = input_format not in ("auto", "json")
    if head[:1] == b"{":
        try:
            obj = json.loads(head)
        except ValueError:
            return "text" if forced_text else "json"
        if isinstance(obj, dict) and isinstance(obj.get("studies"), list) and text_key not in obj:
            return "json"
        return "jsonl"
    if head[:1] == b"[" and not forced_text:
        return "json"
    if input_format == "json":
        return "json"
    return "text"


def iter_items(paths: Sequence[str], config: BatchConfig, stats: Optional[ReadStats] = None,
               stdin=None) -> Iterator[Item]:
    """Stream the records of ``paths`` (from :func:`expand_sources`) as :class:`Item` s.

    A whole-file problem (not UTF-8, invalid JSON document, unreadable) becomes an ``error`` item
    for that file and is recorded in ``stats.file_errors``; the run goes on with the next file."""
    stats = stats if stats is not None else ReadStats()
    if all(p != "-" for p in paths):
        try:
            stats.total_bytes = sum(os.path.getsize(p) for p in paths)
        except OSError:
            stats.total_bytes = None
    for path in paths:
        label = "<stdin>" if path == "-" else path
        try:
            if path == "-":
                stream = stdin if stdin is not None else sys.stdin.buffer
                yield from _iter_stream(stream, label, config, stats)
            else:
                with open(path, "rb") as fh:
                    yield from _iter_stream(fh, label, config, stats)
        except InputError as exc:
            stats.file_errors.append(exc)
            yield Item("error", (exc.code, exc.message), label, exc.line)
        except OSError as exc:
            err = InputError(f"cannot read: {exc.strerror or exc}", source=label, code="E208")
            stats.file_errors.append(err)
            yield Item("error", (err.code, err.message), label, None)


def _iter_stream(fh, label: str, config: BatchConfig, stats: ReadStats) -> Iterator[Item]:
    pre: list[bytes] = []
    first = b""
    for raw in fh:
        pre.append(raw)
        if raw.strip():
            first = raw
            break
    kind = _sniff(label, first, config.text_key, config.input_format)
    if kind == "jsonl":
        yield from _iter_jsonl(pre, fh, label, stats)
        return
    data = b"".join(pre) + fh.read()
    stats.bytes_read += len(data)
    text = _decode(data, label)
    if text.startswith("\ufeff"):
        text = text[1:]
    if kind == "text":
        yield Item("text", text, label, None)
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if config.input_format == "auto" and not label.lower().endswith(".json"):
            yield Item("text", text, label, None)  # text that merely starts with { or [
            return
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", source=label, line=exc.lineno,
                         code="E204") from None
    if isinstance(obj, dict) and config.text_key in obj and "studies" not in obj:
        yield Item("record", obj, label, None)
        return
    studies = studies_of(obj)
    if not studies:
        raise InputError("the JSON holds no study records", source=label, code="E202")
    for st in studies:
        yield Item("study", st, label, None)


def _iter_jsonl(pre: list[bytes], fh, label: str, stats: ReadStats) -> Iterator[Item]:
    lineno = 0
    offset = 0

    def lines():
        yield from pre
        yield from fh

    for raw in lines():
        lineno += 1
        base = offset
        offset += len(raw)
        stats.bytes_read += len(raw)
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            s = raw.decode("utf-8").rstrip("\r\n")  # JSON errors then point into the line itself
        except UnicodeDecodeError as exc:
            yield Item("error", ("E206", _decode_error(exc, raw, base)), label, lineno)
            continue
        yield Item("line", s, label, lineno)


# --------------------------------------------------------------------------- per-record work


class RecordProcessor:
    """Turns items into output strings with one Parser (built once; one per worker process)."""

    def __init__(self, config: BatchConfig, crash_on: Optional[str] = None, parser=None) -> None:
        self.config = config
        self.parser = parser if parser is not None else config.make_parser()
        self.crash_on = crash_on or None

    # -- public
    def process(self, item: Item) -> Output:
        carried: dict = {}
        try:
            kind, payload, source, line = item
            if kind == "line":
                try:
                    obj = json.loads(payload)
                except json.JSONDecodeError as exc:
                    return self._error(carried, "E204", f"invalid JSON: {exc.msg} (column {exc.colno})",
                                       source, line)
                if not isinstance(obj, dict):
                    return self._error(carried, "E211", "the line is not a JSON object", source, line)
                return self._record(obj, source, line)
            if kind == "record":
                return self._record(payload, source, line)
            if kind == "study":
                carried = {"nct_id": None, "source": source}
                try:
                    inp = input_from_study(payload)
                except InputError as exc:
                    ident = (payload.get("protocolSection") or {}).get("identificationModule") or {}
                    carried["nct_id"] = ident.get("nctId")
                    return self._error(carried, exc.code, exc.message, source, line)
                carried["nct_id"] = inp.fields.nct_id if inp.fields else None
                self._maybe_crash(inp.text)
                return self._ok(carried, self.parser.parse_input(inp))
            if kind == "text":
                carried = {"source": source}
                self._maybe_crash(payload)
                return self._ok(carried, self.parser.parse(payload, self.config.input_format))
            if kind == "error":
                code, message = payload
                return self._error(carried, code, message, source, line)
            raise ValueError(f"unknown item kind {kind!r}")
        except CritparseError as exc:
            return self._error(carried, exc.code, exc.message, item[2], item[3])
        except Exception as exc:  # one bad record never sinks the batch
            return self._error(carried, "E500", f"internal error: {type(exc).__name__}: {exc}", item[2], item[3])

    # -- helpers
    def _record(self, obj: dict, source, line) -> Output:
        key = self.config.text_key
        carried = _carried(obj, key)
        text = obj.get(key)
        if text is None and key not in obj and ("protocolSection" in obj or "eligibilityCriteria" in obj):
            return self.process(Item("study", obj, source, line))
        if key not in obj:
            return self._error(carried, "E207", f"the record has no {key!r} field", source, line)
        if not isinstance(text, str):
            return self._error(carried, "E207", f"the record's {key!r} field is {type(text).__name__}, not text",
                               source, line)
        fmt = self.config.input_format
        if fmt == "auto":
            declared = obj.get("format")
            if isinstance(declared, str) and declared in FORMATS:
                fmt = declared
        self._maybe_crash(text)
        try:
            return self._ok(carried, self.parser.parse(text, fmt))
        except CritparseError as exc:
            return self._error(carried, exc.code, exc.message, source, line)
        except Exception as exc:
            return self._error(carried, "E500", f"internal error: {type(exc).__name__}: {exc}", source, line)

    def _maybe_crash(self, text: str) -> None:
        if self.crash_on and self.crash_on in text:
            os._exit(1)

    def _ok(self, carried: dict, doc) -> Output:
        fmt = self.config.out_format
        if fmt == "jsonl":
            body = doc.model_dump_json()
            if not carried:
                return Output(True, '{"document":' + body + "}")
            head = json.dumps(carried, ensure_ascii=False, separators=(",", ":"))
            return Output(True, head[:-1] + ',"document":' + body + "}")
        if fmt == "document":
            return Output(True, doc.model_dump_json(indent=2))
        if fmt == "json":
            return Output(True, json.dumps({**carried, "document": doc.model_dump(mode="json")},
                                           ensure_ascii=False, indent=2))
        from .treeprint import format_tree

        return Output(True, _tree_header(carried) + format_tree(doc))

    def _error(self, carried: dict, code: str, message: str, source, line) -> Output:
        err = {"code": code, "message": message, "source": source, "line": line}
        fmt = self.config.out_format
        if fmt == "jsonl":
            return Output(False, json.dumps({**carried, "error": err}, ensure_ascii=False, separators=(",", ":")))
        if fmt in ("json", "document"):
            return Output(False, json.dumps({**carried, "error": err}, ensure_ascii=False, indent=2))
        where = ":".join(str(p) for p in (source, line) if p is not None)
        return Output(False, _tree_header(carried) + f"error {code}: {message}" + (f" ({where})" if where else ""))


def _carried(obj: dict, text_key: str) -> dict:
    return {k: v for k, v in obj.items() if k != text_key and k not in _RESERVED}


def _tree_header(carried: dict) -> str:
    ident = carried.get("nct_id") or carried.get("id") or carried.get("source")
    return f"== {ident} ==\n" if ident else ""


def crash_output(config: BatchConfig, item: Item) -> Output:
    """The output of a record that killed the worker twice (no Parser needed)."""
    proc = RecordProcessor.__new__(RecordProcessor)
    proc.config = config
    carried: dict = {}
    obj = item.payload
    if item.kind == "line":
        try:
            obj = json.loads(item.payload)
        except ValueError:
            obj = None
    if item.kind in ("line", "record") and isinstance(obj, dict):
        carried = _carried(obj, config.text_key)
    elif item.kind == "study" and isinstance(obj, dict):
        ident = (obj.get("protocolSection") or {}).get("identificationModule") or {}
        carried = {"nct_id": ident.get("nctId"), "source": item.source}
    elif item.kind == "text":
        carried = {"source": item.source}
    return proc._error(carried, "E210", "the parser process crashed on this record (twice); record skipped",
                       item.source, item.line)


# worker-process state ---------------------------------------------------------------


_WORKER: Any = None


def _quiet_interrupts() -> None:
    """Ctrl-C is the parent's to handle (it stops the pool); workers just stop with it."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        pass


# what a worker forked from this process finds already built: the parent's warm RecordProcessor
# (CLI) or Parser (``Parser.pipe``), set while a forking pool map runs
_INHERITED: Any = None


def _init_record_worker(config: BatchConfig, crash_on: Optional[str]) -> None:
    global _WORKER
    _quiet_interrupts()
    inh = _INHERITED
    parser = inh.parser if isinstance(inh, RecordProcessor) and inh.config == config else None
    _WORKER = RecordProcessor(config, crash_on, parser)


def _run_record_chunk(chunk: list) -> list:
    proc = _WORKER
    out = [proc.process(it) for it in chunk]
    _trim()
    return out


_LIBC: Any = None


def _trim() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    A chunk's documents are large strings, allocated and freed by the C allocator; what is freed stays
    in the process (and in every worker later forked from it) unless trimmed (peak RSS of a 2-worker
    run over the 4x registry corpus: +3.6% over 1x untrimmed, +2.0% trimmed; benchmarks/bench_registry.py)."""
    global _LIBC
    if _LIBC is None:
        _LIBC = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL("libc.so.6")
                libc.malloc_trim.argtypes = [ctypes.c_size_t]
                _LIBC = libc
            except (OSError, AttributeError):
                pass
    if _LIBC:
        _LIBC.malloc_trim(0)


def _init_pipe_worker(pattern_dirs, extractors, crash_on: Optional[str]) -> None:
    global _WORKER
    from .parser import Parser

    _quiet_interrupts()
    inh = _INHERITED
    if not (isinstance(inh, Parser) and tuple(inh.pattern_dirs) == tuple(pattern_dirs)
            and tuple(inh.extractors) == tuple(extractors)):
        inh = Parser(pattern_dirs, extractors)
    _WORKER = (inh, crash_on or None)


def _run_pipe_chunk(texts: list) -> list:
    out = _pipe_chunk(*_WORKER, texts)
    _trim()
    return out


def _pipe_chunk(parser, crash_on: Optional[str], texts: list) -> list:
    out = []
    for t in texts:
        if crash_on and isinstance(t, str) and crash_on in t:
            os._exit(1)
        try:
            out.append((True, parser.parse(t).model_dump_json()))
        except CritparseError as exc:
            out.append((False, (type(exc).__name__, exc.message, exc.code, exc.context)))
        except Exception as exc:
            out.append((False, ("CritparseError", f"internal error: {type(exc).__name__}: {exc}", "E500", {})))
    return out


# --------------------------------------------------------------------------- ordered parallel map


_WARM_ENV = "_CRITPARSE_FORKSERVER_WARM"


def _mp_context():
    """``forkserver`` where available (safe with threads, cheap restarts), else ``spawn``.

    The fork server is started here with critparse imported and the default rules compiled, so every
    worker (and every replacement after a crash) forks from it ready to parse."""
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        ctx.set_forkserver_preload(["critparse.batch"])
        os.environ[_WARM_ENV] = "1"  # read by this module when the fork server imports it
        try:
            forkserver.ensure_running()
        finally:
            os.environ.pop(_WARM_ENV, None)
    return ctx


_WARM_TEXT = ("Inclusion Criteria:\n\n* Age >= 18 years\n* Alanine aminotransferase (ALT) <= 3 x upper limit of "
              "normal (ULN) within 4 weeks\n\nExclusion Criteria:\n\n* Pregnancy\n")


def _warm_fork_server() -> None:
    """In the fork server: compile the default rules and run one parse, so that what the parse
    loads lazily (rules, spaCy for abbreviations) is loaded once and shared by every worker."""
    os.environ.pop(_WARM_ENV, None)
    try:
        from .parser import Parser

        _warm(Parser())
    except Exception:  # a worker will report it when it builds its own Parser
        pass


def _can_fork() -> bool:
    """Whether workers may be forked from this process: Linux (macOS's system libraries are not
    fork-safe), and no other thread running (a lock another thread holds at the fork stays held
    in the child for ever)."""
    import multiprocessing as mp
    import threading

    return (sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()
            and threading.active_count() == 1)


def _warm(parser) -> None:
    """One parse with ``parser`` (loading what a parse loads lazily: spaCy for abbreviations), then
    :func:`_tidy`, before workers are forked from this process."""
    try:
        parser.parse(_WARM_TEXT)
    finally:
        _tidy()


def _tidy() -> None:
    """Free what need not be copied into forked workers."""
    # the regex module keeps its own cache of what it compiled (~7 MB of Python objects for the
    # rules): the rules hold their compiled patterns, so the cache only costs memory (PSS of a
    # 2-worker run over the registry corpus: 253 -> 250 MB)
    import gc

    import regex

    regex.purge()
    gc.collect()


def _chunked(items: Iterable, size: int, max_chars: int = _CHUNK_MAX_CHARS) -> Iterator[list]:
    chunk: list = []
    chars = 0
    for it in items:
        chunk.append(it)
        p = it.payload if isinstance(it, Item) else it
        chars += len(p) if isinstance(p, str) else 1000
        if len(chunk) >= size or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def ordered_pool_map(chunks: Iterable[list], fn: Callable[[list], list], *, workers: int,
                     initializer: Callable, initargs: tuple, on_crash: Callable[[Any], Any],
                     local: Optional[Callable[[list], list]] = None,
                     max_inflight: Optional[int] = None, recycle_after: int = 256,
                     inherit: Optional[Callable[[], Any]] = None) -> Iterator[list]:
    """Run ``fn`` on each chunk on ``workers`` processes and yield the result lists in chunk order.

    At most ``max_inflight`` chunks (default ``3 * workers``) are submitted and not yet yielded.
    When a worker dies, the chunks it took down are re-run one at a time in a one-worker pool, split
    in halves until a single item that kills the worker twice is found; ``on_crash(item)`` gives
    that item's result.  If worker processes cannot even start (a broken ``__main__`` module, no
    resources), the rest runs in-process with ``local(chunk)`` after a RuntimeWarning (without
    ``local``: CritparseError ``E212``).  Closing the generator early shuts the pools down.

    Every ``recycle_after`` chunks the pool is drained and replaced by fresh workers (forked: cheap),
    so whatever a long run leaves in a worker's memory (caches, a growing vocabulary,
    fragmentation) cannot grow with the input.

    ``inherit``: builds (once) and returns what the workers' ``initializer`` may take over from this
    process when they are forked from it (a warm RecordProcessor or Parser, see :func:`_can_fork`);
    each pool is forked from this process when that is safe at the time (one thread), else from
    the warm fork server.  Without ``inherit``, always the fork server.
    """
    from collections import deque

    global _INHERITED
    max_inflight = max_inflight or 3 * workers
    it = iter(chunks)
    pending: deque = deque()
    solo: list = [None]

    def new_pool(n: int) -> ProcessPoolExecutor:
        global _INHERITED
        if inherit is not None and _can_fork():
            import multiprocessing as mp

            if _INHERITED is None:
                _INHERITED = inherit()
            _trim()  # (what this process freed since is not copied into the new workers)
            ctx = mp.get_context("fork")
        else:
            ctx = _mp_context()
        return ProcessPoolExecutor(n, mp_context=ctx, initializer=initializer, initargs=initargs)

    pool = new_pool(workers)

    def run_solo(chunk):
        for _ in range(2):
            if solo[0] is None:
                solo[0] = new_pool(1)
            try:
                return solo[0].submit(fn, chunk).result()
            except BrokenProcessPool:
                solo[0].shutdown(wait=True)
                solo[0] = None
                if len(chunk) > 1:
                    break
        return None

    def isolate(chunk):
        res = run_solo(chunk)
        if res is not None:
            return res
        if len(chunk) == 1:
            return [on_crash(chunk[0])]
        mid = len(chunk) // 2
        return isolate(chunk[:mid]) + isolate(chunk[mid:])

    exhausted = False
    used = 0  # chunks submitted to the current pool
    try:
        while True:
            while not exhausted and len(pending) < max_inflight and used < recycle_after:
                try:
                    chunk = next(it)
                except StopIteration:
                    exhausted = True
                    break
                used += 1
                try:
                    pending.append((chunk, pool.submit(fn, chunk)))
                except BrokenProcessPool:
                    pending.append((chunk, None))
            if not pending:
                if exhausted:
                    return
                pool.shutdown(wait=True)  # drained: replace the workers
                pool = new_pool(workers)
                used = 0
                continue
            chunk, fut = pending[0]
            try:
                if fut is None:
                    raise BrokenProcessPool("pool broken")
                res = fut.result()
            except BrokenProcessPool:
                # the pool is gone: keep what finished, re-run the rest in isolation, in order
                lost = list(pending)
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                if run_solo([]) is None:  # workers die before doing anything: not a record's fault
                    if local is None:
                        raise CritparseError("parser worker processes fail to start", code="E212")
                    import warnings

                    warnings.warn("critparse: parser worker processes fail to start; parsing in-process",
                                  RuntimeWarning, stacklevel=2)
                    for ch, f in lost:
                        ok = f is not None and f.done() and not f.cancelled() and f.exception() is None
                        yield f.result() if ok else local(ch)
                    for ch in it:
                        yield local(ch)
                    return
                for ch, f in lost:
                    if f is not None and f.done() and not f.cancelled() and f.exception() is None:
                        yield f.result()
                    else:
                        yield isolate(ch)
                if solo[0] is not None:  # (its manager thread must not run while the new pool forks)
                    solo[0].shutdown(wait=True)
                    solo[0] = None
                pool = new_pool(workers)
                used = 0
                continue
            pending.popleft()
            yield res
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if solo[0] is not None:
            solo[0].shutdown(wait=True)
        _INHERITED = None


# --------------------------------------------------------------------------- public entry points


def default_workers() -> int:
    return os.cpu_count() or 1


def parse_items(items: Iterable[Item], config: BatchConfig, workers: Optional[int] = None,
                chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[Output]:
    """Parse items, yielding exactly one :class:`Output` per item, in order.

    ``workers`` (default all cores): 1 parses in-process; more uses a process pool -- but an input
    that fits in one chunk is parsed in-process anyway (a pool would only add start-up time).
    The Parser is built here first, so a bad pattern file raises before any work starts."""
    workers = default_workers() if not workers or workers < 1 else workers
    it = iter(items)
    head: list = []
    if workers > 1:
        for item in it:
            head.append(item)
            if len(head) > chunk_size:
                break
    parallel = workers > 1 and len(head) > chunk_size
    if not parallel:
        local = RecordProcessor(config)  # validates the configuration (PatternError / ConfigError)
        for item in head:
            yield local.process(item)
        for item in it:
            yield local.process(item)
        return
    # In parallel the workers parse.  Where they are forked from this process (see _can_fork), it
    # builds and warms the Parser they take over.  Otherwise it builds a Parser of its own only to
    # validate a configuration that could be wrong (extra pattern directories, chosen extractors)
    # before any work starts, or later for the in-process fallback -- the default rules are known
    # good, and their compiled form would only add to this process's memory (~16 MB) and start-up.
    holder: list = []

    def local_processor() -> RecordProcessor:
        if not holder:
            holder.append(RecordProcessor(config))
        return holder[0]

    def inherit() -> RecordProcessor:  # for workers forked from this process
        proc = local_processor()
        try:
            _warm(proc.parser)
        except Exception:  # the record that fails the same way will say so
            pass
        return proc

    if (config.pattern_dirs or config.extractors is not None) and not _can_fork():
        # start (and warm) the fork server while this process builds its Parser: both compile the
        # rules (~1 s each), on two cores at once instead of one after the other
        import threading

        warming = threading.Thread(target=_mp_context, name="critparse-forkserver", daemon=True)
        warming.start()
        try:
            local_processor()
        finally:
            warming.join()
    from itertools import chain

    crash_on = os.environ.get(CRASH_ENV) or None
    results = ordered_pool_map(_chunked(chain(head, it), chunk_size), _run_record_chunk, workers=workers,
                               initializer=_init_record_worker, initargs=(config, crash_on),
                               on_crash=lambda item: crash_output(config, item),
                               local=lambda chunk: [local_processor().process(x) for x in chunk],
                               inherit=inherit)
    try:
        for res in results:
            yield from res
    finally:
        results.close()


def parse_records(records: Iterable[dict], config: BatchConfig = BatchConfig(), workers: Optional[int] = None,
                  chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[Output]:
    """Parse JSON records (dicts with ``config.text_key``) -- the library form of the JSONL batch."""
    return parse_items((Item("record", r, None, i) for i, r in enumerate(records, 1)), config, workers, chunk_size)


def _rebuild_error(info) -> CritparseError:
    from . import errors

    name, message, code, context = info
    cls = getattr(errors, name, CritparseError)
    if not (isinstance(cls, type) and issubclass(cls, CritparseError)):
        cls = CritparseError
    exc = cls.__new__(cls)
    Exception.__init__(exc, f"[{code}] {message}")
    exc.code, exc.message, exc.context = code, message, dict(context)
    for k, v in context.items():
        setattr(exc, k, v)
    return exc


def _inherit_parser(parser):
    try:
        _warm(parser)
    except Exception:
        pass
    return parser


def parallel_map_documents(parser, texts: Iterable[str], n_process: int = 2,
                           batch_size: int = 64) -> Iterator:
    """``Parser.pipe`` on ``n_process`` processes: documents in input order.

    Each worker builds a Parser with ``parser``'s pattern dirs and extractors.  An exception the
    in-process ``parse`` would raise (e.g. InputError on a JSON text) is raised here at that text's
    place; a text that kills the worker twice raises CritparseError ``E210``."""
    from .models import Document

    if n_process is None or n_process < 1:
        n_process = default_workers()
    crash_on = os.environ.get(CRASH_ENV) or None

    def crashed(_text):
        return (False, ("CritparseError", "the parser process crashed on this text (twice)", "E210", {}))

    results = ordered_pool_map(_chunked(texts, max(1, batch_size)), _run_pipe_chunk, workers=n_process,
                               initializer=_init_pipe_worker,
                               initargs=(tuple(parser.pattern_dirs), tuple(parser.extractors), crash_on),
                               on_crash=crashed, local=lambda chunk: _pipe_chunk(parser, None, chunk),
                               inherit=lambda: _inherit_parser(parser))
    try:
        for chunk in results:
            for ok, payload in chunk:
                if ok:
                    yield Document.model_validate_json(payload)
                else:
                    raise _rebuild_error(payload)
    finally:
        results.close()


if os.environ.get(_WARM_ENV) == "1":
    _warm_fork_server()


__all__ = ["BatchConfig", "Item", "Output", "ReadStats", "expand_sources", "iter_items", "parse_items",
           "parse_records", "parallel_map_documents", "ordered_pool_map", "crash_output", "default_workers",
           "CRASH_ENV", "OUT_FORMATS"]
