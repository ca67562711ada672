"""Abbreviations defined in the text: 'upper limit of normal (ULN)' -> ULN = upper limit of normal.

Uses scispacy's abbreviation detection (Schwartz & Hearst) through its plain functions
``filter_matches`` (with ``short_form_filter``) and ``find_abbreviation``, on tokens from the
tokenizer of a blank English pipeline -- no trained model, and not the pipe component.
spaCy loads on first use only, and only criteria whose text holds a parenthesised short-form
candidate ``(SHORT)`` are tokenized, in short windows before each candidate.

The result is what scispacy's ``AbbreviationDetector`` component gives on those windows
(160 characters before each candidate), less its costs:

* a window is tokenized from a few words before its first '(' only: as many words as the
  long-form candidate scispacy takes before that '(' may hold (words are tokenized
  independently of what precedes them, and each is at least one token); when a candidate turns
  out to need more tokens, the whole window is tokenized;
* the component's parenthesis Matcher is a scan of the token texts (in the Matcher's order),
  and candidates that ``short_form_filter`` rejects for their token lengths are dropped before
  ``filter_matches`` builds spans;
* its "global matcher" (every other occurrence of a detected short form) is a scan of the token
  texts that keeps only the occurrences that can be a definition (after the long form, right
  after a '(');
* the vocabulary computes no lexical attributes for new words (nothing reads them), spaCy's
  tokenizer keeps more chunks in its cache than its default, and the detection is cached per
  window text (the same words before the same '(SHORT)' come back often in a registry).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

import regex

from .models import Abbreviation, Criterion
from .textmap import MappedText

# a parenthesised token of up to 12 characters with at least one capital: (ULN), (LVEF), (TKIs)
_CANDIDATE = regex.compile(r"\(\s*[\w\-/.]{0,11}[A-Z][\w\-/.]{0,11}\s*\)")

_NLP = None
_IDX_LENGTH = None  # spaCy's attribute ids, imported with spaCy
_SCISPACY = None  # scispacy.abbreviation's filter_matches and find_abbreviation, imported with spaCy
_TOKENIZER_CACHE = 200_000  # chunks whose tokenization spaCy keeps (about 10 MB at most)
WINDOW = 160  # characters before a '(SHORT)' searched for its long form

# scispacy's filter_matches: parentheses holding more than 8 tokens are ignored; up to 3 tokens
# inside are a short form, more are a long form (the short form is the token before '(').  A long
# form is looked for in at most min(n + 5, 2n) tokens before '(' (n = characters of the short
# form); short_form_filter wants every short-form token 2 to 9 characters long, so n <= 27.
_MAX_INSIDE = 8
_MAX_SHORT_TOKENS = 3
_MAX_SHORT_CHARS = 27


def _nlp():
    """The blank English pipeline, built once: only its tokenizer is used.  Its vocabulary
    computes no lexical attributes (shape, like_num, norm ...) for each new word: scispacy's
    functions read token texts only, and the English tokenizer splits text the same.  Also
    loads scispacy's functions."""
    global _NLP, _IDX_LENGTH, _SCISPACY
    if _NLP is None:
        import spacy
        from scispacy.abbreviation import filter_matches, find_abbreviation
        from spacy.attrs import IDX, LENGTH
        from spacy.vocab import Vocab

        _IDX_LENGTH = [IDX, LENGTH]
        _SCISPACY = (filter_matches, find_abbreviation)
        nlp = spacy.blank("en", vocab=Vocab())
        # the tokenizer caches how each whitespace-separated chunk splits; spaCy's default cap
        # (10,000 chunks, spaCy >= 3.8) is reached within a few thousand trials, after which
        # every new chunk runs the affix regexes again at each occurrence
        if getattr(nlp.tokenizer, "max_cache_size", _TOKENIZER_CACHE) < _TOKENIZER_CACHE:
            nlp.tokenizer.max_cache_size = _TOKENIZER_CACHE
        _NLP = nlp
    return _NLP


def has_candidate(text: str) -> bool:
    return _CANDIDATE.search(text) is not None


def find_abbreviations(text: str, criteria: Iterable[tuple[Criterion, MappedText]]) -> list[Abbreviation]:
    """Short forms defined in parentheses after their long form, one per definition, in text order.

    ``criteria`` are (Criterion, MappedText) pairs; offsets returned are ORIGINAL offsets.
    """
    # run the detector on short windows: the words before each '(SHORT)' (a long form is never
    # far from its short form), not on whole criteria; windows that overlap are one window
    found: dict[int, Abbreviation] = {}
    candidates = _CANDIDATE.finditer
    for _, mt in criteria:
        t = mt.text
        if "(" not in t:
            continue
        a = b = None
        for m in candidates(t):
            s = m.start() - WINDOW
            if b is not None:
                if s <= b:
                    b = m.end()
                    continue
                _window(found, mt, a, b)
            a, b = max(0, s), m.end()
        if b is not None:
            _window(found, mt, a, b)
    return [found[k] for k in sorted(found)]


