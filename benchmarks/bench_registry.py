#!/usr/bin/env python
"""Registry-scale figures for critparse's batch machinery (a script that prints figures, not a test).

    python benchmarks/bench_registry.py                 # full corpus, all figures (~5 min on 2 cores)
    python benchmarks/bench_registry.py --limit 500     # a quick run on the first 500 trials
    python benchmarks/bench_registry.py --scales 1,4 --no-tokenizer

Corpus: ``../shared/corpus/registry.jsonl`` relative to the repository root (6,174 trials, one JSON
record a line with ``nct_id``, ``format``, ``criteria``); skipped with a message when absent.

Prints, on the same texts:
  * time to first parse in a fresh process (interpreter start + ``import critparse`` + one parse);
  * spaCy's blank English tokenizer alone (``spacy.blank("en").tokenizer`` on each text): trials/s, MB/s;
  * ``Parser.parse`` in-process on each text (the parse itself, no batch machinery);
  * ``critparse parse FILE.jsonl`` as a subprocess with ``--workers 1`` and ``--workers N`` (all cores):
    wall time, trials/s, MB/s, peak RSS of the process tree (sum of VmRSS over the CLI process and
    its descendants, sampled every 50 ms; shared pages count once per process, so an upper bound)
    and the largest single process (its VmHWM from /proc, an exact peak);
  * ratios: critparse / tokenizer, N workers / 1 worker, CLI / in-process (the batch overhead);
  * scaling: the corpus repeated 1x, 4x, 16x into a temp JSONL, ``--workers 2``: time and peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / ".." / "shared" / "corpus" / "registry.jsonl"


# --------------------------------------------------------------------------- measuring helpers


def _children_of() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _mem_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB: its resident set now and its peak since exec."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def _tree_mem_kb(root: int) -> tuple[int, int]:
    """Sum of VmRSS over ``root`` and its descendants, and the largest VmHWM among them."""
    kids = _children_of()
    total = largest = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        rss, hwm = _mem_kb(pid)
        total += rss
        largest = max(largest, hwm)
        stack.extend(kids.get(pid, ()))
    return total, largest


def run_measured(cmd: list[str], stdout=subprocess.DEVNULL) -> dict:
    """Run ``cmd``: wall seconds, peak RSS of its process tree (sum over the processes, sampled every
    50 ms) and the largest single process (its VmHWM, an exact peak)."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=errf, cwd=ROOT)
        peak = [0, 0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                total, largest = _tree_mem_kb(proc.pid)
                peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)
                stop.wait(0.05)

        th = threading.Thread(target=sample, daemon=True)
        if os.path.isdir("/proc"):
            th.start()
        proc.wait()
        wall = time.perf_counter() - t0
        stop.set()
        if th.is_alive():
            th.join()
        errf.seek(0)
        err = errf.read().decode(errors="replace").strip()
    if proc.returncode not in (0, 1):
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return {"wall": wall, "tree_rss_mb": peak[0] / 1024, "max_proc_rss_mb": peak[1] / 1024, "stderr": err}


def fmt_rate(n: int, nbytes: int, secs: float) -> str:
    return f"{n / secs:8.1f} trials/s  {nbytes / secs / 1e6:6.2f} MB/s  ({secs:.2f} s)"


# --------------------------------------------------------------------------- benchmark parts


def time_to_first_parse(text: str) -> tuple[float, float]:
    code = ("import time; t0 = time.perf_counter(); import critparse, sys; "
            "critparse.parse(sys.stdin.read()); print(time.perf_counter() - t0)")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], input=text.encode(), capture_output=True, cwd=ROOT,
                         check=True)
    return time.perf_counter() - t0, float(out.stdout.decode().strip())


