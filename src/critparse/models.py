"""The typed criteria tree (pydantic v2).

Every node has ``kind``, ``start``, ``end`` (character offsets into the ORIGINAL input
string, ``end`` exclusive) and ``text`` (the node's clean text: unescaped, unwrapped,
list marker removed).  ``rule`` is the id of the rule that made the node.  The tree holds
no spaCy objects; ``Document.model_validate(doc.model_dump(mode="json")) == doc``.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

Comparator = Literal["<", "<=", ">", ">=", "=", "!=", "range"]
Logic = Literal["all", "any", "except"]
SectionType = Literal["inclusion", "exclusion", "unspecified"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """A piece of the input: offsets into the original string and its clean text."""

    start: int
    end: int
    text: str


class Diagnostic(_Model):
    """Something the parser could not decide or place; never an exception."""

    code: str
    message: str
    start: int
    end: int
    severity: Literal["info", "warning", "error"] = "warning"


class Unit(_Model):
    text: str
    ucum: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None


class Subject(_Model):
    start: int
    end: int
    text: str
    name: Optional[str] = None


class _Node(_Model):
    """Fields every node has (``kind`` is narrowed by each node class)."""

    kind: str
    start: int
    end: int
    text: str
    rule: Optional[str] = None


class _Bounded(_Node):
    """A comparator with a value or a low/high range, and its unit."""

    comparator: Comparator
    value: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    low_inclusive: Optional[bool] = None
    high_inclusive: Optional[bool] = None
    unit: Optional[Unit] = None


class Threshold(_Bounded):
    """A limit on a measured subject: ``ALT <= 3 x ULN``, ``age 18-65 years``."""

    kind: Literal["threshold"] = "threshold"
    subject: Optional[Subject] = None
    values: Optional[list[str]] = None
    reference: Optional[str] = None
    quantity: Optional[Literal["measurement", "count", "duration", "score", "grade", "class"]] = None
    condition: Optional[Span] = None
    alternatives: list["Threshold"] = Field(default_factory=list)
    negated: bool = False


class Temporal(_Bounded):
    """A time window around an event: ``within 4 weeks before infusion``."""

    kind: Literal["temporal"] = "temporal"
    direction: Optional[Literal["before", "after", "during", "since", "until"]] = None
    anchor: Optional[Span] = None


class VariantList(_Node):
    """An abbreviated list expanded: ``F317L/V/I`` -> F317L, F317V, F317I."""

    kind: Literal["variant_list"] = "variant_list"
    items: list[str]


class Criterion(_Node):
    kind: Literal["criterion"] = "criterion"
    marker: Optional[str] = None
    label: Optional[str] = None
    logic: Optional[Logic] = None
    logic_rule: Optional[str] = None
    children: list["Child"] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)
    temporals: list[Temporal] = Field(default_factory=list)
    lists: list[VariantList] = Field(default_factory=list)


class Group(_Node):
    """A sub-heading or inline label owning the criteria under it."""

    kind: Literal["group"] = "group"
    label: str
    marker: Optional[str] = None
    heading: Optional[Span] = None
    logic: Optional[Logic] = None
    logic_rule: Optional[str] = None
    children: list["Child"] = Field(default_factory=list)


Child = Annotated[Union[Criterion, Group], Field(discriminator="kind")]


class Section(_Node):
    kind: Literal["section"] = "section"
    type: SectionType
    heading: Optional[Span] = None
    label: Optional[str] = None
    lead_in: Optional[Span] = None
    logic: Optional[Logic] = None
    logic_rule: Optional[str] = None
    children: list[Child] = Field(default_factory=list)


class Abbreviation(_Model):
    short: Span
    long: Span


class StudyFields(_Model):
    """Structured eligibility fields of a ClinicalTrials.gov v2 study record."""

    nct_id: Optional[str] = None
    sex: Optional[str] = None
    minimum_age: Optional[str] = None
    maximum_age: Optional[str] = None
    healthy_volunteers: Optional[bool] = None
    std_ages: Optional[list[str]] = None


class Document(_Node):
    kind: Literal["document"] = "document"
    schema_version: str = SCHEMA_VERSION
    source_format: str = "plain"
    fields: Optional[StudyFields] = None
    sections: list[Section] = Field(default_factory=list)
    abbreviations: list[Abbreviation] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    def iter_nodes(self):
        """Yield every section, group and criterion, depth first, in text order."""
        stack = list(reversed(self.sections))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(getattr(node, "children", [])))

    def criteria(self):
        return [n for n in self.iter_nodes() if n.kind == "criterion"]

    def thresholds(self):
        return [t for c in self.criteria() for t in c.thresholds]


Criterion.model_rebuild()
Group.model_rebuild()
Section.model_rebuild()
Document.model_rebuild()


def json_schema() -> dict:
    return Document.model_json_schema()


__all__ = [
    "Abbreviation", "Child", "Comparator", "Criterion", "Diagnostic", "Document", "Group", "Logic",
    "Section", "SectionType", "Span", "StudyFields", "Subject", "Temporal", "Threshold", "Unit",
    "VariantList", "json_schema", "SCHEMA_VERSION",
]
