"""Clean text with a map back to the original input.

Parsing runs on *clean* text (markdown escapes removed, HTML character references decoded,
hard wraps joined, odd spaces
and full-width punctuation folded) but every node reports offsets into the ORIGINAL
string.  ``MappedText`` keeps the clean string with a piecewise map: a list of pieces
``(clean_start, orig_start, orig_end, verbatim)``.  Verbatim pieces map character for
character; replaced pieces (``\\<`` -> ``<``, a line break plus indent -> one space) map
to the whole original stretch they replaced.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right

# Characters folded when building clean text.  Escapes are markdown backslash escapes.
_FOLD = {
    "\t": " ", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u3000": " ", "\u2002": " ", "\u2003": " ", "\ufeff": "", "\u200b": "",
    "\uff1b": ";", "\uff1a": ":", "\uff08": "(", "\uff09": ")", "\uff0c": ",", "\uff0e": ".",
    "\uff1c": "<", "\uff1e": ">", "\uff1d": "=", "\uff05": "%", "\uff0d": "-", "\u3001": ",",
    "\u3002": ".", "\uff01": "!", "\uff1f": "?", "\uff3b": "[", "\uff3d": "]",
    # modifier-letter arrowheads, typed (or converted by word processors) for '<' and '>'
    "\u02c2": "<", "\u02c3": ">",
}
# (the standard library's engine: this plain alternation of character classes needs nothing of
# the ``regex`` module and the standard one scans it faster)
_SINGLES = ("\t\u00a0\u2007\u202f\u2009\u200a\u3000\u2002\u2003\r\n\ufeff\u200b"
            "\uff1b\uff1a\uff08\uff09\uff0c\uff0e\uff1c\uff1e\uff1d\uff05\uff0d\u3001\u3002\uff01\uff1f\uff3b\uff3d\u02c2\u02c3")
# HTML character references left in exported text ('HbA1c &gt; 6.5%', escaped as '\\&gt;' in markdown):
# one character each
_ENTITY = r"&(?:lt|gt|le|ge|amp|nbsp|quot|apos|plusmn|micro|deg|#[0-9]{2,5}|#[xX][0-9a-fA-F]{2,4});"
# inline HTML tags left in exported text ('<b>HbA1c</b>', '1.5 x 10<sup>9</sup>/L'): dropped, except that an
# opening <sup> is '^' (a power); block tags (<br>, <p>, <li>) break lines (see lines.line_spans).  A tag's
# attributes must look like name=...: 'x <b and y> z' is text
_INLINE_TAG = r"(?i:</?(?:b|i|u|em|strong|span|font|sub|sup|small|big|a)(?:\s+[a-z-]+\s*=[^<>]{0,200})?\s*/?>)"
_SPECIAL = re.compile(
    # (a reference and its escaped form are two branches with a literal first character each, so the
    # engine can scan for those characters)
    _ENTITY + r"|\\" + _ENTITY + "|" + _INLINE_TAG +
    r"|\\[!-/:-@\[-`{-~]"                 # markdown escapes: any ASCII punctuation
    r"|[ \t\u00a0\u2007\u202f\u2009\u200a\u3000\u2002\u2003\r\n]{2,}"  # whitespace runs
    "|[" + _SINGLES + "]"
)
_SPECIAL_SEARCH = _SPECIAL.search
_SPECIAL_FINDITER = _SPECIAL.finditer


def _entity(tok: str) -> str:
    """The one character an HTML character reference stands for (folded as a character of the
    input would be); the reference itself when it names no usable character ('&#0;')."""
    ch = html.unescape(tok.lstrip("\\"))
    if len(ch) != 1 or (ord(ch) < 32 and ch not in "\t\n\r") or 0xD800 <= ord(ch) <= 0xDFFF:
        return tok
    if ch.isspace():
        return " "
    return _FOLD.get(ch, ch)


def _replacement(tok: str) -> str:
    """What one special token of the source becomes in the clean text (before the rule that a
    space never follows a space or starts the text)."""
    if tok[0] == "\\" and len(tok) == 2:
        return tok[1]
    if len(tok) >= 2 or tok in "\r\n\t" or tok.isspace():
        return " "
    return _FOLD.get(tok, tok)


def segment(source: str, s: int, e: int) -> tuple[str, list[tuple[int, int, int, bool]]]:
    """The clean text of ``source[s:e]`` and its pieces (clean offsets from 0), untrimmed.

    A replacement that would be a space is dropped at the start (and after a space), so the
    result does not depend on what was built before it when segments are joined with " ": see
    :func:`join_segments`."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    pos = 0
    i = s
    space = True  # the text so far is empty or ends with a space
    for m in _SPECIAL_FINDITER(source, s, e):
        ms, me = m.span()
        if ms > i:
            out.append(source[i:ms])
            pieces.append((pos, i, ms, True))
            pos += ms - i
            space = source[ms - 1] == " "
        if me - ms == 1:
            rep = _SINGLE_REPLACEMENT[source[ms]]
        elif me - ms == 2 and source[ms] == "\\":
            rep = source[ms + 1]
        elif source[me - 1] == ";":
            rep = _entity(source[ms:me])
        elif source[ms] == "<":  # an inline tag
            rep = "^" if source[ms + 1:ms + 4].lower() == "sup" else ""
        else:
            rep = " "
        if rep == " " and space:
            rep = ""
        if rep:
            out.append(rep)
            pieces.append((pos, ms, me, False))
            pos += len(rep)
            space = rep[-1] == " "
        i = me
    if e > i:
        out.append(source[i:e])
        pieces.append((pos, i, e, True))
    return "".join(out), pieces