def tokenizer_seconds(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    tok = nlp.tokenizer
    tok(texts[0])
    t0 = time.perf_counter()
    for t in texts:
        tok(t)
    return time.perf_counter() - t0


def inprocess_seconds(records: list[dict]) -> float:
    from critparse import Parser

    parser = Parser()
    parser.parse(records[0]["criteria"])
    t0 = time.perf_counter()
    for r in records:
        parser.parse(r["criteria"], r.get("format") or "auto")
    return time.perf_counter() - t0


def cli(path: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "critparse", "parse", str(path), "--workers", str(workers), "--quiet"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="only the first N trials")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the 'all cores' figure")
    ap.add_argument("--scales", default="1,4,16", help="corpus repetitions for the scaling line")
    ap.add_argument("--scale-workers", type=int, default=2)
    ap.add_argument("--no-tokenizer", action="store_true")
    ap.add_argument("--no-scaling", action="store_true")
    args = ap.parse_args()

    corpus = args.corpus.resolve()
    if not corpus.exists():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared, outside the repository)")
        return
    lines = []
    with open(corpus, "rb") as fh:
        for raw in fh:
            if raw.strip():
                lines.append(raw)
                if args.limit and len(lines) >= args.limit:
                    break
    records = [json.loads(x) for x in lines]
    texts = [r["criteria"] for r in records]
    n = len(records)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    print(f"corpus: {corpus} -- {n:,} trials, {nbytes / 1e6:.2f} MB of criteria text; "
          f"{os.cpu_count()} cores; python {sys.version.split()[0]}")

    tmpdir = Path(tempfile.mkdtemp(prefix="critparse-bench-"))
    try:
        base = tmpdir / "x1.jsonl"
        base.write_bytes(b"".join(x if x.endswith(b"\n") else x + b"\n" for x in lines))

        wall, inner = time_to_first_parse(texts[0])
        print(f"time to first parse (fresh process): {wall:.3f} s wall (import + parse inside: {inner:.3f} s)")

        tok = None
        if not args.no_tokenizer:
            tok = tokenizer_seconds(texts)
            print(f"spaCy blank('en') tokenizer alone:   {fmt_rate(n, nbytes, tok)}")
        inproc = inprocess_seconds(records)
        print(f"Parser.parse in-process:            {fmt_rate(n, nbytes, inproc)}")

        r1 = run_measured(cli(base, 1))
        print(f"CLI --workers 1:                    {fmt_rate(n, nbytes, r1['wall'])}  "
              f"peak RSS tree {r1['tree_rss_mb']:.0f} MB, largest process {r1['max_proc_rss_mb']:.0f} MB")
        rn = run_measured(cli(base, args.workers))
        print(f"CLI --workers {args.workers}:                    {fmt_rate(n, nbytes, rn['wall'])}  "
              f"peak RSS tree {rn['tree_rss_mb']:.0f} MB, largest process {rn['max_proc_rss_mb']:.0f} MB")

        print("ratios:")
        if tok:
            print(f"  critparse / tokenizer throughput: in-process {tok / inproc:.2f}x, "
                  f"CLI --workers 1 {tok / r1['wall']:.2f}x (bar >= 0.5x)")
        print(f"  --workers {args.workers} / --workers 1: {r1['wall'] / rn['wall']:.2f}x (bar >= 1.7x)")
        print(f"  batch overhead, CLI --workers 1 vs in-process parse: {r1['wall'] - inproc:+.2f} s "
              f"({(r1['wall'] / inproc - 1) * 100:+.1f}%, includes interpreter start-up)")

        if not args.no_scaling:
            scales = [int(s) for s in args.scales.split(",") if s.strip()]
            print(f"scaling (CLI --workers {args.scale_workers}, corpus repeated):")
            first = None
            for k in scales:
                path = tmpdir / f"x{k}.jsonl"
                if k != 1:
                    data = base.read_bytes()
                    with open(path, "wb") as fh:
                        for _ in range(k):
                            fh.write(data)
                r = run_measured(cli(path, args.scale_workers))
                first = first or (k, r)
                k0, r0 = first
                print(f"  {k:3d}x {n * k:9,} trials {nbytes * k / 1e6:8.1f} MB: {r['wall']:8.2f} s "
                      f"({r['wall'] / r0['wall'] / (k / k0):.2f}x of linear)  peak RSS tree "
                      f"{r['tree_rss_mb']:.0f} MB ({(r['tree_rss_mb'] / r0['tree_rss_mb'] - 1) * 100:+.1f}% vs "
                      f"{k0}x), largest process {r['max_proc_rss_mb']:.0f} MB")
                if k != 1:
                    path.unlink()
    finally:
        for p in tmpdir.iterdir():
            p.unlink()
        tmpdir.rmdir()


if __name__ == "__main__":
    main()
