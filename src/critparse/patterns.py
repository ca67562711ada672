"""Declarative rule files: loading, validation, examples.

Rule files are JSON Lines (``*.jsonl``): one rule object a line; blank lines and lines
starting with ``#`` are skipped.  Every rule has ``id``, ``kind``, ``pattern`` (a regular
expression for the ``regex`` module) and ``examples``; each kind adds its own fields and
is validated by its own pydantic model with ``extra="forbid"``.  Errors are raised as
:class:`~critparse.errors.PatternError` naming file, line and field, when the rule set is
built -- never while parsing.

``{{name}}`` inside a pattern is replaced by the pattern of the ``macro`` rule whose id is
``name`` (macros may use earlier macros).  A rule whose id repeats a built-in rule's id
replaces it (that is how a user overrides a built-in rule); a repeated id inside one
source is an error.  See ``patterns/README.md`` for the kinds and their fields.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Optional, Union

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import PatternError

REGEX_TIMEOUT = 1.0  # seconds; a safety net against catastrophic backtracking
_PLAIN_WORDS = regex.compile(r"[A-Za-z0-9]+(?:\|[A-Za-z0-9]+)*")  # a prefilter that is a list of words


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    match: Optional[str] = None     # the text the pattern must match (group 0), if given
    expect: Optional[dict[str, Any]] = None  # kind-specific expectations, checked by the kind


class Rule(BaseModel):
    """Fields every rule has.  Kinds subclass this and add their own."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.:-]+$")
    kind: str
    pattern: str
    flags: list[Literal["i", "x", "m", "s"]] = Field(default_factory=lambda: ["i"])
    description: Optional[str] = None
    priority: int = 0
    # optional cheap regex that must be found in a text before ``pattern`` is tried there: it
    # lets most texts skip an expensive pattern (every example must contain it)
    prefilter: Optional[str] = None
    examples: list[Union[str, Example]] = Field(min_length=1)
    counter_examples: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("pattern is empty")
        return v

    # filled in by the loader
    _compiled: Any = None
    _prefilter: Any = None
    _source: str = ""
    _line: int = 0
    _builtin: bool = False  # read from the package's own rule files (see is_builtin)

    @property
    def regex(self) -> "regex.Pattern[str]":
        # read the private slot directly: pydantic's __getattr__ is slow in hot loops
        return self.__pydantic_private__["_compiled"]

    @property
    def where(self) -> str:
        return f"{self._source}:{self._line}"

    def example_objects(self) -> list[Example]:
        return [Example(text=e) if isinstance(e, str) else e for e in self.examples]


def is_builtin(rule: Rule) -> bool:
    """Whether a rule comes from the package's own rule files.  Those patterns are bounded and
    tested on pathological input (benchmarks/bench_pathological.py), so hot loops run them without
    the regex timeout (it costs some microseconds a call); a user's rule always gets the timeout."""
    return bool(getattr(rule, "_builtin", False))


def guarded(rules: Union[Rule, list[Rule]], rx: "regex.Pattern[str]", method: str):
    """``rx.<method>`` (``match``, ``search``, ``finditer``), with the regex timeout unless every
    rule in ``rx`` (one rule, or the rules of a union) is built in."""
    f = getattr(rx, method)
    builtin = all(is_builtin(r) for r in rules) if isinstance(rules, list) else is_builtin(rules)
    return f if builtin else partial(f, timeout=REGEX_TIMEOUT)


class MacroRule(Rule):
    kind: Literal["macro"]


# kind name -> (model, optional example checker(rule, example) -> error message or None)
_KINDS: dict[str, tuple[type[Rule], Optional[Callable[[Rule, Example], Optional[str]]]]] = {
    "macro": (MacroRule, None),
}


def register_kind(name: str, model: type[Rule],
                  check: Optional[Callable[[Rule, Example], Optional[str]]] = None) -> None:
    """Register a rule kind: its pydantic model and an optional example checker.

    The checker gets a compiled rule and one example and returns an error message when the
    example does not give what it expects (beyond matching, which the loader checks).
    """
    _KINDS[name] = (model, check)


