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


def _mem_kb(pid: int) -> tuple[int, int, int]:
    """(VmRSS, VmHWM, Pss) of a process in kB: resident set now, its peak since exec, and its
    proportional share (pages shared with other processes split between them)."""
    rss = hwm = pss = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
    except OSError:
        pass
    return rss, hwm, pss


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return 0
    fields = stat[stat.rindex(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _tree_mem_kb(root: int, cpu: dict) -> tuple[int, int, int]:
    """Over ``root`` and its descendants: sum of VmRSS, largest VmHWM, sum of Pss; records each
    process's CPU ticks in ``cpu`` (pid -> ticks, the last seen)."""
    kids = _children_of()
    total = largest = pss_total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        rss, hwm, pss = _mem_kb(pid)
        total += rss
        pss_total += pss
        largest = max(largest, hwm)
        cpu[pid] = max(cpu.get(pid, 0), _cpu_ticks(pid))
        stack.extend(kids.get(pid, ()))
    return total, largest, pss_total


def run_measured(cmd: list[str], stdout=subprocess.DEVNULL) -> dict:
    """Run ``cmd``: wall seconds, CPU seconds of the process tree (``wait4``), peak RSS of the tree
    (sum over the processes, sampled every 50 ms) and the largest single process (its VmHWM)."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=errf, cwd=ROOT)
        peak = [0, 0, 0]
        ticks: dict = {}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                for i, v in enumerate(_tree_mem_kb(proc.pid, ticks)):
                    peak[i] = max(peak[i], v)
                stop.wait(0.05)

        th = threading.Thread(target=sample, daemon=True)
        if os.path.isdir("/proc"):
            th.start()
        while True:
            try:
                _, status, usage = os.wait4(proc.pid, 0)
                break
            except InterruptedError:
                continue
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        if th.is_alive():
            th.join()
        errf.seek(0)
        err = errf.read().decode(errors="replace").strip()
    if proc.returncode not in (0, 1):
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "tree_cpu": sum(ticks.values()) / hz,
            "tree_rss_mb": peak[0] / 1024,
            "max_proc_rss_mb": peak[1] / 1024, "tree_pss_mb": peak[2] / 1024, "stderr": err}


def mem(r: dict) -> str:
    return (f"peak RSS tree {r['tree_rss_mb']:.0f} MB (PSS {r['tree_pss_mb']:.0f} MB), "
            f"largest process {r['max_proc_rss_mb']:.0f} MB")


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


def inprocess_seconds(records: list[dict]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``Parser.parse`` on each record, in this process."""
    from critparse import Parser

    parser = Parser()
    parser.parse(records[0]["criteria"])
    t0, c0 = time.perf_counter(), time.process_time()
    for r in records:
        parser.parse(r["criteria"], r.get("format") or "auto")
    return time.perf_counter() - t0, time.process_time() - c0


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
        inproc, inproc_cpu = inprocess_seconds(records)
        print(f"Parser.parse in-process:            {fmt_rate(n, nbytes, inproc)}  cpu {inproc_cpu:.2f} s")

        r1 = run_measured(cli(base, 1))
        print(f"CLI --workers 1:                    {fmt_rate(n, nbytes, r1['wall'])}  cpu {r1['cpu']:.2f} s  "
              f"{mem(r1)}")
        rn = run_measured(cli(base, args.workers))
        print(f"CLI --workers {args.workers}:                    {fmt_rate(n, nbytes, rn['wall'])}  "
              f"cpu (sampled over the tree) {rn['tree_cpu']:.2f} s  {mem(rn)}")
        one = tmpdir / "one.jsonl"
        one.write_bytes(lines[0] if lines[0].endswith(b"\n") else lines[0] + b"\n")
        startup = run_measured(cli(one, 1))

        print("ratios:")
        if tok:
            print(f"  critparse / tokenizer throughput: in-process {tok / inproc:.2f}x, "
                  f"CLI --workers 1 {tok / r1['wall']:.2f}x, CLI --workers {args.workers} {tok / rn['wall']:.2f}x "
                  f"(bar: single process >= 0.5x)")
        print(f"  --workers {args.workers} / --workers 1: {r1['wall'] / rn['wall']:.2f}x wall (bar >= 1.7x); "
              f"CPU spent {rn['tree_cpu'] / r1['cpu']:.2f}x the single process's, so on {args.workers} idle cores at most "
              f"about {min(args.workers, os.cpu_count() or 1) * r1['cpu'] / max(rn['tree_cpu'], 1e-9):.2f}x")
        print(f"  batch overhead of CLI --workers 1 over the in-process parse: wall {r1['wall'] - inproc:+.2f} s, "
              f"cpu {r1['cpu'] - inproc_cpu:+.2f} s ({(r1['cpu'] / inproc_cpu - 1) * 100:+.1f}%); start-up "
              f"(the CLI on a one-record file) {startup['wall']:.2f} s wall, {startup['cpu']:.2f} s cpu; "
              f"per record after start-up {(r1['cpu'] - startup['cpu'] - inproc_cpu) / n * 1e3:+.2f} ms cpu")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"  (1-minute load average now {load:.2f} on {os.cpu_count()} cores: other work on the machine "
              f"skews wall-clock figures; cpu figures are less affected)")

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
                      f"{k0}x; PSS {r['tree_pss_mb']:.0f} MB), largest process {r['max_proc_rss_mb']:.0f} MB")
                if k != 1:
                    path.unlink()
    finally:
        for p in tmpdir.iterdir():
            p.unlink()
        tmpdir.rmdir()


if __name__ == "__main__":
    main()
