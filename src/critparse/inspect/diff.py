"""``critparse diff``: what changed between two batch outputs over the same records.

Each input is JSON Lines; a line's document is the line itself when it has "sections",
else its "document" value.  Records are matched by ``nct_id`` (the line's, else the
document's study fields) and, when a line has none, by line number.

Kinds of change, per record:

* ``criteria_split`` / ``criteria_merged``: criterion texts of a section aligned with
  difflib; a block of k old criteria replaced by more (split) or fewer (merged) new ones;
* ``criteria_added`` / ``criteria_lost`` / ``criteria_text_changed``: the other alignments;
* ``sections_changed``: the list of section types differs;
* ``structure_changed``: same criterion texts, different nesting, groups, markers or logic;
* ``thresholds_added`` / ``thresholds_lost`` / ``thresholds_changed``: thresholds compared by
  (subject name or text, comparator, value, low, high, unit); an added and a lost one with
  the same subject count as one change;
* ``temporals_added`` / ``temporals_lost``;
* ``record_added`` / ``record_missing``: only in NEW / only in OLD;
* ``invalid``: a line that is not a document.
"""
from __future__ import annotations

import difflib
import json
from collections import Counter, defaultdict
from typing import Any, Iterable, Optional

from ..models import Document
from .common import fmt_num

KINDS = ("criteria_split", "criteria_merged", "criteria_added", "criteria_lost", "criteria_text_changed",
         "sections_changed", "structure_changed", "thresholds_added", "thresholds_lost", "thresholds_changed",
         "temporals_added", "temporals_lost", "record_added", "record_missing", "invalid")


def _norm(s: str) -> str:
    return " ".join(s.split())


def _doc_of(obj: Any) -> Optional[Document]:
    if not isinstance(obj, dict):
        return None
    d = obj if "sections" in obj else obj.get("document")
    if not isinstance(d, dict) or "sections" not in d:
        return None
    return Document.model_validate(d)


def _key(obj: Any, doc: Optional[Document]) -> Optional[str]:
    if isinstance(obj, dict):
        for k in ("nct_id", "nctId", "id"):
            if isinstance(obj.get(k), (str, int)):
                return str(obj[k])
    if doc is not None and doc.fields is not None and doc.fields.nct_id:
        return doc.fields.nct_id
    return None


def load_batch(lines: Iterable[str]) -> tuple[dict[str, Optional[Document]], list[str]]:
    """{key: document or None (not a document)} in file order, and the keys in order."""
    out: dict[str, Optional[Document]] = {}
    order: list[str] = []
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            continue
        try:
            obj = json.loads(s)
            doc = _doc_of(obj)
        except Exception:  # noqa: BLE001 - a broken line is reported, not raised
            obj, doc = None, None
        key = _key(obj, doc) or f"line {n}"
        if key in out:
            key = f"{key} (line {n})"
        out[key] = doc
        order.append(key)
    return out, order


def _criteria(node: Any) -> list[Any]:
    out = []
    for c in getattr(node, "children", []) or []:
        if c.kind == "criterion":
            out.append(c)
        out.extend(_criteria(c))
    return out


def _shape(node: Any, depth: int = 0) -> list[tuple]:
    out = []
    for c in getattr(node, "children", []) or []:
        out.append((depth, c.kind, _norm(c.text) if c.kind == "criterion" else getattr(c, "label", ""),
                    getattr(c, "marker", None), getattr(c, "logic", None)))
        out.extend(_shape(c, depth + 1))
    return out


def threshold_key(t: Any) -> tuple:
    subj = ""
    if t.subject is not None:
        subj = (t.subject.name or t.subject.text or "").lower().strip()
    unit = (t.unit.text if t.unit is not None else "") or ""
    return (subj, t.comparator, t.value, t.low, t.high, unit.strip(), getattr(t, "reference", None) or "")


def _tkey_str(k: tuple) -> str:
    subj, comp, value, low, high, unit, ref = k
    if comp == "range" or value is None and (low is not None or high is not None):
        v = f"{fmt_num(low)}–{fmt_num(high)}"
    else:
        v = fmt_num(value)
    s = f"{subj or '?'} {comp} {v}"
    if unit:
        s += f" {unit}"
    if ref:
        s += f" × {ref}"
    return s


def _temporal_key(w: Any) -> tuple:
    return (w.comparator, w.value, w.low, w.high, (w.unit.text if w.unit else ""), w.direction,
            _norm(w.anchor.text).lower() if w.anchor else "")


