"""The compiled pieces the extractor needs from a RuleSet, built once per RuleSet."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from ..patterns import RuleSet, load_rules

# comparator macro ids, in the order an op text is tried (longest phrases live in le/ge)
_OPS = (("op_le", "<="), ("op_ge", ">="), ("op_ne", "!="), ("op_lt", "<"), ("op_gt", ">"), ("op_eq", "="))
_POSTS = (("post_ge", ">="), ("post_le", "<="), ("post_gt", ">"))
_CMP_CACHE_SIZE = 4096


class Lexicon:
    __slots__ = ("rules", "thresholds", "temporals", "units", "names", "variants", "ops", "posts", "thr_prep",
                 "tmp_prep", "name_cache", "keywords", "thr_number", "active_cache",
                 "thr_scan", "cmp_cache", "unit_quantity", "numberless_words", "numberless_always",
                 "name_search", "name_any", "name_by_prefix", "first_name_cache")

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.thresholds = rules.of_kind("threshold")
        self.temporals = rules.of_kind("temporal")
        self.units = rules.of_kind("unit")
        self.unit_quantity: dict = {}  # UCUM code -> quantity of the first unit rule with that code
        for u in self.units:
            self.unit_quantity.setdefault(u.ucum, u.quantity)
        self.names = rules.of_kind("subject_name")
        # (name, bound search) of each subject-name rule, by priority: bound once, as reading
        # rule.regex (a property) in the per-subject loop costs ~0.1 us a rule
        self.name_search = [(r.name, r.regex.search) for r in self.names]
        from .prefixes import match_prefixes

        # the subject-name rules (positions in name_search) by the first three letters their matches
        # may start with, and those that may match any text: a text holding none of a rule's prefixes
        # is not searched by it (see _first_name)
        self.name_any: list[int] = []
        self.name_by_prefix: dict[str, list[int]] = {}
        for i, r in enumerate(self.names):
            prefixes = match_prefixes(r.regex)
            if prefixes is None:
                self.name_any.append(i)
            for g in prefixes or ():
                self.name_by_prefix.setdefault(g, []).append(i)
        self.first_name_cache: dict = {}  # subject text -> the first name rule's name (bounded, see _first_name)
        self.variants = rules.of_kind("variant_list")
        self.ops = [(rules[i].regex, c) for i, c in _OPS if i in rules.rules]
        self.posts = [(rules[i].regex, c) for i, c in _POSTS if i in rules.rules]
        from .scan import keyword_finder, prepared

        # rules that read a value with no number in the text ('> ULN': a fixed `value`): a criterion
        # without numbers is still read when one of their `requires` words occurs (or always, for one
        # such rule without `requires`)
        free = [r for r in self.thresholds if getattr(r, "value", None) is not None
                and getattr(r, "anchor", "scan") != "number"]  # (a number rule starts at a number)
        self.numberless_always = any(not r.requires for r in free)
        self.numberless_words = tuple(sorted({w.lower() for r in free for w in r.requires}))
        self.name_cache: dict = {}
        self.active_cache: dict = {}
        self.cmp_cache: dict = {}
        self.thr_prep = prepared(self.thresholds)
        self.tmp_prep = prepared(self.temporals)
        self.thr_number = [p for p in self.thr_prep if p[2]]  # by priority (of_kind sorts them)
        self.thr_scan = [p for p in self.thr_prep if not p[2]]
        self.keywords = keyword_finder(self.thr_prep, self.tmp_prep)

    def numberless(self, low: str) -> bool:
        """Whether a number-free rule may read a value in a criterion's lower-cased text."""
        return self.numberless_always or any(w in low for w in self.numberless_words)

    def comparator(self, text: str, table=None) -> Optional[str]:
        """The comparator an op (or post) text states; None when no macro reads it whole."""
        # a pure function of the text (few distinct op texts): cached, the cache emptied when full
        if table is not None and table is not self.posts:
            return self._comparator(text, table)
        key = (text, table is None)
        hit = self.cmp_cache.get(key, self.cmp_cache)
        if hit is self.cmp_cache:
            if len(self.cmp_cache) >= _CMP_CACHE_SIZE:
                self.cmp_cache.clear()
            hit = self.cmp_cache[key] = self._comparator(text, table)
        return hit

    def _comparator(self, text: str, table=None) -> Optional[str]:
        t = " ".join(text.split())
        for rx, cmp_ in (self.ops if table is None else table):
            m = rx.match(t)
            if m and m.end() == len(t):
                return cmp_
        # a lookahead (max(?=\d)) cannot succeed on the op alone: try with a number after it
        for rx, cmp_ in (self.ops if table is None else table):
            m = rx.match(t + " 1")
            if m and m.end() == len(t):
                return cmp_
        return None

    def post_comparator(self, text: str) -> Optional[str]:
        return self.comparator(text, self.posts)

    _cache: dict = {}
    _builtin: Optional["Lexicon"] = None
    _checking: Optional["Lexicon"] = None  # the lexicon of the rule set whose examples are being checked

    @classmethod
    def of(cls, rules: RuleSet) -> "Lexicon":
        key = id(rules)
        hit = cls._cache.get(key)
        if hit is None or hit.rules is not rules:
            hit = cls._cache[key] = cls(rules)
        return hit

    @classmethod
    def for_checks(cls) -> "Lexicon":
        """The lexicon example checks read comparators and units from: the rule set being loaded (see
        :func:`checking`), else the built-in one."""
        return cls._checking if cls._checking is not None else cls.builtin()

    @classmethod
    def builtin(cls) -> "Lexicon":
        """The built-in rules' lexicon, loaded without checking examples (used by checkers)."""
        if cls._builtin is None:
            cls._builtin = cls(load_rules(check=False))
        return cls._builtin



@contextmanager
def checking(rules: RuleSet) -> Iterator[Lexicon]:
    """``with checking(rules):`` -- example checks use ``rules``' own lexicon (the one its parser will
    use), so loading a rule set does not load a second copy of the built-in rules to check against."""
    Lexicon._checking = Lexicon.of(rules)
    try:
        yield Lexicon._checking
    finally:
        Lexicon._checking = None
