"""critparse as a spaCy pipeline component: ``nlp.add_pipe("critparse")`` sets ``doc._.criteria``.

    >>> import spacy, critparse.spacy_component  # or let spaCy find it through the entry point
    >>> nlp = spacy.blank("en")
    >>> nlp.add_pipe("critparse")  # doctest: +SKIP
    >>> doc = nlp("Inclusion Criteria:\\n* Age >= 18 years")  # doctest: +SKIP
    >>> doc._.criteria.sections[0].type  # doctest: +SKIP
    'inclusion'

``doc._.criteria`` is a :class:`critparse.Document` (offsets index ``doc.text``), or None before the
component ran.  Config: ``pattern_dirs`` (extra rule files/directories), ``extractors`` (default all),
``input_format`` (default ``auto``).  The Parser is built on the first document.

This module imports spaCy; ``import critparse`` does not import this module.  Importing it twice
(or through spaCy's ``spacy_factories`` entry point and directly) is safe.
"""
from __future__ import annotations

from typing import Iterable, Iterator, List, Optional

from spacy.language import Language
from spacy.tokens import Doc

EXTENSION = "criteria"

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=None)


class CritparseComponent:
    """Parses ``doc.text`` with a critparse Parser and stores the Document in ``doc._.criteria``."""

    def __init__(self, nlp: Optional[Language] = None, name: str = "critparse",
                 pattern_dirs: Iterable[str] = (), extractors: Optional[Iterable[str]] = None,
                 input_format: str = "auto") -> None:
        self.name = name
        self.pattern_dirs = [str(p) for p in pattern_dirs]
        self.extractors = None if extractors is None else list(extractors)
        self.input_format = input_format
        self._parser = None

    @property
    def parser(self):
        if self._parser is None:
            from .parser import Parser

            self._parser = Parser(self.pattern_dirs, self.extractors)
        return self._parser

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, self.parser.parse(doc.text, self.input_format))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(
    "critparse",
    assigns=[f"doc._.{EXTENSION}"],
    default_config={"pattern_dirs": [], "extractors": None, "input_format": "auto"},
)
def make_component(nlp: Language, name: str, pattern_dirs: List[str], extractors: Optional[List[str]],
                   input_format: str) -> CritparseComponent:
    """The ``critparse`` factory (also the ``spacy_factories`` entry point)."""
    return CritparseComponent(nlp, name, pattern_dirs=pattern_dirs, extractors=extractors,
                              input_format=input_format)


__all__ = ["CritparseComponent", "make_component", "EXTENSION"]