def compare_documents(old: Document, new: Document) -> dict[str, list[dict]]:
    """{kind of change: [details, ...]} for one record (empty when the trees agree)."""
    ch: dict[str, list[dict]] = defaultdict(list)
    ot = [s.type for s in old.sections]
    nt = [s.type for s in new.sections]
    if ot != nt:
        ch["sections_changed"].append({"old": ot, "new": nt})
    # criteria, section by section (aligned by position and type; else the whole document)
    if ot == nt:
        pairs = list(zip(old.sections, new.sections))
    else:
        pairs = [(old, new)]
    any_crit_change = False
    for so, sn in pairs:
        a = [_norm(c.text) for c in (_criteria(so) if so is not old else [c for c in old.criteria()])]
        b = [_norm(c.text) for c in (_criteria(sn) if sn is not new else [c for c in new.criteria()])]
        where = getattr(so, "type", "document")
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            any_crit_change = True
            item = {"section": where, "old": a[i1:i2], "new": b[j1:j2]}
            if tag == "insert":
                ch["criteria_added"].append(item)
            elif tag == "delete":
                ch["criteria_lost"].append(item)
            elif i2 - i1 < j2 - j1:
                ch["criteria_split"].append(item)
            elif i2 - i1 > j2 - j1:
                ch["criteria_merged"].append(item)
            else:
                ch["criteria_text_changed"].append(item)
    if not any_crit_change and ot == nt:
        for so, sn in pairs:
            if _shape(so) != _shape(sn) or so.logic != sn.logic:
                ch["structure_changed"].append({"section": so.type, "old": _shape_str(so), "new": _shape_str(sn)})
    # thresholds
    old_t = Counter(threshold_key(t) for t in old.thresholds())
    new_t = Counter(threshold_key(t) for t in new.thresholds())
    lost = list((old_t - new_t).elements())
    added = list((new_t - old_t).elements())
    by_subj_added: dict[str, list[tuple]] = defaultdict(list)
    for k in added:
        by_subj_added[k[0]].append(k)
    still_lost = []
    for k in lost:
        cands = by_subj_added.get(k[0])
        if cands:
            nk = cands.pop(0)
            ch["thresholds_changed"].append({"subject": k[0], "old": _tkey_str(k), "new": _tkey_str(nk)})
        else:
            still_lost.append(k)
    for k in still_lost:
        ch["thresholds_lost"].append({"threshold": _tkey_str(k)})
    for subj, ks in by_subj_added.items():
        for k in ks:
            ch["thresholds_added"].append({"threshold": _tkey_str(k)})
    # temporal windows
    ow = Counter(_temporal_key(w) for c in old.criteria() for w in c.temporals)
    nw = Counter(_temporal_key(w) for c in new.criteria() for w in c.temporals)
    for k in (ow - nw).elements():
        ch["temporals_lost"].append({"window": _wkey_str(k)})
    for k in (nw - ow).elements():
        ch["temporals_added"].append({"window": _wkey_str(k)})
    return dict(ch)


def _wkey_str(k: tuple) -> str:
    comp, value, low, high, unit, direction, anchor = k
    v = f"{fmt_num(low)}–{fmt_num(high)}" if value is None and (low is not None or high is not None) else fmt_num(value)
    return " ".join(x for x in (comp, v, unit, direction or "", anchor) if x)


def _shape_str(node: Any) -> list[str]:
    return [("  " * d) + f"{kind}{' ' + marker if marker else ''}{' [' + logic + ']' if logic else ''}: {text[:60]}"
            for d, kind, text, marker, logic in _shape(node)]


def diff_batches(old_lines: Iterable[str], new_lines: Iterable[str], examples: int = 3) -> dict:
    """Summary of changed records: counts per kind of change and up to ``examples`` examples each.

    ``{"records": {"old": n, "new": n, "compared": n, "changed": n, "unchanged": n},
       "kinds": {kind: {"records": n, "changes": n, "examples": [{"record": key, ...}]}},
       "changed": [keys]}``
    """
    old, old_order = load_batch(old_lines)
    new, new_order = load_batch(new_lines)
    kinds: dict[str, dict] = {}
    changed: list[str] = []

    def note(kind: str, key: str, details: list[dict]) -> None:
        k = kinds.setdefault(kind, {"records": 0, "changes": 0, "examples": []})
        k["records"] += 1
        k["changes"] += len(details)
        for d in details:
            if len(k["examples"]) >= examples:
                break
            k["examples"].append({"record": key, **d})

    compared = changed_compared = 0
    for key in old_order:
        if key not in new:
            note("record_missing", key, [{}])
            changed.append(key)
            continue
        o, n = old[key], new[key]
        if o is None or n is None:
            note("invalid", key, [{"which": "old" if o is None else "new"}])
            changed.append(key)
            continue
        compared += 1
        ch = compare_documents(o, n)
        if ch:
            changed.append(key)
            changed_compared += 1
            for kind in KINDS:
                if kind in ch:
                    note(kind, key, ch[kind])
    for key in new_order:
        if key not in old:
            note("record_added", key, [{}])
            changed.append(key)
    ordered = {k: kinds[k] for k in KINDS if k in kinds}
    return {"records": {"old": len(old_order), "new": len(new_order), "compared": compared,
                        "changed": len(changed), "unchanged": compared - changed_compared},
            "kinds": ordered, "changed": changed}


def diff_files(old_path: str, new_path: str, examples: int = 3) -> dict:
    with open(old_path, encoding="utf-8") as fo, open(new_path, encoding="utf-8") as fn:
        return diff_batches(fo, fn, examples)


def render_diff(result: dict) -> str:
    r = result["records"]
    out = [f"{r['changed']} of {r['compared']} records changed "
           f"(old {r['old']} lines, new {r['new']} lines, {r['unchanged']} unchanged)"]
    if not result["kinds"]:
        out.append("no changes")
    for kind, info in result["kinds"].items():
        out.append("")
        out.append(f"{kind}: {info['records']} records, {info['changes']} changes")
        for ex in info["examples"]:
            rec = ex.get("record")
            body = {k: v for k, v in ex.items() if k != "record"}
            if not body:
                out.append(f"  - {rec}")
                continue
            if "old" in body and "new" in body:
                out.append(f"  - {rec}" + (f" ({body['section']})" if "section" in body else "")
                           + (f" {body['subject']}" if "subject" in body else ""))
                for side in ("old", "new"):
                    val = body[side]
                    vals = val if isinstance(val, list) else [val]
                    if not vals:
                        out.append(f"      {side}: (none)")
                    for v in vals[:6]:
                        out.append(f"      {side}: {_clip(str(v))}")
                    if len(vals) > 6:
                        out.append(f"      {side}: ... {len(vals) - 6} more")
            else:
                out.append(f"  - {rec}: " + "; ".join(f"{k} {_clip(str(v))}" for k, v in body.items()))
    return "\n".join(out) + "\n"


def _clip(s: str, n: int = 100) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"
