"""Variant lists: 'T315I/A, V299L, F317L/V/I/C' -> T315I, T315A, V299L, F317L, F317V, F317I, F317C."""
from __future__ import annotations

import regex

from ..models import VariantList

_ITEM = regex.compile(r"\b([A-Z])(\d{2,4})([A-Z](?:/[A-Z])*)\b")


def expand(text: str) -> list[str]:
    out: list[str] = []
    for m in _ITEM.finditer(text):
        for alt in m.group(3).split("/"):
            item = f"{m.group(1)}{m.group(2)}{alt}"
            if item not in out:
                out.append(item)
    return out


_QUICK = regex.compile(r"[A-Z]\d{2,4}[A-Z]")


def find_variant_lists(mt, lex) -> list[VariantList]:
    text = mt.text
    found: list[VariantList] = []
    if _QUICK.search(text) is None:
        return found
    for rule, finditer in lex.rules.runners("variant_list", "finditer"):
        for m in finditer(text):
            items = expand(m.group(0))
            if len(items) >= 2:
                s, e = mt.span(m.start(), m.end())
                found.append(VariantList(start=s, end=e, text=m.group(0), rule=rule.id, items=items))
    return found
