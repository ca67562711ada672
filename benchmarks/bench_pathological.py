"""Pathological inputs, doubled: parse time must grow linearly (ratio per doubling <= 2.5).

    python benchmarks/bench_pathological.py               # all cases, default sizes
    python benchmarks/bench_pathological.py --quick       # smaller sizes (a smoke run)
    python benchmarks/bench_pathological.py --structure   # structure rules only (no thresholds)
    python benchmarks/bench_pathological.py --big         # also the 50 MB text (slow: minutes)
    python benchmarks/bench_pathological.py --case semicolons --case circled

Each case runs in a fresh process (``--in-process``: all in this one) and builds a text from a size
``n``; the script times the parse at n, 2n, 4n, 8n (the best
of ``--repeat`` (default 5) runs each, in process CPU time so that other load on the machine does not
count) and prints the time ratio per doubling.  The first n grows until
one parse takes ``--base-time`` (default 0.1 s), so tiny timings do not make noisy ratios.  Exit status 1 when a ratio
exceeds ``--max-ratio`` (default 2.5) at a size where the parse takes at least ``--min-time``
seconds (below that, timer noise dominates).
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
H = "Inclusion Criteria:\n\n"


def _alt_markers(n: int) -> str:
    out = [H]
    for i in range(n):
        out.append(f"{i % 9 + 1}. item {i}\n   a. sub {i}\n      1. deeper\n         a. deepest\n")
    return "".join(out)


def _nesting(n: int) -> str:
    # each line indented one more space (the structure caps depth at MAX_DEPTH)
    return H + "".join(" " * (i % 2000) + f"* level {i}\n" for i in range(n))


CASES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (builder, base n)
    "comparators": (lambda n: H + "* age " + "< " * n + "18 years\n", 2_500),
    "le_ge": (lambda n: H + "* ALT " + "≤≥" * n + " 3 x ULN\n", 2_500),
    "comparator_lines": (lambda n: H + "".join(f"* ALT <= {i} x ULN, AST ≥ {i}.5 mg/dL; age > 18\n"
                                                for i in range(n)), 125),
    "digits": (lambda n: H + "* platelets >= " + "7" * n + " /mm3\n", 6_250),
    "digit_groups": (lambda n: H + "* count " + "1,000 " * n + "\n", 1_250),
    "open_parens": (lambda n: H + "* (" * 1 + "(" * n + "x" + ")" * n + "\n", 2_500),
    "paren_numbers": (lambda n: H + "* one of: " + "".join(f"({i % 99 + 1}) x " for i in range(n)) + "\n", 625),
    "paren_letters": (lambda n: H + "* one of: " + "(a) x (b) y " * n + "\n", 625),
    "alt_markers": (_alt_markers, 62),
    "alt_markers_inline": (lambda n: H + "* " + "1. a. 1. a. " * n + "\n", 625),
    "semicolons": (lambda n: H + "* Any of the following:\n\n" + "x > 1; " * n + "end\n", 1_250),
    "escaped_semicolons": (lambda n: H + "* Any of the following:\n\n" + "a \\< 1\u3000\u3000b; " * n + "end\n", 250),
    "escaped_circled": (lambda n: H + "* one of: " + "① a\\<1; ② b\\>2; " * n + "\n", 250),
    "commas_in_item": (lambda n: H + "* one of: ① a" + " ," * n + " b; ② c\n", 2_500),
    "or_in_item": (lambda n: H + "* one of: (a) x" + " or and" * n + " y; (b) z\n", 1_250),
    "continued_paras": (lambda n: H + "* Item owning nothing\n\n" + "lower case paragraph\n\n" * n, 125),
    "trailing_space_lines": (lambda n: H + "".join("* a" + " " * (i % 50) + "\t\n" for i in range(n)), 250),
    "semicolons_bare": (lambda n: H + "* " + ";" * n + "\n", 6_250),
    "circled": (lambda n: H + "* " + "①②" * n + "\n", 1_250),
    "circled_items": (lambda n: H + "* one of: " + "① a; ② b; " * n + "\n", 625),
    "bullets": (lambda n: H + "* item x > 5\n" * n, 250),
    "nesting": (_nesting, 125),
    "escapes": (lambda n: H + "* " + "\\<\\>\\*\\_" * n + "\n", 2_500),
    "whitespace": (lambda n: H + "* a" + " \t\u3000\u00a0" * n + "b\n", 2_500),
    "blank_lines": (lambda n: H + "* a\n" + "\n \n\t\n" * n + "* b\n", 1_250),
    "headings": (lambda n: "".join("Inclusion Criteria:\n* a\nExclusion Criteria:\n* b\n" for _ in range(n)), 125),
    "colons": (lambda n: H + "* " + "a: " * n + "\n", 1_250),
    "or_and": (lambda n: H + "* " + "and/or or and " * n + "\n", 1_250),
    "long_line": (lambda n: "word " * n, 12_500),
    "wrapped_legacy": (lambda n: "      Inclusion Criteria:\n\n" + "        - " + ("x" * 60 + "\n          ") * n, 125),
    "unicode_mix": (lambda n: H + "* " + "é👍🏽\u200f\u202e①（≤）" * n + "\n", 1_250),
}


def _make_parser(structure_only: bool):
    import critparse

    if structure_only:
        import critparse.patterns as P

        P._DEFAULT = P.load_rules([ROOT / "patterns" / "structure"], builtin=False, check=False)
        return critparse.Parser(extractors=()), "structure only (no threshold rules or extractor)"
    p = critparse.Parser(extractors=("thresholds",))
    p.parse(H + "* Age >= 18 years; ALT <= 3 x ULN within 4 weeks\n")  # fails fast if mid-edit
    return p, "full built-in rules (structure + thresholds)"


def _time(parse, text: str, repeat: int) -> float:
    best = float("inf")
    for k in range(repeat):
        gc.collect()
        t0 = time.process_time()  # CPU time: the machine may be shared, wall time is noisy
        parse(text)
        best = min(best, time.process_time() - t0)
        if best > 1.0:  # long enough: fewer repeats
            break
    return best


def _isolated(args, argv: list[str]) -> int:
    """Run each case in a fresh interpreter (``--case NAME``) and gather the lines it prints."""
    import subprocess

    rest, skip = [], False
    for a in argv:  # drop --case/--big: each child runs one case
        if skip:
            skip = False
            continue
        if a == "--case":
            skip = True
            continue
        if a.startswith("--case=") or a == "--big":
            continue
        rest.append(a)
    names = args.case or list(CASES)
    failed, worst, header = [], 0.0, False
    for name in names:
        out = subprocess.run([sys.executable, __file__, *rest, "--case", name], capture_output=True, text=True)
        lines = out.stdout.splitlines()
        if not header:
            print("\n".join(lines[:2]) + "   (each case in a fresh process)")
            header = True
        for line in lines[2:]:
            if line.startswith("worst ratio:"):
                worst = max(worst, float(line.split()[2]))
            else:
                print(line, flush=True)
        if out.returncode != 0:
            failed.append(name)
    if args.big:
        main([*rest, "--in-process", "--case", names[0], "--big"])
    print(f"worst ratio: {worst:.2f} (limit {args.max_ratio}); failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="quarter sizes")
    ap.add_argument("--structure", action="store_true", help="structure rules only")
    ap.add_argument("--doublings", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every base size")
    ap.add_argument("--max-ratio", type=float, default=2.5)
    ap.add_argument("--min-time", type=float, default=0.02)
    ap.add_argument("--max-seconds", type=float, default=5.0, help="stop doubling a case past this parse time")
    ap.add_argument("--base-time", type=float, default=0.1,
                    help="double the first size until a parse takes this long (0: sizes as given)")
    ap.add_argument("--case", action="append", help="run only these cases")
    ap.add_argument("--big", action="store_true", help="also parse a 50 MB text once")
    ap.add_argument("--in-process", action="store_true",
                    help="run every case in this process (default: each case in a fresh process, so one case's "
                         "heap state -- freed arenas, fragmentation after 40 MB texts -- does not time another)")
    args = ap.parse_args(argv)
    if not args.in_process and not (args.case and len(args.case) == 1):
        return _isolated(args, argv if argv is not None else sys.argv[1:])

    try:
        parser, what = _make_parser(args.structure)
    except Exception as exc:  # threshold rules mid-edit: fall back to structure only
        print(f"full rules do not load ({exc}); using structure rules only", file=sys.stderr)
        parser, what = _make_parser(True)
    print(f"parser: {what}")
    scale = args.scale * (0.25 if args.quick else 1.0)
    worst = 0.0
    failed = []
    names = args.case or list(CASES)
    print(f"{'case':20s} {'n':>9s} {'chars':>10s} {'seconds':>9s}  ratios per doubling")
    for name in names:
        build, base = CASES[name]
        n = max(1, int(base * scale))
        # grow the first size until one parse takes --base-time (timer noise dominates below)
        while args.base_time and n < base * 512 and _time(parser.parse, build(n), 1) < args.base_time:
            n *= 2
        times, sizes = [], []
        for _ in range(args.doublings + 1):
            text = build(n)
            times.append(_time(parser.parse, text, args.repeat))
            sizes.append((n, len(text)))
            n *= 2
            if times[-1] > args.max_seconds:  # clearly superlinear: do not wait for the next size
                break
        ratios = [times[i + 1] / times[i] if times[i] > 0 else 0.0 for i in range(len(times) - 1)]
        judged = [r for r, t in zip(ratios, times[1:]) if t >= args.min_time]
        bad = [r for r in judged if r > args.max_ratio]
        worst = max([worst] + judged)
        flag = "  FAIL" if bad else ""
        print(f"{name:20s} {sizes[-1][0]:9d} {sizes[-1][1]:10d} {times[-1]:9.3f}  "
              + " ".join(f"{r:4.2f}" for r in ratios) + flag, flush=True)
        if bad:
            failed.append(name)
    if args.big:
        text = "Inclusion Criteria:\n\n" + "".join(
            f"* Age >= {i % 80} years; ALT <= 3 x ULN (or <= 5 x ULN with liver metastases) ① a; ② b\n"
            for i in range(600_000))[: 50 * 1024 * 1024]
        t = _time(parser.parse, text, 1)
        print(f"{'50MB':20s} {'':9s} {len(text):10d} {t:9.3f}  ({t / (len(text) / 1024) * 1000:.3f} ms/KB)")
    print(f"worst ratio: {worst:.2f} (limit {args.max_ratio}); failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