def _window(found: dict[int, Abbreviation], mt: MappedText, a: int, b: int) -> None:
    """Add to ``found`` (by original start of the short form, the first one kept) the
    abbreviations defined in ``mt.text[a:b]``."""
    t = mt.text
    window = t[a:b]
    cut = _trim(window)
    hits = _detect(window[cut:], cut > 0)
    if hits is None:  # the trimmed window was too short for a long-form candidate: all of it
        cut = 0
        hits = _detect(window, False)
    base = a + cut
    for ss, se, ls, le, after_paren in hits:
        ss += base
        # keep the defining occurrence only: the short form in parentheses right after its
        # long form (_detect saw the '(' unless only white space was before it in the window)
        if not (after_paren or t[:ss].rstrip().endswith("(")):
            continue
        s0, s1 = mt.span(ss, se + base)
        if s0 in found:
            continue
        l0, l1 = mt.span(ls + base, le + base)
        found[s0] = Abbreviation.model_validate({
            "short": {"start": s0, "end": s1, "text": t[ss:se + base]},
            "long": {"start": l0, "end": l1, "text": t[ls + base:le + base]}})


def _trim(window: str) -> int:
    """Where to start tokenizing ``window``: a few words before its first '(', as many as the
    long-form candidate of the short form in those parentheses may hold (``_detect`` tells when
    a candidate needs more).  Whitespace-separated words are tokenized independently of what
    comes before them, and each is at least one token."""
    c = window.find("(")
    if c < 0:
        return 0
    close = window.find(")", c)
    n = min(len("".join(window[c + 1:close].split())), _MAX_SHORT_CHARS) if close > c else _MAX_SHORT_CHARS
    words = _long_words(max(n, 1))
    head = window[:c].rsplit(None, words)
    if len(head) <= words:
        return 0
    cut = len(head[0])
    return cut + len(window[cut:c]) - len(window[cut:c].lstrip())


def _long_words(n: int) -> int:
    """Tokens before '(' searched for the long form of an n-character short form (filter_matches)."""
    return min(n + 5, n * 2)


@lru_cache(maxsize=8192)
def _detect(text: str, trimmed: bool) -> Optional[tuple[tuple[int, int, int, int, bool], ...]]:
    """What scispacy's AbbreviationDetector sets on ``doc._.abbreviations`` for ``text``, in its
    order, as (short start, short end, long start, long end, after_paren) character offsets,
    less the occurrences that are certainly no definition (not after their long form, not right
    after a '('); ``after_paren`` is False when only white space is before the short form in
    ``text`` (the text before the window decides).  None when ``text`` is a ``trimmed`` window
    that cuts into a long-form candidate.  (Cached: the same few words before the same
    '(SHORT)' come back again and again in a registry.)"""
    doc = _nlp().make_doc(text)
    # the tokens' offsets and texts, without a Token object each
    idx = doc.to_array(_IDX_LENGTH).tolist()
    texts = [text[i:i + n] for i, n in idx]
    if ")" not in texts:
        return ()
    # the detector's Matcher [{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}] yields its matches by
    # end, then by start from the nearest '(' back; minus the brackets (start + 1, end - 1)
    matches = []
    opens: list[int] = []
    for q, tx in enumerate(texts):
        if tx == ")":
            for p in reversed(opens):
                inside = q - p - 1
                if inside > _MAX_INSIDE:
                    break
                if inside < 1:  # the Matcher's "+": at least one token inside
                    continue
                if inside <= _MAX_SHORT_TOKENS:  # the short form inside, its long form before '('
                    short = texts[p + 1:q]
                    need = _long_words(sum(map(len, short)))
                else:  # the long form inside, the short form the token before '('
                    short = texts[p - 1:p]
                    need = 1
                # pre-check of short_form_filter's token lengths (filter_matches decides)
                if not all(2 <= len(x) < 10 for x in short):
                    continue
                if p < need and trimmed:  # the window was cut too close to this '('
                    return None
                if p:  # filter_matches skips parentheses at the start of the doc
                    matches.append((0, p + 1, q))
        elif tx == "(":
            opens.append(q)
    if not matches:
        return ()
    # the detector's find_matches_for: the first definition of a long and of a short form wins
    # (a span's text is text[start_char:end_char])
    find_abbreviation = _SCISPACY[1]
    hits = []
    seen_long: set[str] = set()
    seen_short: set[str] = set()
    for long_candidate, short_candidate in _SCISPACY[0](matches, doc):
        short, long = find_abbreviation(long_candidate, short_candidate)
        if long is None:
            continue
        ls, le = long.start_char, long.end_char
        long_text = text[ls:le]
        short_text = text[short.start_char:short.end_char]
        if long_text in seen_long or short_text in seen_short:
            continue
        seen_long.add(long_text)
        seen_short.add(short_text)
        # the detector's global matcher: every occurrence of the short form's tokens takes
        # this long form; a definition is one after the long form, right after a '('
        words = texts[short.start:short.end]
        k = len(words)
        first = words[0]
        at = [texts.index(first)] if texts.count(first) == 1 else [i for i, x in enumerate(texts) if x == first]
        for i in at:
            s = idx[i][0]
            if s <= ls or (k > 1 and texts[i:i + k] != words):
                continue
            j = s - 1
            while j >= 0 and text[j].isspace():
                j -= 1
            if j < 0 or text[j] == "(":
                hits.append((s, sum(idx[i + k - 1]), ls, le, j >= 0))
    return tuple(hits)


def long_forms(abbreviations: Iterable[Abbreviation]) -> dict[str, str]:
    """{short: long} for the extractors."""
    return {a.short.text: a.long.text for a in abbreviations}
