"""Fuzz the parser: mutated registry texts and random unicode; record crashes and slow inputs.

    python scripts/fuzz.py --n 100000 --seed 1 --workers 2
    python scripts/fuzz.py --n 1000000 --workers 2 --structure   # structure rules only
    python scripts/fuzz.py --replay fixtures/regressions          # re-run recorded findings

Inputs (input ``i`` is generated from ``random.Random(f"{seed}:{i}")``, so any finding can be
regenerated from its seed and index):

* mutations of excerpts (a few lines) or whole texts of ``../shared/corpus/registry.jsonl``
  (or the fixtures when it is absent): byte flips (decoded leniently, which can leave lone
  surrogates), line shuffles, duplications, deletions, re-indentation, line-ending changes,
  insertions of list markers, comparators, enumerators, escapes and odd unicode;
* random unicode strings (all planes, control characters, surrogates, RTL marks);
* now and then a large pathological text (long runs of one token).

Every input is parsed (``Parser.parse``), serialized (``model_dump_json``) and re-read; any
exception is a *crash*.  Spans are checked (inside the input, children inside parents, depth
capped), and non-blank text must be covered by some node (*lost*).  An input is *slow* when it
takes more than ``--slow-ms-per-kb`` (default 50) milliseconds of process CPU time per KB,
counting inputs under 1 KB as 1 KB; a slow input is re-timed three times (best kept) before it
counts.

Findings are written to ``fixtures/regressions/<kind>-<hash>.json`` (``{"text", "kind",
"error", "seed", "index", "ms_per_kb"}``; JSON with ASCII escapes so lone surrogates survive), at
most ``--max-per-signature`` per distinct error.  ``tests/test_robust_regressions.py`` parses them
all.  Exit status 1 when there was a crash or a slow input.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "registry.jsonl"
OUT = ROOT / "fixtures" / "regressions"
HANG_SECONDS = 20

MARKERS = ["* ", "- ", "+ ", "• ", "1. ", "2. ", "10. ", "a. ", "b) ", "(a) ", "(1) ", "1) ", "i. ", "ii) ",
           "(iv) ", "A. ", "IV. ", "① ", "② ", "③ ", "❶ ", "o ", "– ", "\\* ", "\\- ", "# ", "## ", "**", "> "]
COMPARATORS = ["<", ">", "<=", ">=", "≤", "≥", "=", "≠", "±", "\\<", "\\>", "＜", "＞", "≦", "≧", "=<", "=>",
               "< ", "> ", "<<", "≤≥", "~", "≈", "less than", "greater than", "at least", "up to", "between"]
NUMBERS = ["18", "1.5", "100,000", "1 500", "10^9", "1.5 x 10^9/L", "3 x ULN", "2.5×ULN", "0.5", "-3", "1e5",
           "9" * 40, "1,5", "½", "10⁹", "18-65", "18 to 65", "4 weeks", "6 months", "28 days", ".5", "1..2"]
UNICODE = ["\u200f", "\u200e", "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff", "\u00a0", "\u3000", "\t", "\r",
           "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00", "\x1b", "\x7f", "👍🏽", "👨‍👩‍👧", "é",
           "e\u0301", "；", "：", "（", "）", "，", "。", "\ud800", "\udfff", "\uffff", "\U0010ffff", "\ue000",
           "\\", "\\\\", "\\_", "\\[", "**", "__", "`", "|", "{", "}", "[", "]", "(", ")", ";", ":", ",", "."]
WORDS = ["Inclusion Criteria:", "Exclusion Criteria:", "INCLUSION CRITERIA", "General:", "Hepatic", "or", "and",
         "and/or", "one of the following:", "all of the following:", "except", "within", "prior to", "ALT", "AST",
         "ECOG", "age", "platelets", "creatinine clearance", "F317L/V/I", "T315I", "e.g.", "i.e.", "Note:"]
PATHOLOGICAL = ["< ", "≤≥", "7", "(", ")", "1. a. ", "; ", "①②", "\\<", " \t", "or and ", "a: ", "* ", "\n",
                "\n\n", " ", "(1) x ", "① a; ", "x" * 50 + " ", "Inclusion Criteria:\n"]


# --------------------------------------------------------------------------- corpus


def load_corpus(limit: int = 20000) -> list[str]:
    texts: list[str] = []
    if CORPUS.exists():
        with CORPUS.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                t = obj.get("criteria") if isinstance(obj, dict) else None
                if isinstance(t, str) and t.strip():
                    texts.append(t)
                if len(texts) >= limit:
                    break
    for p in sorted((ROOT / "fixtures").glob("*.md")):
        texts.append(p.read_text(encoding="utf-8"))
    if not texts:
        texts = ["Inclusion Criteria:\n\n* Age >= 18 years\n* ECOG 0-1\n\nExclusion Criteria:\n\n* ALT > 3 x ULN\n"]
    return texts


# --------------------------------------------------------------------------- generation


def _excerpt(rnd: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) <= 3:
        return text
    k = rnd.randint(1, min(rnd.choice([3, 3, 3, 6, 12]), len(lines)))
    s = rnd.randrange(0, len(lines) - k + 1)
    head = rnd.choice(["", "", "Inclusion Criteria:\n\n", "Exclusion Criteria:\n"])
    return head + "".join(lines[s:s + k])


def _byte_flips(rnd: random.Random, text: str) -> str:
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    if not data:
        return text
    for _ in range(rnd.randint(1, 8)):
        i = rnd.randrange(len(data))
        data[i] ^= 1 << rnd.randrange(8)
    return data.decode("utf-8", rnd.choice(["replace", "surrogateescape", "ignore", "backslashreplace"]))


def _insert(rnd: random.Random, text: str, pool: list[str]) -> str:
    pos = rnd.randint(0, len(text))
    if rnd.random() < 0.5:  # at a line start
        nl = text.rfind("\n", 0, pos)
        pos = nl + 1
    piece = rnd.choice(pool)
    if rnd.random() < 0.1:
        piece = piece * rnd.randint(2, 50)
    return text[:pos] + piece + text[pos:]


def mutate(rnd: random.Random, text: str) -> str:
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randrange(12)
        if op == 0:
            text = _byte_flips(rnd, text)
        elif op == 1:
            lines = text.split("\n")
            rnd.shuffle(lines)
            text = "\n".join(lines)
        elif op == 2:
            lines = text.split("\n")
            if lines:
                i = rnd.randrange(len(lines))
                lines[i:i] = [lines[i]] * rnd.randint(1, 5)
            text = "\n".join(lines)
        elif op == 3 and text:
            a = rnd.randrange(len(text))
            b = min(len(text), a + rnd.randint(1, 200))
            text = text[:a] + text[b:]
        elif op == 4:
            text = _insert(rnd, text, MARKERS)
        elif op == 5:
            text = _insert(rnd, text, [c + " " + rnd.choice(NUMBERS) for c in COMPARATORS])
        elif op == 6:
            text = _insert(rnd, text, UNICODE)
        elif op == 7:
            text = _insert(rnd, text, WORDS)
        elif op == 8:
            lines = text.split("\n")
            text = "\n".join(" " * rnd.randint(0, 12) + ln.lstrip() if rnd.random() < 0.3 else ln for ln in lines)
        elif op == 9:
            text = text.replace("\n", rnd.choice(["\r\n", "\r", "\n\n", "\u2028", "\n   ", " "]))
        elif op == 10 and text:
            text = text[: rnd.randint(0, len(text))]
        elif op == 11:
            text = _insert(rnd, text, ["①", "②", "③", "(1)", "(2)", "a)", "b)", "(i)", "(ii)", ";", "; or", ":"])
    return text


def random_unicode(rnd: random.Random) -> str:
    n = rnd.choice([0, 1, 2, 5, 20, 50, 100, 200, 500, 2000])
    mode = rnd.randrange(4)
    out = []
    for _ in range(n):
        if mode == 0:
            cp = rnd.randrange(0x110000)
        elif mode == 1:
            cp = rnd.choice([rnd.randrange(0x80), rnd.randrange(0x80, 0x800), rnd.randrange(0xD800, 0xE000),
                             rnd.randrange(0x2000, 0x3100), rnd.randrange(0xFF00, 0x10000)])
        elif mode == 2:
            out.append(rnd.choice(MARKERS + COMPARATORS + UNICODE + WORDS + ["\n", " ", "\n\n", "  "]))
            continue
        else:
            cp = rnd.choice([0x20, 0x0A, 0x0D, 0x09, 0x2A, 0x2D, 0x3A, 0x3B, 0x28, 0x29, 0x31, 0x61, 0x2460, 0xD800])
        out.append(chr(cp))
    return "".join(out)


def pathological(rnd: random.Random) -> str:
    tok = rnd.choice(PATHOLOGICAL)
    n = rnd.randint(100, 8000 // max(1, len(tok)))
    return rnd.choice(["", "Inclusion Criteria:\n* "]) + tok * n


def generate(corpus: list[str], seed: int, i: int) -> str:
    rnd = random.Random(f"{seed}:{i}")
    r = rnd.random()
    if r < 0.08:
        return random_unicode(rnd)
    if r < 0.082:
        return pathological(rnd)
    base = rnd.choice(corpus)
    if r < 0.09:
        return mutate(rnd, base)  # a whole text
    return mutate(rnd, _excerpt(rnd, base))


# --------------------------------------------------------------------------- checking


def check(doc, text: str) -> list[str]:
    """Invariant violations (empty when fine).  Mirrors tests/test_robust_inputs.check_document."""
    from critparse.lines import markup_spans

    n = len(text)
    problems = []
    if len(doc.text) != n or doc.end != n:
        problems.append("document text/end differ from the input length")
    stack = [(s, None, 1) for s in doc.sections]
    if not stack:
        problems.append("no section")
    cover = [0] * (n + 1)
    while stack:
        node, parent, depth = stack.pop()
        if depth > 60:
            problems.append(f"depth {depth}")
            break
        if not (0 <= node.start <= node.end <= n):
            problems.append(f"{node.kind} span [{node.start},{node.end}] outside [0,{n}]")
        if parent is not None and not (parent.start <= node.start and node.end <= parent.end):
            problems.append(f"{node.kind} [{node.start},{node.end}] outside its {parent.kind} "
                            f"[{parent.start},{parent.end}]")
        spans = [getattr(node, "heading", None), getattr(node, "lead_in", None)]
        if node.kind == "criterion":
            spans.append(node)
        for sp in spans:
            if sp is not None and sp.end > sp.start:
                cover[max(0, sp.start)] += 1
                cover[min(n, sp.end)] -= 1
        for x in list(getattr(node, "thresholds", [])) + list(getattr(node, "temporals", [])) + list(
                getattr(node, "lists", [])):
            if not (0 <= x.start <= x.end <= n):
                problems.append(f"{x.kind} span [{x.start},{x.end}] outside [0,{n}]")
        stack.extend((c, node, depth + 1) for c in getattr(node, "children", []))
    for d in doc.diagnostics:
        if not (0 <= d.start <= d.end <= n):
            problems.append(f"diagnostic {d.code} span outside")
    for a, b in markup_spans(doc.text):  # (HTML line breaks are markup, as line breaks are)
        cover[a] += 1
        cover[b] -= 1
    run = 0
    t = doc.text
    for i in range(n):
        run += cover[i]
        if run <= 0 and not t[i].isspace() and t[i] not in "\ufeff\u200b":
            problems.append(f"lost text at {i}: {t[max(0, i - 10):i + 10]!r}")
            break
    return problems


# --------------------------------------------------------------------------- workers

_STATE: dict = {}


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang(f"no result after {HANG_SECONDS} s")


def _make_parser(structure_only: bool):
    import critparse

    if not structure_only:
        try:
            p = critparse.Parser(extractors=("thresholds",))
            p.parse("Inclusion Criteria:\n* Age >= 18 years; ALT <= 3 x ULN within 4 weeks\n")
            return p, "full (structure + thresholds)"
        except Exception as exc:  # threshold rules mid-edit
            print(f"full parser unusable ({type(exc).__name__}: {exc}); structure only", file=sys.stderr)
    import critparse.patterns as P

    P._DEFAULT = P.load_rules([ROOT / "patterns" / "structure"], builtin=False)
    return critparse.Parser(extractors=()), "structure only"


def _init(structure_only: bool, seed: int) -> None:
    _STATE["parser"], _STATE["what"] = _make_parser(structure_only)
    _STATE["corpus"] = load_corpus()
    _STATE["seed"] = seed
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _alarm)


def _one(text: str, parser, roundtrip: bool) -> tuple[float, str | None, list[str]]:
    """(seconds, crash message or None, invariant problems)."""
    from critparse.errors import InputError
    from critparse.models import Document

    if hasattr(signal, "SIGALRM"):
        signal.alarm(HANG_SECONDS)
    t0 = time.process_time()  # CPU time: the machine may be shared
    try:
        doc = parser.parse(text)
        dt = time.process_time() - t0
        if roundtrip:
            js = doc.model_dump_json()
            if Document.model_validate_json(js) != doc:
                return dt, None, ["JSON round trip changes the document"]
    except InputError as exc:
        dt = time.process_time() - t0
        if text.lstrip()[:1] in ("{", "["):  # a JSON text that is a study record without criteria: documented
            return dt, None, []
        return dt, f"InputError on text: {exc}", []
    except _Hang as exc:
        return float(HANG_SECONDS), f"hang: {exc}", []
    except BaseException as exc:  # noqa: BLE001 - a fuzzer records everything
        dt = time.process_time() - t0
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        where = [ln.strip().splitlines()[0] for ln in tb if ln.strip().startswith("File")][-1:] or [""]
        return dt, f"{type(exc).__name__}: {str(exc)[:200]} @ {where[0]}", []
    finally:
        if hasattr(signal, "SIGALRM"):
            signal.alarm(0)
    return dt, None, check(doc, text)


def _run_range(args) -> dict:
    lo, hi, slow_ms_per_kb, roundtrip_every = args
    parser, corpus, seed = _STATE["parser"], _STATE["corpus"], _STATE["seed"]
    stats = {"n": 0, "crash": [], "slow": [], "lost": [], "span": [], "max_ms_per_kb": 0.0, "max_ms_per_kb_at": None,
             "max_ms": 0.0, "bytes": 0, "seconds": 0.0}
    for i in range(lo, hi):
        text = generate(corpus, seed, i)
        dt, crash, problems = _one(text, parser, roundtrip=(i % roundtrip_every == 0))
        kb = max(len(text.encode("utf-8", "surrogatepass")) / 1024, 1.0)
        ms_per_kb = dt * 1000 / kb
        if ms_per_kb > slow_ms_per_kb and crash is None:  # re-time: the machine is shared
            ms_per_kb = min(ms_per_kb, *(_one(text, parser, False)[0] * 1000 / kb for _ in range(3)))
        stats["n"] += 1
        stats["bytes"] += len(text)
        stats["seconds"] += dt
        stats["max_ms"] = max(stats["max_ms"], dt * 1000)
        if ms_per_kb > stats["max_ms_per_kb"]:
            stats["max_ms_per_kb"], stats["max_ms_per_kb_at"] = ms_per_kb, i
        if crash:
            stats["crash"].append((i, crash, text))
        elif ms_per_kb > slow_ms_per_kb:
            stats["slow"].append((i, f"{ms_per_kb:.1f} ms/KB", text, ms_per_kb))
        for p in problems:
            kind = "lost" if p.startswith("lost text") else "span"
            if len(stats[kind]) < 50:
                stats[kind].append((i, p, text))
    return stats


# --------------------------------------------------------------------------- driver


def _signature(msg: str) -> str:
    import re

    return re.sub(r"\d+", "N", msg.split(" @ ")[-1] if " @ " in msg else msg)[:160]


def record(kind: str, i: int, seed: int, msg: str, text: str, ms_per_kb: float | None = None) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = OUT / f"{kind}-{h}.json"
    body = {"kind": kind, "error": msg, "seed": seed, "index": i, "ms_per_kb": ms_per_kb, "text": text}
    path.write_text(json.dumps(body, ensure_ascii=True, indent=1) + "\n", encoding="ascii")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000, help="inputs to generate")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="first input index (resume a run)")
    ap.add_argument("--structure", action="store_true", help="structure rules only")
    ap.add_argument("--slow-ms-per-kb", type=float, default=50.0)
    ap.add_argument("--roundtrip-every", type=int, default=4, help="JSON round-trip every k-th input")
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--max-per-signature", type=int, default=3)
    ap.add_argument("--no-record", action="store_true", help="do not write fixtures/regressions/")
    ap.add_argument("--record-lost", action="store_true", help="also record lost-text / span findings")
    ap.add_argument("--replay", type=Path, help="parse the recorded findings in this directory and exit")
    args = ap.parse_args(argv)

    if args.replay:
        _init(args.structure, args.seed)
        bad = 0
        for p in sorted(args.replay.glob("*.json")):
            text = json.loads(p.read_text(encoding="ascii"))["text"]
            dt, crash, problems = _one(text, _STATE["parser"], True)
            kb = max(len(text.encode("utf-8", "surrogatepass")) / 1024, 1.0)
            status = crash or ("; ".join(problems) if problems else "ok")
            bad += bool(crash)
            print(f"{p.name}: {dt * 1000 / kb:.1f} ms/KB  {status}")
        return 1 if bad else 0

    t0 = time.time()
    ranges = [(lo, min(lo + args.chunk, args.start + args.n), args.slow_ms_per_kb, args.roundtrip_every)
              for lo in range(args.start, args.start + args.n, args.chunk)]
    total = Counter()
    crashes, slows, losts, spans = [], [], [], []
    worst = (0.0, None)
    max_ms = 0.0
    what = None
    if args.workers > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        pool = ctx.Pool(args.workers, initializer=_init, initargs=(args.structure, args.seed))
        what = pool.apply(_what)  # before the ranges: apply() would otherwise queue behind all of them
        results = pool.imap_unordered(_run_range, ranges)
    else:
        _init(args.structure, args.seed)
        what = _STATE["what"]
        results = map(_run_range, ranges)
        pool = None
    print(f"fuzz: n={args.n} seed={args.seed} workers={args.workers} parser={what}", flush=True)
    last = time.time()
    try:
        for st in results:
            total["n"] += st["n"]
            total["bytes"] += st["bytes"]
            crashes += st["crash"]
            slows += st["slow"]
            losts += st["lost"]
            spans += st["span"]
            max_ms = max(max_ms, st["max_ms"])
            if st["max_ms_per_kb"] > worst[0]:
                worst = (st["max_ms_per_kb"], st["max_ms_per_kb_at"])
            if time.time() - last > 30:
                last = time.time()
                rate = total["n"] / (last - t0)
                print(f"  {total['n']:,} inputs  {rate:,.0f}/s  crashes {len(crashes)}  slow {len(slows)}  "
                      f"lost {len(losts)}  span {len(spans)}  slowest {worst[0]:.1f} ms/KB", flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()

    written = []
    if not args.no_record:
        per_sig = Counter()
        findings = [("crash", i, m, t, None) for i, m, t in crashes]
        findings += [("slow", i, m, t, v) for i, m, t, v in slows]
        if args.record_lost:
            findings += [("lost", i, m, t, None) for i, m, t in losts] + [("span", i, m, t, None) for i, m, t in spans]
        for kind, i, msg, text, v in sorted(findings, key=lambda f: (f[0], len(f[3]))):
            sig = (kind, _signature(msg) if kind != "slow" else "slow")
            if per_sig[sig] >= args.max_per_signature:
                continue
            per_sig[sig] += 1
            written.append(record(kind, i, args.seed, msg, text, v))
    dt = time.time() - t0
    print(f"done: {total['n']:,} inputs ({total['bytes'] / 1e6:.1f} M chars) in {dt:,.0f} s "
          f"({total['n'] / max(dt, 1e-9):,.0f}/s), parser: {what}")
    print(f"crashes: {len(crashes)}  slow (> {args.slow_ms_per_kb:g} ms/KB): {len(slows)}  "
          f"lost-text: {len(losts)}+  span: {len(spans)}+")
    print(f"slowest: {worst[0]:.2f} ms/KB (input {worst[1]}); longest parse {max_ms:.0f} ms")
    for kind, items in (("crash", crashes), ("lost", losts), ("span", spans)):
        for sig, c in Counter(_signature(m) for _, m, _ in items).most_common(8):
            first = min(i for i, m, _ in items if _signature(m) == sig)
            print(f"  {kind}: {c} x {sig}  (first: input {first})")
    for p in written:
        print(f"  recorded {p.relative_to(ROOT)}")
    return 1 if crashes or slows else 0


def _what() -> str:
    return _STATE["what"]


if __name__ == "__main__":
    sys.exit(main())