def kinds() -> dict[str, type[Rule]]:
    return {k: v[0] for k, v in _KINDS.items()}


def _flags(rule: Rule) -> int:
    f = 0
    for c in rule.flags:
        f |= {"i": regex.IGNORECASE, "x": regex.VERBOSE, "m": regex.MULTILINE, "s": regex.DOTALL}[c]
    return f


_MACRO_REF = regex.compile(r"\{\{([A-Za-z0-9_.:-]+)\}\}")


def _expand(pattern: str, macros: dict[str, str], where: tuple[str, int], depth: int = 0) -> str:
    if depth > 20:
        raise PatternError("macro references nest too deeply", file=where[0], line=where[1], field="pattern")

    def sub(m: "regex.Match[str]") -> str:
        name = m.group(1)
        if name not in macros:
            raise PatternError(f"unknown macro '{{{{{name}}}}}'", file=where[0], line=where[1], field="pattern")
        return "(?:" + _expand(macros[name], macros, where, depth + 1) + ")"

    return _MACRO_REF.sub(sub, pattern)


class _WordPrefilter:
    """A prefilter that is a list of words: substring tests on ASCII text, the regex otherwise."""

    __slots__ = ("search", "words", "words_i")

    def __init__(self, search: Callable, words: tuple[str, ...], words_i: tuple[str, ...]):
        self.search, self.words, self.words_i = search, words, words_i  # words_i: lower case

    def __call__(self, text: str) -> bool:
        if not text.isascii():
            return self.search(text) is not None
        for w in self.words:
            if w in text:
                return True
        if self.words_i:
            low = text.lower()
            for w in self.words_i:
                if w in low:
                    return True
        return False

    def __reduce__(self):
        return _WordPrefilter, (self.search, self.words, self.words_i)


