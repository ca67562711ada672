"""The Parser: configuration (rule files, extractors) and the parse / pipe entry points.

Pipeline: read_input -> structure (lines, sections, markers, nesting, inline
sub-conditions, logic) -> per-criterion extractors (thresholds, temporal windows,
variant lists) on each criterion's clean text -> Document.  spaCy is used only by the
abbreviation extractor, loaded on first use.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Optional, Sequence, Union
import os

from .errors import ConfigError
from .inputs import InputText, read_input
from .models import Document
from .patterns import RuleSet, load_rules, default_rules

EXTRACTORS = ("thresholds", "abbreviations")


class Parser:
    """``Parser(pattern_dirs=[...], extractors=[...])`` -- build once, parse many.

    ``pattern_dirs``: extra rule files or directories (validated now: a bad file raises
    PatternError here, never mid-batch).  ``extractors``: which per-criterion extractors run
    (default all of ``EXTRACTORS``).
    """

    def __init__(self, pattern_dirs: Sequence[Union[str, os.PathLike]] = (),
                 extractors: Optional[Iterable[str]] = None) -> None:
        self.pattern_dirs = [str(p) for p in pattern_dirs]
        self.rules: RuleSet = load_rules(self.pattern_dirs) if self.pattern_dirs else default_rules()
        chosen = tuple(EXTRACTORS if extractors is None else extractors)
        unknown = [e for e in chosen if e not in EXTRACTORS]
        if unknown:
            raise ConfigError(f"unknown extractor(s) {unknown}; known: {list(EXTRACTORS)}", code="E301")
        self.extractors = chosen

    def parse(self, text: str, input_format: str = "auto") -> Document:
        """Parse eligibility text (or a study JSON record given as a string) into a Document."""
        return self.parse_input(read_input(text, input_format))

    def parse_input(self, inp: InputText) -> Document:
        from .build import build_document

        return build_document(inp, self.rules, self.extractors)

    def pipe(self, texts: Iterable[str], n_process: int = 1, batch_size: int = 64) -> Iterator[Document]:
        """Parse many texts, yielding documents in input order.

        ``n_process``: 1 parses in-process; N > 1 uses N worker processes (each builds this
        Parser's configuration once), ``-1`` (or 0) all cores.  ``batch_size``: texts sent to a
        worker at a time.  An exception ``parse`` would raise is raised at that text's place.
        """
        if n_process is None or n_process < 1:
            n_process = os.cpu_count() or 1
        if n_process == 1:
            for t in texts:
                yield self.parse(t)
            return
        from .batch import parallel_map_documents

        yield from parallel_map_documents(self, texts, n_process=n_process, batch_size=batch_size)


_DEFAULT_PARSER: Optional[Parser] = None


def parse(text: str, input_format: str = "auto") -> Document:
    """Parse eligibility text with the built-in rules.  Never raises on any text."""
    global _DEFAULT_PARSER
    if _DEFAULT_PARSER is None:
        _DEFAULT_PARSER = Parser()
    return _DEFAULT_PARSER.parse(text, input_format)
