"""Clean text with a map back to the original input.

Parsing runs on *clean* text (markdown escapes removed, hard wraps joined, odd spaces
and full-width punctuation folded) but every node reports offsets into the ORIGINAL
string.  ``MappedText`` keeps the clean string with a piecewise map: a list of pieces
``(clean_start, orig_start, orig_end, verbatim)``.  Verbatim pieces map character for
character; replaced pieces (``\\<`` -> ``<``, a line break plus indent -> one space) map
to the whole original stretch they replaced.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import regex

# Characters folded when building clean text.  Escapes are markdown backslash escapes.
_FOLD = {
    "\t": " ", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u3000": " ", "\u2002": " ", "\u2003": " ", "\ufeff": "", "\u200b": "",
    "\uff1b": ";", "\uff1a": ":", "\uff08": "(", "\uff09": ")", "\uff0c": ",", "\uff0e": ".",
    "\uff1c": "<", "\uff1e": ">", "\uff1d": "=", "\uff05": "%", "\uff0d": "-", "\u3001": ",",
    "\u3002": ".", "\uff01": "!", "\uff1f": "?", "\uff3b": "[", "\uff3d": "]",
}
_SPECIAL = regex.compile(
    r"\\[!-/:-@\[-`{-~]"                 # markdown escapes: any ASCII punctuation
    r"|[ \t\u00a0\u2007\u202f\u2009\u200a\u3000\u2002\u2003\r\n]{2,}"  # whitespace runs
    r"|[\t\u00a0\u2007\u202f\u2009\u200a\u3000\u2002\u2003\r\n\ufeff\u200b"
    r"\uff1b\uff1a\uff08\uff09\uff0c\uff0e\uff1c\uff1e\uff1d\uff05\uff0d\u3001\u3002\uff01\uff1f\uff3b\uff3d]"
)


class MappedText:
    """A clean string plus the map of each clean character to the original input."""

    __slots__ = ("text", "_cstarts", "_pieces")

    def __init__(self, text: str, pieces: list[tuple[int, int, int, bool]]):
        self.text = text
        self._pieces = pieces  # (clean_start, orig_start, orig_end, verbatim)
        self._cstarts = [p[0] for p in pieces]

    # -- building ---------------------------------------------------------------
    @classmethod
    def build(cls, source: str, segments: list[tuple[int, int]], joiner: str = " ") -> "MappedText":
        """Clean ``source[s:e]`` for each segment and join segments with ``joiner``.

        The joiner maps to the original text between the two segments (the line break
        and indentation it stands for).  Leading and trailing white space is dropped.
        """
        out: list[str] = []
        pieces: list[tuple[int, int, int, bool]] = []
        pos = 0
        prev_end = None
        for s, e in segments:
            if s >= e:
                continue
            if prev_end is not None and out and not out[-1].endswith(" "):
                out.append(joiner)
                pieces.append((pos, prev_end, s, False))
                pos += len(joiner)
            i = s
            for m in _SPECIAL.finditer(source, s, e):
                ms, me = m.span()
                if ms > i:
                    out.append(source[i:ms])
                    pieces.append((pos, i, ms, True))
                    pos += ms - i
                tok = m.group()
                if tok[0] == "\\" and len(tok) == 2:
                    rep = tok[1]
                elif len(tok) >= 2 or tok in "\r\n\t" or tok.isspace():
                    rep = " "
                else:
                    rep = _FOLD.get(tok, tok)
                if rep == " " and (not out or out[-1].endswith(" ")):
                    rep = ""
                if rep:
                    out.append(rep)
                    pieces.append((pos, ms, me, False))
                    pos += len(rep)
                i = me
            if e > i:
                out.append(source[i:e])
                pieces.append((pos, i, e, True))
                pos += e - i
            prev_end = e
        text = "".join(out)
        # trim leading/trailing spaces while keeping the map consistent
        lead = len(text) - len(text.lstrip(" "))
        trail = len(text) - len(text.rstrip(" "))
        if lead or trail:
            mt = cls(text, pieces)
            return mt.slice(lead, len(text) - trail)
        return cls(text, pieces)

    def slice(self, cs: int, ce: int) -> "MappedText":
        """The clean substring ``text[cs:ce]`` as a MappedText of its own."""
        n = len(self.text)
        cs = max(0, min(cs, n))
        ce = max(cs, min(ce, n))
        pieces = []
        starts, all_pieces = self._cstarts, self._pieces
        # only the pieces overlapping [cs, ce): O(log n + k), not O(n) -- callers slice one
        # text many times (inline items, semicolon pieces), which would otherwise be quadratic
        i = max(0, bisect_right(starts, cs) - 1)
        hi = bisect_left(starts, ce) if ce > cs else i + 1
        last = len(all_pieces) - 1
        for j in range(i, min(hi + 1, len(all_pieces))):
            pc, po, pe, verb = all_pieces[j]
            nxt = starts[j + 1] if j < last else n
            if nxt <= cs or pc >= ce:
                continue
            if verb:
                a, b = max(pc, cs), min(nxt, ce)
                pieces.append((a - cs, po + (a - pc), po + (b - pc), True))
            else:
                pieces.append((max(pc, cs) - cs, po, pe, False))
        return MappedText(self.text[cs:ce], pieces)

    # -- mapping ----------------------------------------------------------------
    def orig_start(self, c: int) -> int:
        """Original offset where clean character ``c`` starts."""
        if not self._pieces:
            return 0
        i = max(0, bisect_right(self._cstarts, c) - 1)
        pc, po, pe, verb = self._pieces[i]
        if verb:
            return min(po + (c - pc), pe)
        return po

    def orig_end(self, c: int) -> int:
        """Original offset just after clean character ``c - 1`` (``c`` is exclusive)."""
        if not self._pieces:
            return 0
        if c <= 0:
            return self._pieces[0][1]
        i = max(0, bisect_right(self._cstarts, c - 1) - 1)
        pc, po, pe, verb = self._pieces[i]
        if verb:
            return min(po + (c - pc), pe)
        return pe

    def span(self, cs: int, ce: int) -> tuple[int, int]:
        """Original (start, end) of the clean range ``[cs, ce)``."""
        if ce <= cs:
            o = self.orig_start(cs) if cs < len(self.text) else self.orig_end(cs)
            return o, o
        return self.orig_start(cs), self.orig_end(ce)

    @property
    def orig_bounds(self) -> tuple[int, int]:
        if not self._pieces:
            return 0, 0
        return self._pieces[0][1], self._pieces[-1][2]

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"MappedText({self.text!r})"


def clean(source: str, start: int = 0, end: int | None = None) -> str:
    """The clean text of one stretch of the input (no map)."""
    return MappedText.build(source, [(start, len(source) if end is None else end)]).text
