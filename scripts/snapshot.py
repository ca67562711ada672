#!/usr/bin/env python
"""Snapshot the parse of a corpus, or compare the parse with a snapshot (a refactoring check).

    python scripts/snapshot.py save SNAP.jsonl  [--corpus ../shared/corpus/registry.jsonl] [--limit N]
    python scripts/snapshot.py compare SNAP.jsonl [--show 5] [--only thresholds|structure|abbreviations]

``save`` writes one line per trial: ``{"nct_id", "doc"}`` with the document's JSON.  ``compare``
parses the same texts again and prints how many documents differ (and the first differences), so a
speed change can be checked to change no output.  Exit status 1 when any document differs.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "corpus" / "registry.jsonl"


def _records(corpus: Path, limit: int | None):
    with open(corpus, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            rec = json.loads(line)
            yield rec.get("nct_id", str(i)), rec["criteria"]


def _strip(doc: dict, only: str | None) -> dict:
    if only is None:
        return doc
    if only == "abbreviations":
        return {"abbreviations": doc["abbreviations"]}
    keys = {"thresholds": ("thresholds", "temporals", "lists")}.get(only)

    def walk(node):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if only == "structure" and k in ("thresholds", "temporals", "lists"):
                    continue
                out[k] = walk(v)
            return out
        if isinstance(node, list):
            return [walk(x) for x in node]
        return node

    if keys:
        found = []

        def collect(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k in keys:
                        found.append((k, v))
                    else:
                        collect(v)
            elif isinstance(node, list):
                for x in node:
                    collect(x)

        collect(doc)
        return {"extracted": found}
    return walk({k: v for k, v in doc.items() if k != "abbreviations"})


def _first_diff(a, b, path="$"):
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_diff(a.get(k), b.get(k), f"{path}.{k}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})", a[:3], b[:3]
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_diff(x, y, f"{path}[{i}]")
    return path, a, b


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("verb", choices=("save", "compare"))
    ap.add_argument("snapshot", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--only", choices=("thresholds", "structure", "abbreviations"))
    args = ap.parse_args(argv)
    import critparse

    parser = critparse.Parser()
    t0 = time.process_time()
    if args.verb == "save":
        n = 0
        with open(args.snapshot, "w", encoding="utf-8") as out:
            for nct, text in _records(args.corpus, args.limit):
                out.write(json.dumps({"nct_id": nct, "doc": parser.parse(text).model_dump(mode="json")}) + "\n")
                n += 1
        print(f"saved {n} documents to {args.snapshot} ({time.process_time() - t0:.1f} s cpu)")
        return 0
    differ = n = 0
    with open(args.snapshot, encoding="utf-8") as snap:
        for (nct, text), line in zip(_records(args.corpus, args.limit), snap):
            old = json.loads(line)
            if old["nct_id"] != nct:
                print(f"snapshot out of step at {nct}", file=sys.stderr)
                return 2
            new = json.loads(json.dumps(parser.parse(text).model_dump(mode="json")))
            n += 1
            a, b = _strip(old["doc"], args.only), _strip(new, args.only)
            if a != b:
                differ += 1
                if differ <= args.show:
                    path, x, y = _first_diff(a, b)
                    print(f"{nct}: {path}\n  was: {json.dumps(x)[:300]}\n  now: {json.dumps(y)[:300]}")
    print(f"{differ} of {n} documents differ ({time.process_time() - t0:.1f} s cpu)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
