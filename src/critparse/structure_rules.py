"""Rule kinds for document structure: section headings, list markers, logic cues, sub-headings."""
from __future__ import annotations

from typing import Literal, Optional

from .patterns import Example, Rule, register_kind

MarkerFamily = Literal[
    "bullet", "number", "number_paren", "number_parens", "letter", "letter_paren", "letter_parens",
    "LETTER", "roman", "roman_paren", "roman_parens", "ROMAN", "circled", "circled_neg", "dash",
]


class SectionHeadingRule(Rule):
    """A line that opens a section.  Matched at the start of a line's clean text; it must
    end the line or be followed by ``:`` (text after the colon starts the section).  A
    named group ``label`` becomes the section's label ("Cohort B", "Donor")."""

    kind: Literal["section_heading"]
    section: Literal["inclusion", "exclusion", "unspecified"]
    lead_in: bool = False  # a sentence such as "Patients must meet all of the following": right
    # after a heading it is the section's lead-in rather than a new section


class ListMarkerRule(Rule):
    """A list marker at the start of a line.  Group ``marker`` is the marker; the match's end
    is where the item's text starts.  ``family`` decides nesting: a change of family nests."""

    kind: Literal["list_marker"]
    family: MarkerFamily


class InlineMarkerRule(Rule):
    """An enumerator inside running text ("① ...; ② ...", "(1) ... (2) ...").  Group
    ``marker`` is the marker, group ``n`` its ordinal text."""

    kind: Literal["inline_marker"]
    family: MarkerFamily


class LogicCueRule(Rule):
    """Words that state how children combine.  ``scope`` says where they are read:
    ``lead_in`` in the text of the parent that owns the children, ``between`` in the text
    that joins two siblings."""

    kind: Literal["logic_cue"]
    logic: Literal["all", "any", "except", "count"]  # count: "at least 2 of" -- no logic, a diagnostic
    scope: Literal["lead_in", "between"] = "lead_in"


class SubheadingRule(Rule):
    """A short unmarked line that heads a group of criteria ("General:", "Cohort 1:").
    Group ``label`` is the group's label.  ``scope``: ``line`` rules are tried on every short
    unmarked line with a colon; ``parent`` rules only on an unmarked one-line criterion that
    turned out to own a list ("Hepatic" above its bullets); ``block`` rules on an unmarked
    line right before a section heading, which then labels the repeated block the heading
    opens ("For Secondary Hypertension" then "Inclusion Criteria:")."""

    kind: Literal["subheading"]
    scope: Literal["line", "parent", "block"] = "line"


def _check_heading(rule: Rule, ex: Example) -> Optional[str]:
    want = (ex.expect or {}).get("label")
    if want is None:
        return None
    m = rule.regex.search(ex.text)
    got = m.groupdict().get("label") if m else None
    return None if got == want else f"label {got!r}, expected {want!r}"


def _check_marker(rule: Rule, ex: Example) -> Optional[str]:
    want = (ex.expect or {}).get("marker")
    if want is None:
        return None
    m = rule.regex.search(ex.text)
    got = m.group("marker") if m else None
    return None if got == want else f"marker {got!r}, expected {want!r}"


register_kind("section_heading", SectionHeadingRule, _check_heading)
register_kind("list_marker", ListMarkerRule, _check_marker)
register_kind("inline_marker", InlineMarkerRule, _check_marker)
register_kind("logic_cue", LogicCueRule)
register_kind("subheading", SubheadingRule, _check_heading)