def join_segments(source: str, segments: list[tuple[int, int]],
                  known: dict | None = None) -> "MappedText":
    """``MappedText.build(source, segments)`` from the clean text of each segment.

    ``known`` maps a segment ``(s, e)`` to its ``segment(source, s, e)`` when the caller has it
    already (``pieces`` None for a segment with nothing to clean, whose clean text is
    ``source[s:e]``), so lines joined into one block are not cleaned twice.  The result is the
    same: with a space as the joiner, a segment's clean text does not depend on the ones before it
    (a space replacement at its start is dropped either way), so the joined text is the segments'
    texts with a joiner between two segments unless the text so far is empty or ends with a space.
    """
    texts: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    cstarts: list[int] = []
    pos = 0
    prev_end = None
    last_space = False
    for s, e in segments:
        if s >= e:
            continue
        if prev_end is not None and texts and not last_space:
            texts.append(" ")
            pieces.append((pos, prev_end, s, False))
            cstarts.append(pos)
            pos += 1
            last_space = True
        got = known.get((s, e)) if known is not None else None
        if got is None:
            if _SPECIAL_SEARCH(source, s, e) is None:
                t, ps = source[s:e], None
            else:
                t, ps = segment(source, s, e)
        else:
            t, ps = got
        if t:
            if ps is None:
                pieces.append((pos, s, e, True))
                cstarts.append(pos)
            elif pos:
                for pc, po, pe, verb in ps:
                    pieces.append((pc + pos, po, pe, verb))
                    cstarts.append(pc + pos)
            else:
                pieces.extend(ps)
                cstarts.extend(p[0] for p in ps)
            texts.append(t)
            pos += len(t)
            last_space = t[-1] == " "
        prev_end = e
    text = "".join(texts)
    mt = MappedText(text, pieces, cstarts)
    if text[:1] == " " or text[-1:] == " ":
        # trim leading/trailing spaces while keeping the map consistent
        return mt.slice(len(text) - len(text.lstrip(" ")), len(text.rstrip(" ")))
    return mt


_SINGLE_REPLACEMENT = {c: _replacement(c) for c in _SINGLES}


class MappedText:
    """A clean string plus the map of each clean character to the original input."""

    __slots__ = ("text", "_cstarts", "_pieces")

    def __init__(self, text: str, pieces: list[tuple[int, int, int, bool]], _cstarts: list[int] | None = None):
        self.text = text
        self._pieces = pieces  # (clean_start, orig_start, orig_end, verbatim)
        self._cstarts = [p[0] for p in pieces] if _cstarts is None else _cstarts

    # -- building ---------------------------------------------------------------
    @classmethod
    def build(cls, source: str, segments: list[tuple[int, int]]) -> "MappedText":
        """Clean ``source[s:e]`` for each segment and join segments with one space.

        The joining space maps to the original text between the two segments (the line break
        and indentation it stands for).  Leading and trailing white space is dropped.
        """
        if len(segments) == 1:
            s, e = segments[0]
            if s < e and _SPECIAL_SEARCH(source, s, e) is None:
                # the common case: one stretch with nothing to clean
                text = source[s:e]
                if text[0] != " " and text[-1] != " ":
                    return cls(text, [(0, s, e, True)], [0])
        return join_segments(source, segments)

    def slice(self, cs: int, ce: int) -> "MappedText":
        """The clean substring ``text[cs:ce]`` as a MappedText of its own."""
        n = len(self.text)
        cs = max(0, min(cs, n))
        ce = max(cs, min(ce, n))
        starts, all_pieces = self._cstarts, self._pieces
        npieces = len(all_pieces)
        pieces = []
        cstarts = []
        # only the pieces overlapping [cs, ce): O(log n + k), not O(n) -- callers slice one
        # text many times (inline items, semicolon pieces), which would otherwise be quadratic
        i = bisect_right(starts, cs) - 1
        if i < 0:
            i = 0
        hi = bisect_left(starts, ce) if ce > cs else i + 1
        last = npieces - 1
        for j in range(i, min(hi + 1, npieces)):
            pc, po, pe, verb = all_pieces[j]
            nxt = starts[j + 1] if j < last else n
            if nxt <= cs or pc >= ce:
                continue
            if verb:
                a = pc if pc > cs else cs
                b = nxt if nxt < ce else ce
                pieces.append((a - cs, po + (a - pc), po + (b - pc), True))
                cstarts.append(a - cs)
            else:
                a = (pc if pc > cs else cs) - cs
                pieces.append((a, po, pe, False))
                cstarts.append(a)
        return MappedText(self.text[cs:ce], pieces, cstarts)

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
        pieces = self._pieces
        if len(pieces) == 1 and 0 <= cs < ce and pieces[0][3]:
            # one verbatim stretch (most criteria): what orig_start/orig_end give, without a
            # bisect each (the extractors map ~30 ranges a trial)
            pc, po, pe, _ = pieces[0]
            a, b = po + (cs - pc), po + (ce - pc)
            return (a if a < pe else pe), (b if b < pe else pe)
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
