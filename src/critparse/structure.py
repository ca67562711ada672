"""(temporary) one criterion per non-blank line; replaced by the real structure parser."""
from __future__ import annotations
from dataclasses import dataclass, field
from .models import Criterion, Diagnostic, Section
from .textmap import MappedText


@dataclass
class StructureResult:
    sections: list
    criteria: list  # (Criterion, MappedText) pairs, in text order
    diagnostics: list = field(default_factory=list)


def parse_structure(text, fmt, rules):
    crits = []
    pos = 0
    for line in text.splitlines(keepends=True):
        s, e = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        mt = MappedText.build(text, [(s, e)])
        if not mt.text:
            continue
        a, b = mt.orig_bounds
        c = Criterion(start=a, end=b, text=mt.text, rule="structure.line")
        crits.append((c, mt))
    sec = Section(start=0, end=len(text), text="", type="unspecified", children=[c for c, _ in crits])
    return StructureResult([sec], crits)