@dataclass
class RuleSet:
    """Compiled rules, grouped by kind, in priority then file order."""

    rules: dict[str, Rule] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    _by_kind: dict = field(default_factory=dict, repr=False)
    _union: dict = field(default_factory=dict, repr=False)

    def of_kind(self, kind: str) -> list[Rule]:
        """Rules of one kind, highest priority first, then in file order (cached)."""
        got = self._by_kind.get(kind)
        if got is None:
            found = [r for r in self.rules.values() if r.kind == kind]
            got = self._by_kind[kind] = sorted(found, key=lambda r: -r.priority)
        return got

    def compiled(self, kind: str) -> list[tuple[Rule, "regex.Pattern[str]"]]:
        """(rule, compiled pattern) pairs of one kind, for hot loops (cached)."""
        key = ("pairs", kind)
        got = self._union.get(key)
        if got is None:
            got = self._union[key] = [(r, r.regex) for r in self.of_kind(kind)]
        return got

    def runners(self, kind: str, method: str) -> list[tuple[Rule, Any]]:
        """(rule, bound ``method`` of its pattern) pairs of one kind (cached): ``search`` /
        ``finditer`` / ``match`` with the regex timeout for a user's rule, without it for a
        built-in one (see :func:`is_builtin`)."""
        key = ("runners", kind, method)
        got = self._union.get(key)
        if got is None:
            got = self._union[key] = [(r, guarded(r, rx, method)) for r, rx in self.compiled(kind)]
        return got

    def union(self, kind: str) -> tuple["regex.Pattern[str]", list[Rule]]:
        """One alternation of every rule of ``kind`` (in order), for a single ``match`` per
        string: the first alternative that matches is the first rule that would."""
        got = self._union.get(kind)
        if got is None:
            rules = self.of_kind(kind)
            macros = {r.id: r.pattern for r in self.rules.values() if r.kind == "macro"}
            parts = []
            for i, r in enumerate(rules):
                flags = "".join(sorted(set(r.flags)))
                body = _expand(r.pattern, macros, (r._source, r._line))
                parts.append(f"(?P<_r{i}>(?{flags}:{body}))" if flags else f"(?P<_r{i}>{body})")
            got = self._union[kind] = (regex.compile("|".join(parts) or "(?!)"), rules)
        return got

    def prefilter(self, kind: str) -> Optional["regex.Pattern[str]"]:
        """One alternation of the ``prefilter`` of every rule of ``kind``, or None when a rule
        has none: a text it does not find cannot match any rule of the kind."""
        key = ("prefilter", kind)
        if key not in self._union:
            rules = self.of_kind(kind)
            pre = None
            if rules and all(r.prefilter for r in rules):
                parts = [f"(?{''.join(sorted(set(r.flags)))}:{r.prefilter})" if r.flags else f"(?:{r.prefilter})"
                         for r in rules]
                pre = regex.compile("|".join(parts))
            self._union[key] = pre
        return self._union[key]

    def prefilter_test(self, kind: str) -> Optional[Callable[[str], Any]]:
        """A test, true (a match or True) when ``prefilter(kind).search(text)`` finds something,
        or None when the kind has no prefilter.  When every rule's prefilter is anchored ("^..."
        without "|", "(?" or the "m" flag) the search is a ``match``; when every one is a plain
        alternation of words (letters, digits), an ASCII text is tested with substring tests
        instead of the regex engine (exact: on ASCII text a case-insensitive word is found iff
        its lower case is found in the text's lower case); any other text goes to the regex."""
        key = ("prefilter_test", kind)
        if key in self._union:
            return self._union[key]
        pre = self.prefilter(kind)
        test = None
        if pre is not None:
            search = pre.search
            words_i: set[str] = set()
            words: set[str] = set()
            plain = True
            for r in self.of_kind(kind):
                if not _PLAIN_WORDS.fullmatch(r.prefilter) or "x" in r.flags:
                    plain = False
                    break
                (words_i if "i" in r.flags else words).update(w.lower() if "i" in r.flags else w
                                                              for w in r.prefilter.split("|"))
            anchored = all(r.prefilter.startswith("^") and "|" not in r.prefilter and "(?" not in r.prefilter
                           and "m" not in r.flags for r in self.of_kind(kind))
            if anchored:
                # every prefilter is anchored at the start: a search is a match
                test = pre.match
            elif plain:
                test = _WordPrefilter(search, tuple(sorted(words)), tuple(sorted(words_i)))
            else:
                test = search
        self._union[key] = test
        return test

    def match_first(self, kind: str, text: str) -> Optional[tuple[Rule, "regex.Match[str]"]]:
        """The first rule of ``kind`` whose pattern matches at the start of ``text``."""
        rx, rules = self.union(kind)
        m = rx.match(text, timeout=REGEX_TIMEOUT)
        if m is None:
            return None
        for i in range(len(rules)):
            if m.start(f"_r{i}") >= 0:
                return rules[i], m
        return None  # pragma: no cover

    def __getitem__(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def __len__(self) -> int:
        return len(self.rules)


def _read_source(path: Path, display: str) -> list[tuple[int, dict]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PatternError(f"cannot read rule file: {exc.strerror or exc}", file=display, code="E101") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PatternError(f"not UTF-8 (byte offset {exc.start})", file=display, line=line, code="E102") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    out = []
    # split on "\n" only: str.splitlines() also breaks at \x0b, \x0c, \x1c-\x1e, \x85, U+2028/9,
    # which may sit inside a JSON string and would shift every line number after them
    for n, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as exc:
            raise PatternError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=display, line=n,
                               code="E103") from None
        if not isinstance(obj, dict):
            raise PatternError("a rule must be a JSON object", file=display, line=n, code="E103")
        out.append((n, obj))
    return out


def _validate(obj: dict, display: str, line: int) -> Rule:
    kind = obj.get("kind")
    if "kind" not in obj:
        raise PatternError("the rule has no 'kind'", file=display, line=line, field="kind", code="E104")
    if not isinstance(kind, str) or kind not in _KINDS:
        known = ", ".join(sorted(_KINDS))
        raise PatternError(f"unknown rule kind {kind!r}; known kinds: {known}", file=display, line=line,
                           field="kind", code="E104")
    model = _KINDS[kind][0]
    try:
        rule = model.model_validate(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise PatternError(err["msg"], file=display, line=line, field=loc or None, code="E105") from None
    rule._source, rule._line = display, line
    return rule


def _compile(rule: Rule, macros: dict[str, str]) -> None:
    where = (rule._source, rule._line)
    pattern = _expand(rule.pattern, macros, where)
    try:
        rule._compiled = regex.compile(pattern, _flags(rule))
    except regex.error as exc:
        raise PatternError(f"invalid regular expression: {exc}", file=where[0], line=where[1],
                           field="pattern", code="E106") from None
    if rule.prefilter is not None:
        try:
            rule._prefilter = regex.compile(rule.prefilter, _flags(rule))
        except regex.error as exc:
            raise PatternError(f"invalid regular expression: {exc}", file=where[0], line=where[1],
                               field="prefilter", code="E106") from None


def check_examples(rule: Rule) -> list[str]:
    """Messages for every example of ``rule`` that fails (empty when all pass)."""
    problems = []
    check = _KINDS.get(rule.kind, (None, None))[1]
    for i, ex in enumerate(rule.example_objects()):
        try:
            m = rule.regex.search(ex.text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            problems.append(f"examples[{i}]: pattern timed out after {REGEX_TIMEOUT:g} s on {ex.text!r} "
                            "(catastrophic backtracking?)")
            continue
        if m is None:
            problems.append(f"examples[{i}]: pattern does not match {ex.text!r}")
            continue
        if rule._prefilter is not None and rule._prefilter.search(ex.text) is None:
            problems.append(f"examples[{i}]: prefilter does not match {ex.text!r} (the rule would never run)")
            continue
        requires = getattr(rule, "requires", None)
        if requires and not any(w.lower() in ex.text.lower() for w in requires):
            problems.append(f"examples[{i}]: none of the 'requires' words occurs in {ex.text!r} (the rule would never run)")
            continue
        if ex.match is not None and m.group(0) != ex.match:
            problems.append(f"examples[{i}]: matched {m.group(0)!r}, expected {ex.match!r}")
            continue
        if check is not None:
            try:
                msg = check(rule, ex)
            except TimeoutError:
                msg = f"pattern timed out on {ex.text!r} (catastrophic backtracking?)"
            except Exception as exc:  # a malformed 'expect' must not crash the loader
                msg = f"cannot check the example's expectations: {type(exc).__name__}: {exc}"
            if msg:
                problems.append(f"examples[{i}]: {msg}")
    for i, text in enumerate(rule.counter_examples):
        try:
            m = rule.regex.search(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            problems.append(f"counter_examples[{i}]: pattern timed out after {REGEX_TIMEOUT:g} s on {text!r} "
                            "(catastrophic backtracking?)")
            continue
        if m is not None:
            problems.append(f"counter_examples[{i}]: pattern matches {m.group(0)!r} in {text!r}")
    return problems


def builtin_dir() -> Path:
    """The directory of the rule files shipped with critparse."""
    packaged = resources.files("critparse") / "patterns"
    try:
        p = Path(str(packaged))
        if p.is_dir():
            return p
    except TypeError:  # pragma: no cover - zipped installs
        pass
    # a source checkout / editable install: the top-level patterns/ folder
    return Path(__file__).resolve().parents[2] / "patterns"


def rule_files(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise PatternError("no such rule file or directory", file=str(directory), code="E101")
    found = sorted(p for p in directory.rglob("*.jsonl") if p.is_file())
    return found


def load_rules(extra: Iterable[Union[str, os.PathLike]] = (), *, builtin: bool = True,
               check: bool = True) -> RuleSet:
    """Load the built-in rule files, then ``extra`` files or directories (which may override).

    Raises :class:`PatternError` for the first problem found: a file that cannot be read, a
    line that is not JSON, an unknown kind or field, an invalid regex, an example that fails.
    """
    _ensure_kinds()
    sources: list[tuple[Path, str]] = []
    if builtin:
        base = builtin_dir()
        sources += [(p, f"patterns/{p.relative_to(base).as_posix()}") for p in rule_files(base)]
    n_builtin = len(sources)  # the package's own files come first
    for e in extra:
        d = Path(e)
        files = rule_files(d)
        if not files:
            raise PatternError("the directory holds no *.jsonl rule files", file=str(d), code="E101")
        sources += [(p, str(p)) for p in files]
    rs = RuleSet()
    parsed: list[Rule] = []
    builtin_ids: set[str] = set()
    user_sources = {display for _, display in sources if not display.startswith("patterns/")}
    for k, (path, display) in enumerate(sources):
        seen_here: set[str] = set()
        for line, obj in _read_source(path, display):
            rule = _validate(obj, display, line)
            rule._builtin = k < n_builtin
            if rule.id in seen_here:
                raise PatternError(f"duplicate rule id {rule.id!r}", file=display, line=line, field="id",
                                   code="E107")
            prev = rs.rules.get(rule.id)
            if prev is not None and (prev._source in user_sources or display.startswith("patterns/")):
                # a user rule may replace a built-in rule; two built-in rules, or two user rules,
                # with one id are ambiguous
                raise PatternError(f"duplicate rule id {rule.id!r} (also at {prev.where})",
                                   file=display, line=line, field="id", code="E107")
            seen_here.add(rule.id)
            if display.startswith("patterns/"):
                builtin_ids.add(rule.id)
            rs.rules[rule.id] = rule
            parsed.append(rule)
        rs.sources.append(display)
    macros: dict[str, str] = {}
    for rule in rs.rules.values():
        if rule.kind == "macro":
            macros[rule.id] = rule.pattern
    if any(r.kind == "macro" and not r._builtin for r in rs.rules.values()):
        for rule in rs.rules.values():
            rule._builtin = False  # a user's macro may be expanded in any pattern: all keep the timeout
    for rule in rs.rules.values():
        _compile(rule, macros)
    if check:
        from .thresholds.lexicon import checking

        with checking(rs):  # (checked against this rule set's own comparators and units)
            for rule in rs.rules.values():
                problems = check_examples(rule)
                if problems:
                    field_name = problems[0].split(":", 1)[0]
                    raise PatternError(f"rule {rule.id!r}: {problems[0].split(': ', 1)[1]}", file=rule._source,
                                       line=rule._line, field=field_name, code="E108")
    # the one-alternation-per-kind unions are built lazily at parse time; a user rule can break
    # its kind's union (e.g. a numbered back-reference \\1 shifts once rules are combined), so
    # build the unions of every kind holding a user rule now: errors belong to load time
    user_kinds = {r.kind for r in rs.rules.values() if r._source in user_sources and r.kind != "macro"}
    for kind in sorted(user_kinds):
        _check_union(rs, kind)
    return rs


def _check_union(rs: RuleSet, kind: str) -> None:
    try:
        rs.union(kind)
        return
    except regex.error as exc:
        first_error = exc
    rules = rs.of_kind(kind)
    # find the first rule whose addition breaks the alternation (error path only: quadratic is fine)
    culprit = rules[-1]
    for i in range(len(rules)):
        sub = RuleSet(rules={r.id: r for r in rules[: i + 1]} | {r.id: r for r in rs.rules.values()
                                                                  if r.kind == "macro"})
        try:
            sub.union(kind)
        except regex.error:
            culprit = rules[i]
            break
    rs._union.pop(kind, None)
    raise PatternError(f"rule {culprit.id!r} cannot be combined with the other {kind!r} rules: {first_error} "
                       "(numbered back-references such as \\1 are not supported; use a named group (?P=name))",
                       file=culprit._source, line=culprit._line, field="pattern", code="E109")


_KIND_MODULES = ("critparse.structure_rules", "critparse.thresholds.rules")


def _ensure_kinds() -> None:
    """Import the modules that register rule kinds (kept here so loading has one entry)."""
    import importlib

    for mod in _KIND_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:  # a module not written yet in a partial checkout
            if not exc.name or not mod.startswith(exc.name):
                raise


_DEFAULT: Optional[RuleSet] = None


def default_rules() -> RuleSet:
    """The built-in rule set, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules()
    return _DEFAULT
