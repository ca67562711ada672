"""A small hand-built Document (every kind of node) for tests, docs and demos.

It does not depend on the parser, so its rendering stays fixed while the parser improves.
"""
from __future__ import annotations

from ..models import (Criterion, Diagnostic, Document, Group, Section, Span, Subject, Temporal,
                      Threshold, Unit, VariantList)

SAMPLE_TEXT = (
    "Inclusion Criteria:\n"
    "\n"
    "* Aged ≥18 and ≤70 years.\n"
    "* Adequate organ function, defined as all of the following:\n"
    "  * Serum total bilirubin \\<2× ULN;\n"
    "  * ALT ≤3× ULN or ≤5× ULN with liver metastases;\n"
    "  * Platelets ≥100,000/mm3\n"
    "* ECOG score 0-2\n"
    "\n"
    "Exclusion Criteria:\n"
    "\n"
    "* HSCT within 3 months before screening.\n"
    "* TKI-resistant mutations such as F317L/V/I\n"
)


def _at(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    i = text.index(needle, after)
    return i, i + len(needle)


def sample_document() -> Document:
    t = SAMPLE_TEXT

    def span(needle: str, after: int = 0) -> Span:
        s, e = _at(t, needle, after)
        return Span(start=s, end=e, text=needle)

    def crit(line: str, marker: str = "*", **kw) -> Criterion:
        s, e = _at(t, f"{marker} {line}")
        return Criterion(start=s + len(marker) + 1, end=e, text=line.replace("\\<", "<"), marker=marker,
                         rule="structure.bullet", **kw)

    inc_h = span("Inclusion Criteria:")
    exc_h = span("Exclusion Criteria:")

    age_c = crit("Aged ≥18 and ≤70 years.")
    a0 = age_c.start
    s, e = _at(t, "Aged ≥18 and ≤70 years", a0)
    age_c.thresholds = [Threshold(
        start=s, end=e, text="Aged ≥18 and ≤70 years", rule="threshold.range.bounds",
        subject=Subject(start=s, end=s + 4, text="Aged", name="age"), comparator="range",
        low=18, high=70, low_inclusive=True, high_inclusive=True,
        unit=Unit(text="years", ucum="a", start=e - 5, end=e), quantity="duration")]

    bili = crit("Serum total bilirubin \\<2× ULN;")
    s, e = _at(t, "Serum total bilirubin \\<2× ULN")
    bili.text = "Serum total bilirubin <2× ULN;"
    bili.thresholds = [Threshold(
        start=s, end=e, text="Serum total bilirubin <2× ULN", rule="threshold.compare.uln",
        subject=Subject(start=s, end=s + 21, text="Serum total bilirubin", name="total bilirubin"),
        comparator="<", value=2, reference="ULN", quantity="measurement")]

    alt = crit("ALT ≤3× ULN or ≤5× ULN with liver metastases;")
    s, e = _at(t, "ALT ≤3× ULN")
    s2, e2 = _at(t, "≤5× ULN with liver metastases")
    cond = span("liver metastases")
    alt.thresholds = [Threshold(
        start=s, end=e, text="ALT ≤3× ULN", rule="threshold.compare.uln",
        subject=Subject(start=s, end=s + 3, text="ALT", name="alanine aminotransferase"),
        comparator="<=", value=3, reference="ULN", quantity="measurement",
        alternatives=[Threshold(
            start=s2, end=e2, text="≤5× ULN with liver metastases", rule="threshold.alternative",
            comparator="<=", value=5, reference="ULN", condition=cond)])]

    plt = crit("Platelets ≥100,000/mm3")
    s, e = _at(t, "Platelets ≥100,000/mm3")
    plt.thresholds = [Threshold(
        start=s, end=e, text="Platelets ≥100,000/mm3", rule="threshold.compare.symbol",
        subject=Subject(start=s, end=s + 9, text="Platelets", name="platelet count"),
        comparator=">=", value=100000, unit=Unit(text="/mm3", ucum="/mm3", start=e - 4, end=e),
        quantity="measurement")]

    s, e = _at(t, "* Adequate organ function, defined as all of the following:")
    organ_end = plt.end
    organ = Criterion(start=s + 2, end=organ_end, text=t[s + 2:e], marker="*", rule="structure.bullet",
                      logic="all", children=[bili, alt, plt])
    for c in organ.children:
        c.rule = "structure.bullet.nested"

    ecog = crit("ECOG score 0-2")
    s, e = _at(t, "ECOG score 0-2")
    ecog.thresholds = [Threshold(
        start=s, end=e, text="ECOG score 0-2", rule="threshold.range.dash",
        subject=Subject(start=s, end=s + 10, text="ECOG score", name="ECOG performance status"),
        comparator="range", low=0, high=2, low_inclusive=True, high_inclusive=True, quantity="score")]

    hsct = crit("HSCT within 3 months before screening.")
    s, e = _at(t, "within 3 months before screening")
    hsct.temporals = [Temporal(
        start=s, end=e, text="within 3 months before screening", rule="temporal.within",
        comparator="<=", value=3, unit=Unit(text="months", ucum="mo", start=s + 9, end=s + 15),
        direction="before", anchor=span("screening", s))]

    tki = crit("TKI-resistant mutations such as F317L/V/I")
    s, e = _at(t, "F317L/V/I")
    tki.lists = [VariantList(start=s, end=e, text="F317L/V/I", rule="list.variant.slash",
                             items=["F317L", "F317V", "F317I"])]

    group_span = span("TKI-resistant mutations")
    inc = Section(start=inc_h.start, end=ecog.end, text="", rule="section.inclusion.heading",
                  type="inclusion", heading=inc_h, children=[age_c, organ, ecog])
    exc = Section(start=exc_h.start, end=tki.end, text="", rule="section.exclusion.heading",
                  type="exclusion", heading=exc_h,
                  children=[hsct, Group(start=tki.start, end=tki.end, text=tki.text, rule="structure.group.inline",
                                        label="Mutations", logic="any", children=[tki])])
    diag = Diagnostic(code="W401", message="number without a subject", start=group_span.start,
                      end=group_span.start + 3, severity="info")
    return Document(start=0, end=len(t), text=t, source_format="ctgov-v2-markdown",
                    sections=[inc, exc], diagnostics=[diag])
