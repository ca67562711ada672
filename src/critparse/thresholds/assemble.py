"""Putting one criterion's matches together: choose non-overlapping threshold matches,
attach subjects, split shared limits, link alternatives, and keep temporal windows apart."""
from __future__ import annotations

from typing import Any, Optional

import regex

from ..models import Diagnostic, Span, Subject, Threshold, Unit
from . import Extraction
from .values import describe_match
from .lexicon import Lexicon
from .prefixes import text_prefixes
from .scan import MATCH_WINDOW, expr_start, number_starts, present, run_rules
from .subjects import _PERSON, CHANGE_WORDS, PARTICIPLE, TAKE_VERBS, PERSON_WORDS, SCALE_TAIL, dose_of, extend_list, left_subject, measure_of, activity_of, percent_of, noun_after_percent, balanced_end, points_on_scale, pressure_after, event_after_grade, grading_only, right_subject, scale_after, split_subjects
from .temporal import build_temporal, find_temporals
from .variants import find_variant_lists

# a criterion with none of these has no value to find: a Roman numeral, 'Child', a T stage, a
# code such as 'C50D'.  Only whether one occurs matters, so the former alternation
# (?=[IVCcT])(?:...|[Cc]hild|T[0-4])|[A-Z]\d{2,4}[A-Z]\b is searched as its parts (the lookahead only
# restated their first letters): ~5x faster, as each part can skip ahead to its first character.
_ROMAN_WORD = regex.compile(r"\b(?:I{1,3}|IV|V)[ABC]?\b")
_T_STAGE = regex.compile(r"T[0-4]")
_CODE = regex.compile(r"[A-Z]\d{2,4}[A-Z]\b")


def _may_hold_value(text: str) -> bool:
    """Whether a criterion without numbers may still state a value (Roman numerals, Child-Pugh letters, ...)."""
    return ("hild" in text and ("Child" in text or "child" in text)) or _T_STAGE.search(text) is not None \
        or _ROMAN_WORD.search(text) is not None or _CODE.search(text) is not None


# subjects that are a length of time themselves ('life expectancy > 3 months', 'age ≥ 18 years')
_LENGTH_WORDS = r"survival|expectancy|duration|durations|age|aged|old|time(?!\s+of\b)|interval|period|length|lasting|lasted"
# ... and subjects a duration may limit: how long something has lasted or since when ('history of diabetes > 1 year')
_DURATION_SUBJECT = regex.compile(
    r"\b(?:" + _LENGTH_WORDS + r"|history|diagnos\w*|disease|symptoms?|onset|since|infertility|amenorrh\w*|menopaus\w*|"
    r"course|stay|follow[- ]up|hospitali[sz]ation|pain|illness|episodes?|treatment|therapy|stable|stability|remission|"
    r"unconsciousness)\b", regex.I)
# a window led by 'within' / 'in the past' limits when an event happened, unless the
# subject is itself a length of time
_WINDOW_LEAD = regex.compile(r"(?:within|in)\b", regex.I)
_MEASURED_DURATION = regex.compile(r"\b(?:" + _LENGTH_WORDS + r"|gestation|gestational)\b", regex.I)
# a duration written as how long something lasts ('for at least 6 weeks', 'duration of > 3 months')
_FOR_DURATION = regex.compile(r"\b(?:for|lasting|lasted|duration\s+of|(?:for\s+)?a\s+(?:period|duration)\s+of)\s+\Z", regex.I)
# words after a number that are no counted noun ('more than 2 times', '> 3 months')
_NOT_COUNTED = regex.compile(r"(?:times?|fold|x|folds?|percent|per\b|days?|weeks?|months?|years?|hours?|minutes?|"
                             r"episodes?\s+per|points?|mm|cm|kg|mg|g|gms?|grams?|ml|l|units?|standard\s+deviations?|SD|ULN|LLN|log|"
                             r"(?:micro|milli|nano|pico|centi|kilo)\w*|\w*meters?|diopters?|letters|wood\w*|rpm|bpm)\b", regex.I)


def _SMALL_COUNT(v) -> bool:
    return isinstance(v, float) and v.is_integer() and 0 <= v <= 20


_COUNT_OP = regex.compile(r"\b(?:least|more|fewer|less|most|minimum|maximum|greater)\b", regex.I)
# after a comparator symbol ('< 2 AEDs', '≥ 2 prior myeloma therapies'), a counted noun is a lower-case word of four
# letters or more or a plural short form ('AEDs', 'TKIs'), not a unit-like abbreviation ('< 6 Dpt', '>10 ppm') nor a time word ('=< 14 prior to')
_SYMBOL_OP = regex.compile(r"[<>≤≥]")
_COUNTED_AFTER_SYMBOL = regex.compile(r"(?!(?:prior\s+to|events?|grades?|times|units?|doses?|cycles?\s+of|third|thirds|"
                                   r"quarters?|half|" + PERSON_WORDS + r")\b)(?:[a-z][a-z-]{3,}|[A-Z]{2,}s)\b(?!\s*/)")
_CATEGORY_WORD = regex.compile(r"\b(?:class|stage|grade)\b", regex.I)
_DOSE_WORD = regex.compile(r"(?:(?:a|the|its|their|total|daily|stable|high|low|cumulative|maximum|mean|average)\s+)*"
                            r"(?:doses?|dosages?|dosing)\s*(?:of\s*)?\Z", regex.I)
# the group or case a limit is for, between it and the next limit of the same subject
_FOR_GROUP_GAP = regex.compile(r"\s*for\s+(?=[^;:.<>≤≥=\d()]{0,30}?\b(?:cohorts?|arms?|parts?|phases?|groups?|populations?|"
                            r"stages?|" + PERSON_WORDS + r")\b)[^;:.<>≤≥=\d()]{1,40}?\s*(?:,\s*)?(?:and|or|,)\s*", regex.I)
_FOR_MEASURE = regex.compile(r"\s*for\s+(?:the\s+|serum\s+|total\s+)*(?P<s>[A-Za-z][\w-]*(?:\s+(?!(?:and|or|in|if|with|at|of)\b)[A-Za-z][\w-]*){0,3}"
                          r"(?:\s*(?:,|and/or|or|and)\s+(?!(?:the|a|an|in|if|with|at|of|for)\b)[A-Za-z][\w-]*(?:\s+(?!(?:and|or|in|if|with|at|of)\b)[A-Za-z][\w-]*){0,3})*)"
                          r"(?=\s*(?:[,;.)]|\b(?:and|or)\b|$))", regex.I)
# what names no measure of its own: 'laboratory test results are > 2 x ULN for ALT'
_GENERIC_LEFT = regex.compile(r"(?:(?:laboratory|lab|tests?|results?|values?|levels?|parameters?|liver|renal|function|enzymes?|"
                              r"blood|serum|any|of|the|following)\s*)+", regex.I)
_NORM_FOR = regex.compile(r"(?:age|gender|sex|height|weight|race|ethnicity)\b", regex.I)  # '95th percentile for age'
_FOR_END = regex.compile(r"\bfor\s+\Z", regex.I)
_TAKE_VERB = regex.compile(r"\b(?:" + TAKE_VERBS + r"|took|received|on)\s+", regex.I)
_DOSE_GAP = regex.compile(r"(?:\(\s*)?\b(?:at|with|in)\s+(?P<art>(?:a|an|the)\s+)?\Z", regex.I)  # ('aspirin (at a dose of')
_AFTER = regex.compile(r"after|following|post", regex.I)
_AGE_OP = regex.compile(r"older|younger|aged?\b", regex.I)
_SCALE = regex.compile(r"\b(?:ECOG|Karnofsky|KPS|Lansky|Zubrod|WHO|performance|PS|score|scale|index|NYHA|ASA|"
                       r"Gleason|Apgar|MMSE|NIHSS|EDSS|HAM-?D|MADRS|Mayo|Child|New\s+York\s+Heart\s+Association|NHYA|Tanner)\b", regex.I)
_GRADE = regex.compile(r"\bgrade\b", regex.I)
_COND = regex.compile(
    r"\G\s*,?\s*(?P<c>(?:if|for|in|when|with|where|unless|due\s+to|in\s+case\s+of|in\s+the\s+(?:case|presence|setting)\s+of|"
    r"in\s+(?:patients|subjects|participants|those|cases)\s+with|for\s+(?:patients|subjects|participants|those)\s+with|"
    r"attributable\s+to|because\s+of)\b[^;)\]]{1,80}?)(?=\s*(?:[;)\]]|,\s|\.(?:\s|$)|$|\b(?:or|and)\s*[<>≤≥]|\(\s*\d))", regex.I)
_GAP_ALT = regex.compile(r"\s*,?\s*(?:or|and/or|OR)\s*\Z|\s*[(\[]\s*\Z|\s*,?\s*\(?\s*(?:or|and/or)?\s*\Z", regex.I)
_GAP_OR = regex.compile(r"\s*,?\s*(?:or|and/or)\s*(?:\(\s*)?\Z|\s*[(\[]\s*(?:(?:or|and/or)\s+)?\Z", regex.I)
# '< 20% of predicted value post-bronchodilator': the percentage names its reference, the words after it qualify
_PRED_VALUE = regex.compile(r"(?:value|values|normal)\s*\Z", regex.I)
_GAP_OR_WORD = regex.compile(r"\s*,?\s*(?:or|and/or)\s*(?:\(\s*)?\Z", regex.I)
_ACCEPTABLE = regex.compile(r"\s*(?:is|are|will\s+be|may\s+be)\s+(?:acceptable|allowed|permitted|eligible)\b", regex.I)
_COND_SUBJECT = regex.compile(r"metasta|involvement|infiltration|Gilbert|isolated|if\b|in\s+case", regex.I)
# '..., over the prior 24 hours, of 6 or less': only a linking word between a window and the value after it
_THROUGH_WINDOW = regex.compile(r"\s*,?\s*(?:of|is|was|(?:must|should|will)\s+be|:)\s*", regex.I)
_OF_GRADE = regex.compile(r"\s+(?:of|to|at)\s+(?:(?:NCI[- ])?CTCAE?\s+)?grades?\s*\Z", regex.I)
_CHANGE_TAIL = regex.compile(r"(?:\A|\s+)(?:(?:has|have|had|must|should|be|been|not|fully|completely)\s+)*(?:resolved|"
                              r"recovered|regressed|returned|improved|decreased|reduced|recovery|resolution|regression|"
                              r"return|improvement|evidence|equivalent)\s*\Z", regex.I)
_EQUIVALENT = regex.compile(r"(?<=\bequivalents?)|\s+equivalents?\b", regex.I)  # after the dose noun
_NO_SUBJECT = frozenset('''
obtained performed taken done used administered discovered measured drawn collected assessed allowed unchanged ongoing apart preceding
accurately approximately example eg e.g. e.g there they those his her their one case past above average known
outside minus times occasions criteria equivalent dl millimole earlier later ago meaning inclusive exclusive inclusively
minimum maximum
'''.split())
_AFTER_PAREN = regex.compile(r"\s*,?\s*(?:(?:is|are|was|were|of|(?:must|should|will)\s+be)\s*)?", regex.I)
# a predicate adjective left as the subject of a duration, and the copula before it
_PREDICATE = regex.compile(r"(?:stable|unchanged|constant|present|ongoing|controlled|well[- ]controlled|stabilised|stabilized|"
                           r"diagnosed|treated|established|documented)", regex.I)
_COPULA_BEFORE = regex.compile(r"(?:,\s*|\s+)(?:(?:is|are|was|were|be|been|being|has|have|had|to|must|should|will|would|if|when|"
                               r"remain(?:s|ed)?|kept|been|being|already)\s+)*\Z", regex.I)
# (at least one linking word: 'toxicities must have' + 'resolved to ...', not 'at date of enrolment (except for recovery to')
_AUX_BEFORE = regex.compile(_COPULA_BEFORE.pattern[:-len(r")*\Z")] + r")+\Z", regex.I)
_MEASURE_VERB = regex.compile(r"(?:measures|measuring|measured|measure|reaching|reaches|extending|extends|recorded)", regex.I)
_MEASURE_TAIL = regex.compile(r"\s+(?:that\s+|which\s+)?(?:measures|measuring|measured)\s*\Z", regex.I)
_RELATIVE_BEFORE = regex.compile(r"(?:,\s*|\s+)(?:(?:that|which|who)\s+)?(?:(?:is|are|was|were|must|should|will|can|to|be|been)\s+)*\Z", regex.I)
_COMMA_BEFORE = regex.compile(r"\s*,\s*\Z")
_TIMED_ACTION = regex.compile(r"\s+(?:performed|obtained|assessed|measured|done|drawn|collected|calculated|determined)\s*\Z", regex.I)
# 'Total bilirubin ≤ 1.5 × ULN (except subjects with Gilbert syndrome, who can have total bilirubin < 3.0 mg/dL)':
# what stands between a limit and the same measure's limit for an excepted group (group 'c': the condition)
_EXCEPT_GAP = regex.compile(r"\s*[,;]?\s*[(\[]?\s*(?P<c>(?:except|unless)\b[^;()\[\]<>≤≥]{1,100}?)\s*,?\s*"
                         r"(?:(?:who|which|where|in\s+whom)\s+(?:(?:can|may|must|should|will)\s+)?(?:have\s+had|have|has|had|be)\s+(?:an?\s+)?|"
                         r"(?:the\s+)?limit\s+is\s+|then\s+)?", regex.I)
# 'ALP ≤ 2.5 x ULN; (≤ 5 x ULN if bone metastases)', 'ALT ≤ 3 × ULN; ≤ 5 × ULN in patients with liver metastases':
# a conditional limit after a semicolon, in brackets or not
_GAP_SEMI = regex.compile(r"\s*;\s*[(\[]?\s*")
_GAP_SAME = regex.compile(r"\s*(?:,|and|or|and/or|to|&|\(|\[|/)?\s*(?:\(\s*)?\Z", regex.I)


# a counted noun as the unit, alone or as a rate ('20 cigarettes', '14 drinks/wk', '2 packs per day')
_COUNTABLE = regex.compile(r"^(?:cigarettes?|drinks?|packs?|pack[- ]years?|units?|points?|pts?|copies|cells|beats|"
                           r"seizures?|events?|episodes?|attacks?|sessions?|cups?|cans?|glass(?:es)?|servings?)"
                           r"(?=$|\s*(?:/|per\s|(?:a|an|each|every)\s))", regex.I)
# words that put a value's range out ('outside the range of', 'not within', 'other than')
_NEGATED = regex.compile(r"\b(?:(?:outside(?:\s+of)?|not\s+(?:be\s+)?(?:with)?in|not\s+between)\s+(?:(?:the|a|an)\s+)?"
                         r"(?:(?:normal|reference|allowed|acceptable|following|specified|required|permitted)\s+)?"
                         r"(?:(?:ranges?|limits?|intervals?|values?)\s*(?:of|:|between|from)?\s*)?|other\s+than\s+)\Z", regex.I)
_OR_ONLY = regex.compile(r"\bor\b", regex.I)
_LIFE_LENGTH = regex.compile(r"\b(?:survival|expectancy)\b", regex.I)
# what starts the next item of a list ('< 50% of bone marrow plasma cells' + ' and platelet count > 50,000')
_NEXT_ITEM = regex.compile(r"\s*(?:,|;|\band\b|\bor\b)", regex.I)
# 'aged' ending the words before an age, and the list words before it ('Man or woman aged 18 to 75 years')
_AGED_END = regex.compile(r"\baged\Z", regex.I)
_LIST_WORD = regex.compile(r",|\b(?:and|or)\b", regex.I)
_URL = regex.compile(r"(?i:https?://|www\.)[^\s<>()\[\]]+")
# a limit that is a condition of the limit before it ('≥ 1000 pg/ml if EF 31 to 35%')
_IF_BEFORE = regex.compile(r"\b(?:if|when|unless|where)\s+(?:the\s+)?[^\s,;()<>≤≥=\d][^,;()<>≤≥=\d]{0,30}?\s*\Z", regex.I)
_EXISTENTIAL = regex.compile(r"^(?:at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?)\s+(?:one|a|an|single)$|^(?:one|a|an)\s+or\s+more$", regex.I)


class _Found:
    __slots__ = ("s", "e", "rule", "m", "d", "subjects", "age", "inherited", "alts", "cond")

    def __init__(self, s, e, rule, m, d):
        self.s, self.e, self.rule, self.m, self.d = s, e, rule, m, d
        self.subjects: list[tuple[int, int]] = []
        self.age = False
        self.inherited = False
        self.alts: list["_Found"] = []
        self.cond: Optional[tuple[int, int]] = None


_ACTIVE_CACHE_SIZE = 512


def _choose(text: str, lex: Lexicon, low: str, starts: list[int], words: frozenset) -> list[_Found]:
    cands = []
    # number-anchored rules: at each number, the first rule (by priority) that reads a value wins;
    # numbers inside an expression already read ('10' in '1.5 x 10^9/L') are not tried again
    covered = -1
    n = len(text)
    active = lex.active_cache.get(words)
    if active is None:  # the rules whose 'requires' the criterion meets, by satisfied-set (few distinct ones)
        if len(lex.active_cache) >= _ACTIVE_CACHE_SIZE:
            lex.active_cache.clear()  # (bounded: a batch's memory stays flat)
        active = lex.active_cache[words] = tuple([(rule, match, pre) for rule, _, _, req, match, pre in lex.thr_number
                                                  if req is None or req in words])
    # a rule's prefilter is searched once per criterion, when the rule is first reached at a number
    # (many low-priority rules never are: a rule above them reads the value first); a rule whose
    # prefilter finds nothing is not tried at any number
    passed: dict = {}
    for p in starts:
        if p < covered:
            continue
        end = p + MATCH_WINDOW if p + MATCH_WINDOW < n else n
        for rule, match, pre in active:
            if pre is not None:
                ok = passed.get(id(rule))
                if ok is None:
                    ok = passed[id(rule)] = pre(text) is not None
                if not ok:
                    continue
            m = match(text, p, end)
            if m is None or m.end() <= p:
                continue
            d = describe_match(rule, m, lex, text)
            if d is None:
                continue
            cands.append((expr_start(m), m.end(), rule, m, d))
            covered = m.end()
            break
    for s, e, rule, m in run_rules(lex.thr_scan, text, low, starts, words):
        cands.append((s, e, rule, m, None))
    cands.sort(key=lambda c: (-c[2].priority, c[0] - c[1], c[0]))
    taken: list[_Found] = []
    for s, e, rule, m, d in cands:
        if any(s < t.e and t.s < e for t in taken):
            continue
        if d is None:
            d = describe_match(rule, m, lex, text)
            if d is None:
                continue
        if not d.get("_unit") and _EXISTENTIAL.match(" ".join(text[s:e].split())):
            continue  # 'at least one lesion' says something exists; it is no limit
        # trailing spaces are not part of the expression
        while e > s and text[e - 1] == " ":
            e -= 1
        taken.append(_Found(s, e, rule, m, d))
    taken.sort(key=lambda f: f.s)
    return taken


def _name(text: str, lex: Lexicon, long_forms: dict[str, str]) -> Optional[str]:
    t = text.strip()
    if not long_forms:
        hit = lex.name_cache.get(t, lex.name_cache)
        if hit is lex.name_cache:
            hit = lex.name_cache[t] = _name_uncached(t, lex, long_forms)
        return hit
    return _name_uncached(t, lex, long_forms)


_FIRST_NAME_CACHE_SIZE = 8192


def _first_name(t: str, lex: Lexicon) -> Optional[str]:
    """The name given by the first subject-name rule (by priority) that finds something in ``t``.

    A pure function of the text, cached: the same subjects ('ANC', 'platelets', 'Age') recur from
    criterion to criterion, also in trials that define short forms (where :func:`_name` cannot
    cache its whole answer); the cache is emptied when full."""
    cache = lex.first_name_cache
    hit = cache.get(t, cache)
    if hit is not cache:
        return hit
    if len(cache) >= _FIRST_NAME_CACHE_SIZE:
        cache.clear()
    # a rule is searched only if the text holds a string its matches can start with (most rules have a
    # few: 'alt', 'sgp', 'gpt', 'ala' for ALT): the rules to search are looked up by the text's strings
    # of one to three letters, in priority order (a non-ASCII text is searched by every rule)
    have = text_prefixes(t)
    if have is None:
        order = range(len(lex.name_search))
    else:
        found = set(lex.name_any)
        by_prefix = lex.name_by_prefix
        for g in have:
            rules = by_prefix.get(g)
            if rules is not None:
                found.update(rules)
        order = sorted(found)
    search_ = lex.name_search
    for i in order:
        name, search = search_[i]
        if search(t):
            cache[t] = name
            return name
    cache[t] = None
    return None


_RATIO_NAME = regex.compile(r"\bratio\b|/", regex.I)


def _names_ratio(text: str, s: int, e: int, lex: Lexicon) -> bool:
    """Whether a slash in a subject is written inside a ratio the subject-name rules name ('PaO2/FiO2',
    'urine protein/creatinine', 'LDL/HDL', 'Kt/V'): one subject, not two sharing a limit ('AST/ALT',
    'PT/INR')."""
    slashes = [i for i in range(s, e) if text[i] == "/"]
    if not slashes:
        return False
    for name, search in lex.name_search:  # (a subject with a slash is rare: every rule may be searched)
        if _RATIO_NAME.search(name):
            m = search(text, s, e)
            if m is not None and any(m.start() < i < m.end() for i in slashes):
                return True
    return False


_CHANGE_IN = regex.compile(r"(" + CHANGE_WORDS + r")\s+(in|of)\s+(?=\S)", regex.I)


def _name_uncached(t: str, lex: Lexicon, long_forms: dict[str, str]) -> Optional[str]:
    ch = _CHANGE_IN.match(t)
    if ch:  # 'drop in LVEF': a change of the measure, named so ('drop in left ventricular ejection fraction')
        inner = _name_uncached(t[ch.end():], lex, long_forms)
        if inner:
            return f"{ch.group(1).lower()} {ch.group(2).lower()} {inner}"
    name = _first_name(t, lex)
    if name is not None:
        return name
    long = long_forms.get(t)
    if long:
        name = _first_name(long, lex)
        if name is not None:
            return name
        return long.lower()
    # 'Eastern Cooperative Oncology Group (ECOG) performance status': a short form inside
    words = t.split()  # (split once, not once per short form)
    for short, long in long_forms.items():
        if short in words:
            return long.lower()
    return " ".join(words).lower() or None


_AGE_WORDS = regex.compile(r"(?<!gestational\s)\b(?:age[ds]?|old|older|years?|patients?|subjects?|men|women|adults?|children|males?|"
                        r"females?|participants?|volunteers?|adolescents?|elderly|infants?|boys|girls|persons?|people|"
                        r"individuals?|recipients?|donors?|healthy)\b", regex.I)
_NOT_AGE_BEFORE = regex.compile(r"\b(?:for|since|during|within|over|in|of|last|past|than|least|after|before|"
                                r"days?|weeks?|months?)\s*(?:(?:a|an|the)\s+)?\Z",  # ('every 3 to 6 months over 2 years')
                                regex.I)
_GESTATION = regex.compile(r"\s*(?:\)\s*)?(?:of\s+|in\s+)?(?P<s>gestation(?:al\s+age)?|duration|pregnancy)\b", regex.I)
_AGE_LAST = regex.compile(r"\bage[sd]?(?=\s*:?\s*\Z)", regex.I)
_AGE_IN_EXPR = regex.compile(r"\bage[sd]?\b(?!\s+(?:of\s+)?(?:onset|at\b)|[- ](?:(?:and|&)[- ](?:sex|gender)[- ])?"
                          r"(?:specific[- ])?(?:percentile|centile))", regex.I)  # (not '95th age percentile')
_DOSE_UNITS = frozenset({"mg", "g", "ug", "mg/d", "g/d", "ug/d", "mg/wk", "mg/kg", "mg/kg/d", "ug/kg", "ug/kg/d", "[IU]",
                         "[IU]/d", "mL", "[IU]/kg/d", "mg/m2", "mg/m2/d", "g/m2/d"})
_LOOSE_GAP = regex.compile(r"(?:[^;.:]|\.\d){0,50}", regex.I)
# 'Total bilirubin: Men: ≤ 1.5 mg/dl: Women: ≤ 1.3 mg/dl': the persons a limit is for, as a label
_PERSON_LABEL = regex.compile(r"\s*[:,;]?\s*(?:(?:in|for)\s+)?(?:" + PERSON_WORDS + r")\s*:\s*", regex.I)


# 'patients under 18', 'women over 40': a person written right before a bare value makes it an age
_PERSON_BEFORE = regex.compile(r"\b(?:" + PERSON_WORDS + r")\s*(?:(?:who\s+are|aged?|being|is|are|(?:must|should|will)\s+be)\s+)?\Z",
                               regex.I)
_PLAIN_LIMIT = frozenset({"<", "<=", ">", ">="})
_DURATION_UNITS = frozenset({"a", "mo", "wk", "d", "h", "min", "{half_lives}"})
_DURATION_AFTER = regex.compile(r"\s*(?:of\s+)?(?:history|duration|since|on|elapsed|(?:have|has)\s+(?:elapsed|passed)|"
                                r"post-?\s?menopaus\w*|(?:of\s+)?amenorrh\w*|after\s+menopause)\b", regex.I)
# 'weight loss of >5%', 'a stenosis of at least 60% diameter': the words before 'of' are what is measured
_OF_GAP = regex.compile(r"\s*of\s*", regex.I)
_WINDOW_OP = regex.compile(r"\b(?:within|up\s+to|in|past|last|previous|prior)\b", regex.I)


def _person_age(text: str, f: _Found, lb: int, prev: Optional[_Found]) -> bool:
    """Is a value with no unit and no subject an age, being said of the persons written right before it?
    (Not in a list of measurements: 'Men >40 inches; Women > 35' is the same measure for women.)"""
    d = f.d
    if d.get("reference") or d.get("_unit") or (d.get("comparator") not in _PLAIN_LIMIT and d.get("comparator") != "range"):
        return False
    if prev is not None and prev.d.get("unit") not in (None, "a") and f.s - prev.e < 60:
        return False
    # ('Patients between 18 and 60': a range of ages too)
    v = d.get("high") if d.get("comparator") == "range" else d.get("value")
    if not isinstance(v, float) or not 0 < v <= 120:
        return False
    return _PERSON_BEFORE.search(text, max(lb, f.s - 40), f.s) is not None


# '< 18 and > 62 years of age', 'platelets < 50 or > 400 x 10^9/L': the unit is written once, after
# the last of two limits joined by a conjunction
# (no comma: 'IGA greater than 3, and greater than 10% body surface area' are two measures)
_SHARED_UNIT_GAP = regex.compile(r"\s+(?:and|or|and/or|but)\s+", regex.I)


def _share_units(text: str, found: list[_Found]) -> None:
    """A bare limit followed by another limit in a unit takes that unit."""
    for f, g in zip(found, found[1:]):
        if f.d.get("_unit") or f.d.get("reference") or f.d.get("comparator") not in _PLAIN_LIMIT \
                or not g.d.get("_unit") or g.d.get("comparator") not in _PLAIN_LIMIT or g.d.get("reference"):
            continue
        if _SHARED_UNIT_GAP.fullmatch(text, f.e, g.s):
            f.d["unit"], f.d["_unit"] = g.d["unit"], g.d["_unit"]
            if g.d.get("quantity") and not getattr(f.rule, "quantity", None):
                f.d["quantity"] = g.d["quantity"]


_SEMICOLON_GAP = regex.compile(r"\s*;\s*")


def _next_group_limit(text: str, prev: _Found, f: _Found) -> bool:
    """'Hb ≥ 12 g/dL in women; ≥ 13 g/dL in men': a limit with no subject after a semicolon, for
    another group of persons (both limits say for whom), is a limit of the same measure."""
    if _GROUP_GAP.fullmatch(text, prev.e, f.s):
        return True  # 'Creatinine: Men: ≤ 1.4 mg/dl; Women: ≤ 1.2 mg/dl', '<45 bpm (Males); <50 bpm (Females)'
    c = _COND.match(text, prev.e)
    return c is not None and _COND.match(text, f.e) is not None and _SEMICOLON_GAP.fullmatch(text, c.end(), f.s) is not None


_GROUP_GAP = regex.compile(r"\s*(?:[(\[][^()\[\]\n]{1,20}[)\]]\s*){0,2}(?:;\s*(?:" + PERSON_WORDS + r")\s*:?|,\s*(?:"
                           + PERSON_WORDS + r")\s*:)\s*"
                           r"|\s*(?:[(\[][^()\[\]\n]{1,20}[)\]]\s*)?[(\[]\s*(?:" + PERSON_WORDS + r")\s*[)\]]\s*;\s*", regex.I)


def _head_before(text: str, lb: int, left, link) -> tuple:
    """The subject written before a verb or adjective that ``left`` only holds, across the linking
    words ``link`` matches right before it; ``left`` itself when there is none."""
    v = link.search(text, lb, left[0])
    return (left_subject(text, lb, v.start()) if v else None) or left


def _refine_left(text: str, f: _Found, left, lb: int, prev: Optional[_Found], found: list[_Found],
                 stops: list[tuple[int, int]]):
    """The words before a value, when they are no subject on their own, stepped back or trimmed to
    what the value limits: across a closed parenthesis holding another value, across a time window,
    before a measuring verb or a predicate adjective, or less the grading words of a grade."""
    if (left is None or text[left[0]:left[1]].lower() in _NO_SUBJECT) and prev is not None and lb == prev.e:
        c = text.find(")", prev.e, f.s)
        k = text.rfind("(", 0, prev.s)
        if c >= 0 and k >= 0 and ")" not in text[k:prev.s] and _AFTER_PAREN.fullmatch(text, c + 1, f.s):
            # 'PTH determinations (drawn at least 2 days apart) > 300 pg/mL': the value before sits in a
            # parenthesis that has closed; the subject is written before the parenthesis
            lb2 = max([e for _, e in stops if e <= k] + [g.e for g in found if g.e <= k] + [0])
            left = left_subject(text, lb2, k)
    if left is None and _THROUGH_WINDOW.fullmatch(text, lb, f.s):
        ws = [w for w, e in stops if e == lb]
        if ws:  # 'pain score over the last 24 hours of > 4': the subject is written before the window
            lb2 = max([e for _, e in stops if e <= ws[0]] + [prev.e if prev and prev.e <= ws[0] else 0])
            left = left_subject(text, lb2, ws[0])
            if left:  # ('Serum creatinine performed within 4 weeks ... must be ...': the test, not its doing)
                act = _TIMED_ACTION.search(text, left[0], left[1])
                le = act.start() if act else left[1]
                left = (left[0], le, left[2]) if le > left[0] and text.count("(", left[0], le) >= text.count(")", left[0], le) else None
    if left and _MEASURE_VERB.fullmatch(text, left[0], left[1]):
        left = _head_before(text, lb, left, _RELATIVE_BEFORE)  # 'a lesion that measures ≥ 2.0 cm': the lesion
    elif left:
        mt_ = _MEASURE_TAIL.search(text[left[0]:left[1]])
        if mt_ and mt_.start() > 0:  # 'a tumour measuring > 5 cm'
            left = (left[0], left[0] + mt_.start(), left[2])
    if left and _PREDICATE.fullmatch(text, left[0], left[1]) and (
            f.d.get("unit") not in _DURATION_UNITS or _FOR_DURATION.search(text, max(0, f.s - 30), f.s)):
        # 'the dose of MTX had to have been stable for at least 6 weeks': what is stable (a duration only
        # after 'for': 'diagnosed at least 3 months prior to Visit 1' stays a window)
        left = _head_before(text, lb, left, _COPULA_BEFORE)
    if left and getattr(f.rule, "quantity", None) == "grade":
        og = _OF_GRADE.search(text, left[0], left[1])
        le = og.start() if og and og.start() > left[0] else left[1]
        ch = _CHANGE_TAIL.search(text[left[0]:le])
        if ch:  # 'resolved to Grade ≤ 1', 'has not recovered to less than Grade 2': how the event changed
            le = left[0] + ch.start()
            if le == left[0]:  # 'Toxicities of prior therapy must have resolved to ≤ Grade 1': what did, before the verb
                head = _head_before(text, lb, left, _AUX_BEFORE)
                if head is not left:
                    left, le = head, head[1]
        # ('peripheral neuropathy of grade 2 or greater', 'toxicities to Grade ≤ 1': the event, not 'of grade')
        left = (left[0], le, left[2]) if le > left[0] else None
    if left and prev is not None and lb == prev.e and _METHOD_BEFORE.fullmatch(text, prev.e, left[0]):
        # '≥ 20 mm with conventional techniques or ≥ 10 mm with spiral CT', '≤ 2 at study entry in Phase 1
        # and ≤ 1 in Phase 2': how or when the value before was measured, not what this one limits (it
        # shares the subject of the value before); '< 2+ by dipstick OR urine protein ≤ 1 g': what follows
        # the conjunction
        if _ALT_GAP.fullmatch(text, left[1], f.s):
            left = None
        else:
            conj = None
            for conj in _OR_GAP.finditer(text, left[0], left[1]):
                pass  # (not 'and': 'for more than 3 months with LH and FSH > 30 mIU/mL' limits both)
            if conj is not None and conj.start() > left[0] and conj.end() < left[1]:
                left = (conj.end(), left[1], left[2])
    return left


_METHOD_BEFORE = regex.compile(r"\+?\s*(?:with|by|using|via|on|at|in|during)\s+(?:(?:the|a|an)\s+)?", regex.I)
_ALT_GAP = regex.compile(r"\s*(?:,|;)?\s*\b(?:or|and|and/or)\s+(?:as\s+)?", regex.I)
_OR_GAP = regex.compile(r"\s*(?:,|;)?\s*\bor\s+", regex.I)


def _attach_subjects(text: str, found: list[_Found], stops: list[tuple[int, int]], lex: Lexicon) -> None:
    """``stops``: the spans of the temporal windows (a subject is not searched across one)."""
    prev: Optional[_Found] = None
    n = len(text)
    for f in found:
        op = f.d.get("_op") or ""
        unit = f.d.get("unit")
        if unit and (unit[0] == "{" and unit[-1] == "}" or "/(" in unit):
            # a counted noun ('10 pack-years smoking history', '≥ 3 points') or an amount per collection period
            # ('< 200 mg/24 hr Bence Jones protein'): what is counted or collected may be written after it
            unit = None
        if "subj" in f.m.re.groupindex and f.m.start("subj") >= 0:
            f.subjects = [f.m.span("subj")]  # the rule placed the subject ('18 ≤ BMI ≤ 32')
            prev = f
            continue
        if "ctx_op" in f.m.re.groupindex and prev is not None and prev.subjects and prev.e <= f.m.start("ctx_op") + 80:
            # '> 4500 g in diabetic and 5000 g in non-diabetic mothers': a limit sharing the comparator of
            # the one before is a limit of the same subject
            f.subjects, f.age, f.inherited = list(prev.subjects), prev.age, True
            own = unit == "mm[Hg]" and pressure_after(text, f.e, min(n, f.e + 40))
            if own:  # '> 180 mmHg systolic and 110 mmHg diastolic': the pressure named after it
                f.subjects, f.inherited = [own], False
            prev = f
            continue
        am = _AGE_IN_EXPR.search(text, f.s, f.e)
        if am:  # 'between the ages of 18-65': the expression names its subject
            f.subjects, f.age = [am.span()], True
            prev = f
            continue
        pts = points_on_scale(text, f.s, f.e, min(n, f.e + 90))
        if pts:
            f.subjects = [pts]
            prev = f
            continue
        lb = max([e for _, e in stops if e <= f.s] + [prev.e if prev else 0])
        if prev is not None:
            # what the limit before is of, written after it, is its own: 'older than 6 months of age and a bodyweight
            # heavier than 8 kg' (not 'age and a bodyweight'), '< 50% of bone marrow plasma cells and platelet count > 50,000'
            lb = max([lb] + [b for a, b in prev.subjects if prev.e <= a and b <= f.s
                             and (prev.age or (prev.d.get("unit") == "%" and _OF_GAP.fullmatch(text, prev.e, a)
                                               and _NEXT_ITEM.match(text, b, f.s)))])
        left = left_subject(text, lb, f.s)
        left = _refine_left(text, f, left, lb, prev, found, stops)
        if getattr(f.rule, "quantity", None) == "grade" and (left is None or grading_only(text, left[0], left[1])):
            event = event_after_grade(text, f.e, min(n, f.e + 80))
            if event:  # 'Patients with ≥ grade 2 (CTC 3.0) neuropathy', 'CTCAE grade ≥ 2 neuropathy'
                f.subjects = [event]
                prev = f
                continue
            if left is not None:
                cm = _COMMA_BEFORE.search(text, lb, left[0])
                ev = left_subject(text, lb, cm.start()) if cm else None
                if ev and not grading_only(text, ev[0], ev[1]):
                    left = ev  # 'Diarrhea, grade 1 or greater': the event named before the comma
        same_as_prev = prev is not None and prev.subjects and _GAP_SAME.fullmatch(text, prev.e, f.s)
        if left and same_as_prev and left[0] < prev.e:
            left = None
        if left and prev is not None and prev.subjects and _PERSON.match(text[left[0]:left[1]].strip()) and unit != "a":
            left = None  # '< 11.5 g/dL for females and < 12.5 g/dL for men': the subject carries on
        # (not when the limit before took its subject from a 'for' phrase: '> 2 x ULN for ALT or AST, > 1.5 x ULN
        # for bilirubin', where each 'for' names the measure)
        group_gap = left and prev is not None and prev.subjects and prev.subjects[0][1] <= prev.s \
            and unit not in _DOSE_UNITS and _FOR_GROUP_GAP.fullmatch(text, prev.e, f.s) \
            and not _FOR_END.search(text, max(0, prev.subjects[0][0] - 6), prev.subjects[0][0])
        if group_gap:
            left = None  # '≥ 4 months for maintenance cohorts and ≥ 6 months for adjuvant cohorts': so does it here
        right = None
        if f.d.get("quantity") == "duration" or unit in ("wk", "mo", "d"):
            g = _GESTATION.match(text, f.e)
            if g and not (left and g.group("s").lower() == "duration"):  # 'DVT more than 21 days in duration'
                right = (g.start("s"), g.end("s"), False)
        pressure = unit == "mm[Hg]" and pressure_after(text, f.e, min(n, f.e + 40))
        if pressure:
            right = (pressure[0], pressure[1], False)
        if right is None and unit in _DOSE_UNITS:
            dose = dose_of(text, f.e, min(n, f.e + 40))
            if dose and not (left and _EQUIVALENT.match(text, dose[1])):
                # (not '60 mg/day of morphine equivalents': a reference drug, the opioid use before it is limited)
                right = (dose[0], dose[1], False)
        if right is None and unit == "%":
            pct = percent_of(text, f.e, min(n, f.e + 50))
            if pct is None and f.d.get("comparator") != "range" and not _PRED_VALUE.search(f.d["_unit"][0]) and (left is None or (
                    _first_name(text[left[0]:left[1]].strip(), lex) is None
                    and not _OF_GAP.fullmatch(text, left[1], f.s))):
                # '> 10% weight loss': the noun after the percentage, unless the words before it name a
                # known measure ('LVEF < 55% measured by echocardiography')
                pct = noun_after_percent(text, f.e, min(n, f.e + 50))
            if pct:
                right = (pct[0], pct[1], False)
        weak_left = left is not None and text[left[0]:left[1]].lower() in _NO_SUBJECT
        if right is None and (not left or (weak_left and unit not in _DURATION_UNITS)) and unit:
            if unit not in _DURATION_UNITS:  # '50 kg of weight', '2 cm in size' ('they must be ≥ 20 mm in at least one dimension')
                meas = measure_of(text, f.e, min(n, f.e + 50))
            elif f.d.get("comparator") in _PLAIN_LIMIT and not _WINDOW_OP.search(op):
                # 'at least 6 weeks of conservative treatment': how long the activity written after the
                # duration lasts (not 'of the first dose': an event anchors a window)
                meas = activity_of(text, f.e, min(n, f.e + 50))
            else:
                meas = None
            if meas:
                right = (meas[0], meas[1], False)
        for_measure = False
        if right is None and unit != "a":
            fm = _FOR_MEASURE.match(text, f.e, min(n, f.e + 60))
            if fm and _first_name(fm.group("s"), lex) not in (None, "age") and not _NORM_FOR.match(fm.group("s")):
                if left and prev is not None and _FOR_END.search(text, max(prev.e, left[0] - 6), left[0]):
                    left = None  # ('..., > 1.5 x ULN for bilirubin': the measure before is the limit before's)
                if left is None or _GENERIC_LEFT.fullmatch(text, left[0], left[1]):
                    # '> 2 x ULN for ALT, > 1.5 x ULN for bilirubin': the known measure a limit is written for
                    right, for_measure = (fm.start("s"), fm.end("s"), False), True
        count_right = False
        # (a multiple of a reference limits the measure named before it: 'AST, ALT: > 2 times ULN laboratory range')
        if right is None and (not left or (not left[2] and not unit and not f.d.get("reference")) or unit == "a"):
            right = right_subject(text, f.e, min(n, f.e + 60), unit == "a",
                                  counted=not unit and _SMALL_COUNT(f.d.get("value")) and bool(_COUNT_OP.search(op)))
            if right and unit == "a" and left:
                if not right[2]:
                    right = None
                else:  # 'Men or women age ≥ 18 years old': the age named before the value, 'old' only repeats it
                    named = _AGE_LAST.search(text, left[0], left[1])
                    if named:
                        right = (named.start(), named.end(), True)
        elif right is None and left and not unit and f.e < n and text[f.e] == " " and not f.d.get("reference") \
                and _SMALL_COUNT(f.d.get("value")) and (
                    (op and f.d.get("comparator") not in (None, "=", "range") and f.d.get("quantity") is None
                     and (_COUNT_OP.search(op) or (_SYMBOL_OP.search(op) and _COUNTED_AFTER_SYMBOL.match(text, f.e + 1)
                                                   and not _CATEGORY_WORD.search(text, left[0], f.e))))
                    or getattr(f.rule, "quantity", None) == "count"):
            # 'Intention to treat more than 1 occluded vessel', '9 or more T2 lesions': a bare count limits
            # the noun written right after it
            right = right_subject(text, f.e, min(n, f.e + 60), False, counted=bool(_COUNT_OP.search(op)))
            count_right = right is not None and not _NOT_COUNTED.match(text, right[0], right[1]) \
                and "\n" not in text[f.e:right[0]] and not _SCALE.search(text, left[0], left[1])
            if count_right:  # '≥ 3 nodal sites (each with a diameter > 3 cm)'
                right = (right[0], balanced_end(text, right[0], right[1]), right[2])
            else:
                right = None
        if right and (not left or right[2] or count_right or pressure or not same_as_prev or unit == "%" or unit in _DOSE_UNITS
                      or _GESTATION.match(text, f.e)):
            s, e, is_age = right
            f.subjects = split_subjects(text, s, e) if for_measure else [(s, e)]  # ('for ALT or AST')
            f.age = is_age
            if not is_age and not for_measure and f.d.get("quantity") is None and f.d.get("comparator") != "range" and unit is None:
                f.d["quantity"] = "count"
        elif left:
            s, e, _ = left
            if _DOSE_WORD.match(text, s, e):
                # 'rosuvastatin at doses greater than 10 mg/d', 'morphine with daily dose more than 120mg':
                # a dose is the dose of the drug written before it
                g = _DOSE_GAP.search(text, max(lb, s - 20), s)
                if g and g.group("art") and unit in _DURATION_UNITS:
                    g = None  # how long 'a stable dose' lasts: 'on X with a stable dose (for 2 weeks) of Y'
                drug = left_subject(text, lb, g.start()) if g else None
                if drug:  # 'Inability to take aspirin at a dosage of': the drug taken
                    for v in _TAKE_VERB.finditer(text, drug[0], drug[1]):
                        drug = (v.end(), drug[1], drug[2])
                # (not a lone participle: 'administered at a dose 15mg/kg' names no drug)
                if drug and drug[2] and len(text[drug[0]:drug[1]].split()) <= 3 and not PARTICIPLE.fullmatch(text, drug[0], drug[1]):
                    s, e = drug[0], drug[1]
            sc = scale_after(text, s, e, f.e, min(n, f.e + 80))
            if sc:
                f.subjects = [sc]
            else:
                ref = bool(f.d.get("reference"))
                ag = _AGED_END.search(text, s, e)
                if ag and ag.start() > s and _LIST_WORD.search(text, s, ag.start()):
                    # '100 orphans and vulnerable youth aged 15 to 25': the age of all those named, not a list of subjects
                    s = ag.start()
                if s >= 2 and (text[s - 2:s].rstrip().endswith(",") or (ref and text[s - 1:s] == " ")) \
                        and not SCALE_TAIL.search(text, s, e):
                    s = extend_list(text, lb, s, conjunction=ref and "," not in text[s:e])
                f.subjects = [(s, e)] if _names_ratio(text, s, e, lex) else \
                    split_subjects(text, s, e, measure=unit not in _DURATION_UNITS)
                if len(f.subjects) > 1 and SCALE_TAIL.search(text, *f.subjects[-1]):
                    # 'basal cell or stage I', 'with malignant effusion or Stage IV': the value is a
                    # category of the scale named last, not a limit of every part
                    f.subjects = f.subjects[-1:]
                elif len(f.subjects) > 1 and unit in _DURATION_UNITS and _LIFE_LENGTH.search(text, *f.subjects[-1]) \
                        and not any(_LIFE_LENGTH.search(text, a, b) for a, b in f.subjects[:-1]):
                    # '0-2 on the ECOG Performance Scale and life expectancy > 3 months': a time limits the expectancy
                    f.subjects = f.subjects[-1:]
                elif len(f.subjects) > 1 and unit and unit not in _DURATION_UNITS and _OR_ONLY.search(text, s, e):
                    # 'for subjects on antidiabetic background therapy or HbA1c level of ≥ 6.5%': after 'or', a known
                    # measure limited in a unit is the subject, not the words of the case before it
                    # (an age is no measure limited in a unit: '... normal for age or GFR >= 70 ml/min')
                    named = [(a, b) for a, b in f.subjects if _first_name(text[a:b].strip(), lex) not in (None, "age")]
                    if len(named) == 1 and named[0] == f.subjects[-1]:
                        f.subjects = named
        elif prev is not None and prev.subjects and (same_as_prev or group_gap or _LOOSE_GAP.fullmatch(text, prev.e, f.s)
                                                     or _PERSON_LABEL.fullmatch(text, prev.e, f.s)
                                                     or _next_group_limit(text, prev, f)):
            src = prev
            if unit and unit not in _DURATION_UNITS and (prev.age or (
                    prev.d.get("unit") != unit and _IF_BEFORE.search(text, max(0, prev.s - 40), prev.s))):
                # 'CrCl ≥ 60 mL/min for patients aged < 65 years and ≥ 50 mL/min for those ≥ 65 years': the age
                # limit in between is a condition; the value carries on the measure limited in its unit before
                # (so after any condition: 'NT-proBNP ≥ 1000 pg/ml if EF 31 to 35%, ≥ 600 pg/ml if EF ≤ 30%')
                same = [g for g in found[:found.index(prev)] if g.subjects and not g.age and g.d.get("unit") == unit]
                if same:
                    src = same[-1]
            f.subjects = list(src.subjects)
            f.age = src.age
            f.inherited = True
        if _AGE_OP.search(op) or (unit == "a" and any(_AGE_WORDS.search(text, a, b) for a, b in f.subjects)):
            f.age = True
        if unit == "a" and not f.age and not _NOT_AGE_BEFORE.search(text, max(0, f.s - 12), f.s) and not any(
                _DURATION_SUBJECT.search(text, a, b) for a, b in f.subjects):
            if _DURATION_AFTER.match(text, f.e):
                # 'less than 1 year history of diabetes', '2 years on insulin': how long, not how old
                # (also after a pronoun: 'if they are either ≥ 1 year post-menopausal')
                if not f.subjects or all(text[a:b].lower() in _NO_SUBJECT for a, b in f.subjects):
                    r = right_subject(text, f.e, min(n, f.e + 60), False)
                    if r:
                        f.subjects = [(r[0], r[1])]
            else:
                f.age = True  # years with no duration word around them are an age ('women 45-68 years')
        if f.age and f.subjects and unit == "a":
            pb = _PERSON_BEFORE.search(text, max(0, f.s - 40), f.s)
            if pb and all(b <= pb.start() and not _AGE_IN_EXPR.search(text, a, b) for a, b in f.subjects):
                f.subjects = []  # 'Lansky ≥ 60 for patients ≤ 16 years': the persons' age, not the scale's
        counted = _COUNTABLE.match(f.d["_unit"][0]) if not f.subjects and f.d.get("_unit") and f.d["_unit"][2] else None
        if counted:  # '>20 cigarettes per day': the unit's noun is what is counted
            f.subjects = [(f.d["_unit"][2][0], f.d["_unit"][2][0] + counted.end())]
        if f.subjects and not f.age:
            # a lone participle, pronoun or linking word names nothing ('obtained at least 7 days apart',
            # 'they had been taking it for less than 1 year', 'in which case up to 5 x ULN')
            f.subjects = [(a, b) for a, b in f.subjects if text[a:b].lower() not in _NO_SUBJECT]
        if not f.subjects and not f.age and _person_age(text, f, lb, prev):
            f.age = True
        prev = f


_RESPECTIVELY = regex.compile(r"\s*[,;]?\s*(?:\)\s*)?respectively\b", regex.I)


def _respectively(text: str, found: list[_Found]) -> None:
    """'systolic or diastolic blood pressure > 180 mmHg or > 110 mmHg, respectively': the limits
    before 'respectively' share the subjects of the first, which pair with them in order."""
    for i, last in enumerate(found):
        if not _RESPECTIVELY.match(text, last.e):
            continue
        k = i
        while k > 0 and found[k].inherited and found[k].subjects == found[k - 1].subjects:
            k -= 1
        group = found[k:i + 1]
        if len(group) >= 2 and len(group[0].subjects) == len(group):
            for f, subj in zip(group, list(group[0].subjects)):
                f.subjects, f.inherited = [subj], False


_OPEN_AFTER = regex.compile(r"\s*[(\[]\s*\Z")
_SCALE_RANGE = regex.compile(r"(?:\bscale\s+(?:of\s+)?|\bon\s+a\s+)\Z|\A\s*(?:-?\s*points?\s+)?(?:scale|VAS|NRS)\b", regex.I)


def _other_quantity(a: _Found, b: _Found) -> bool:
    """Whether two values are of different kinds, one a duration and the other not, so one cannot
    restate the other: '1.0 mg/dL (6 to < 10 years of age)' limits creatinine for an age group."""
    # (a unit written but not normalised, '100.5°', is no duration either)
    ua, ub = a.d.get("unit") or a.d.get("_unit") and "?", b.d.get("unit") or b.d.get("_unit") and "?"
    return bool(ua and ub) and (ua in _DURATION_UNITS) != (ub in _DURATION_UNITS)


def _drop_restatements(text: str, found: list[_Found]) -> list[_Found]:
    """Values that restate another in parentheses ('6-12 weeks (42 to 90 days)', 'VAS = 4 (0-10)')
    or give a scale's own range ('on a 0-10 scale') are not limits of their own."""
    out: list[_Found] = []
    for f in found:
        no_op = not f.d.get("_op") or f.rule.id.startswith("thr.range.dash")
        if no_op and f.d.get("comparator") in ("range", "=") and (
                (out and _OPEN_AFTER.fullmatch(text, out[-1].e, f.s) and not _other_quantity(out[-1], f)
                 and not _COND.match(text, f.e))  # ('(between 130-169 mmHg if ...)': a limit of its own)
                or _SCALE_RANGE.search(text, max(0, f.s - 12), f.s) or _SCALE_RANGE.match(text, f.e)):
            if not (f.d.get("comparator") == "=" and f.rule.id == "thr.set.scale"):
                continue
        out.append(f)
    return out


_UNITS_WORD = regex.compile(r"units?\b", regex.I)
_ALCOHOL = regex.compile(r"\b(?:alcohol\w*|drink\w*|beers?|wines?|liquor|spirits|ethanol)\b", regex.I)


def _alcohol_units(text: str, found: list[_Found]) -> None:
    """'an average weekly alcohol intake of > 21 units': units of alcohol, not international units
    (the UCUM annotation ``{alcohol_units}`` keeps the rate: ``{alcohol_units}/wk``)."""
    seen = False  # ('> 21 units for males or > 14 units for females': the later limits of the same list too)
    for f in found:
        u = f.d.get("_unit")
        if u and u[1] and u[1].startswith("[IU]") and _UNITS_WORD.match(u[0]) \
                and (seen or _ALCOHOL.search(text, max(0, f.s - 60), f.s)):
            code = "{alcohol_units}" + u[1][len("[IU]"):]
            f.d["_unit"] = (u[0], code, u[2])
            f.d["unit"] = code
            seen = True


def _condition_owner(roots: list[_Found], f: _Found) -> Optional[_Found]:
    """The latest root limit of ``f``'s subject and unit whose conditions (its own and its
    alternatives') hold every root written after it, if any."""
    for i in range(len(roots) - 1, -1, -1):
        q = roots[i]
        conds = [x.cond for x in [q, *q.alts] if x.cond]
        if conds and q.subjects == f.subjects and q.d.get("unit") == f.d.get("unit") and all(
                any(a <= r.s and r.e <= b for a, b in conds) for r in roots[i + 1:]):
            return q
    return None


def _same_kind(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two units measure alike: the same, or two amounts other than durations and percentages."""
    if a == b:
        return True
    return bool(a and b) and not ({a, b} & _DURATION_UNITS or "%" in (a, b))


def _link_alternatives(text: str, found: list[_Found]) -> list[_Found]:
    roots: list[_Found] = []
    for f in found:
        c = _COND.match(text, f.e)
        if c:
            f.cond = c.span("c")
        if roots and f.inherited:
            last = roots[-1].alts[-1] if roots[-1].alts else roots[-1]
            q = _condition_owner(roots, f) if last.d.get("unit") != f.d.get("unit") else None
            if q is not None:
                # '≥ 2500 pg/ml if EF 36 to 40%, ≥ 1000 pg/ml if EF 31 to 35%': the measure's limit for another case,
                # after the condition of the one before (not an alternative of that condition's limit)
                q.alts.append(f)
                continue
        if roots:
            p = roots[-1]
            last = p.alts[-1] if p.alts else p
            # (the gap is after the condition of the limit before: 'QTc < 500 msec for men (470 msec for women)')
            # (not when those words name the measure: '>1.5 × ULN for bilirubin, or >1.5 × ULN for creatinine')
            le = last.cond[1] if last.cond and last.e <= last.cond[0] and last.cond[1] <= f.s and not any(
                last.cond[0] <= a for a, _ in last.subjects) else last.e
            gap_ok = _GAP_OR.fullmatch(text, le, f.s) or (f.inherited and f.cond and _GAP_ALT.fullmatch(text, le, f.s)) \
                or (f.cond and not f.subjects and _GAP_SEMI.fullmatch(text, le, f.s))
            if not gap_ok and f.subjects and not f.inherited and f.subjects[0][0] > last.e:
                # another subject's limit is an alternative after 'or' ('INR ≤ 1.5 x ULN, or PT ≤ 1.5 x ULN'); in a
                # parenthesis only when it is qualified ('AST > 3 x ULN (tumor liver metastasis ≥ 5 x ULN)', '(isolated
                # bilirubin > 1.5 x ULN is acceptable if ...)'), not when it restates the limit on another scale or
                # names something of its own ('ECOG ≤ 2 (Karnofsky ≥ 60%)', 'BMI > 40 kg/m2 (obesity grade III)')
                a, b = f.subjects[0]
                gap_ok = _GAP_OR_WORD.fullmatch(text, last.e, a) or (_GAP_OR.fullmatch(text, last.e, a) and (
                    f.cond or _ACCEPTABLE.match(text, f.e) or _COND_SUBJECT.search(text, a, b)))
                if not gap_ok and f.cond is None and p.subjects:
                    # 'Total bilirubin ≤ 1.5 × ULN (except subjects with Gilbert syndrome, who can have total
                    # bilirubin < 3.0 mg/dL)': the same measure's limit for the excepted group
                    ex = _EXCEPT_GAP.fullmatch(text, last.e, a)
                    if ex and any(text[x:y].strip().lower() == text[a:b].strip().lower() for x, y in p.subjects):
                        f.cond, gap_ok = ex.span("c"), True
            if gap_ok and (f.inherited or f.cond or p.subjects) and not _other_quantity(last, f):
                if f.inherited or not f.subjects:
                    # the limit written just before: 'heart rate less than 50 or over 100 bpm' after
                    # 'diastolic blood pressure lower than 50 or over 90 mmHg, or'
                    src = last if last.subjects else p
                    f.subjects = list(src.subjects)
                    f.age = src.age
                if f.d.get("_bare_mult") and not f.d.get("reference") and p.d.get("reference"):
                    f.d["reference"] = p.d["reference"]  # '≤ 2.5 x ULN (≤ 5 x if liver metastases)'
                if (not f.d.get("_op") and f.d.get("comparator") == "=" and p.d.get("comparator") in _PLAIN_LIMIT
                        and f.subjects == p.subjects and _same_kind(f.d.get("unit"), p.d.get("unit"))
                        and f.d.get("reference") == p.d.get("reference")):
                    # '≤ 2.5 x ULN (5 x ULN if liver metastases)': the same measure's limit, of the same kind
                    # ('creatinine ≤ 1.5 mg/dL or 133 µmol/L': the same limit in other units)
                    f.d["comparator"] = p.d["comparator"]
                p.alts.append(f)
                continue
        roots.append(f)
    return roots


def _unit(mt, d: dict) -> Optional[Unit]:
    u = d.get("_unit")
    if not u:
        return None
    text, ucum, span = u
    if span:
        a, b = mt.span(*span)
        return Unit(text=mt.text[span[0]:span[1]], ucum=ucum, start=a, end=b)
    return Unit(text=text, ucum=ucum)


def _nodes(mt, f: _Found, lex: Lexicon, long_forms: dict[str, str]) -> list[Threshold]:
    text = mt.text
    d = f.d
    s, e = f.s, f.e
    os_, oe = mt.span(s, e)
    base: dict[str, Any] = {k: v for k, v in d.items() if not k.startswith("_") and k != "unit" and v is not None}
    base["unit"] = _unit(mt, d)
    if f.cond:
        a, b = mt.span(*f.cond)
        base["condition"] = Span(start=a, end=b, text=text[f.cond[0]:f.cond[1]])
    if _NEGATED.search(text, max(0, s - 50), s):
        base["negated"] = True  # 'heart rate outside the range of 50-90 bpm': the values meant are not these
    subjects: list[Optional[Subject]] = []
    for a, b in f.subjects or []:
        sa, sb = mt.span(a, b)
        name = "age" if f.age else (f.rule.subject_name or _name(text[a:b], lex, long_forms))
        subjects.append(Subject(start=sa, end=sb, text=text[a:b], name=name))
    if not subjects:
        if f.age:
            subjects.append(Subject(start=os_, end=oe, text=text[s:e], name="age"))
        elif f.rule.subject_name:
            subjects.append(Subject(start=os_, end=oe, text=text[s:e], name=f.rule.subject_name))
        else:
            subjects.append(None)
    out = []
    for subj in subjects:
        q = base.get("quantity")
        if subj is not None and q in (None, "measurement"):
            if _GRADE.search(subj.text) and not base.get("unit"):
                q = "grade"
            elif _SCALE.search(subj.text) and (not base.get("unit") or base["unit"].ucum == "%"):
                q = "score"
            elif subj.name == "age":
                q = "duration" if q is None else q
        fields = dict(base)
        if q:
            fields["quantity"] = q
        out.append(Threshold(start=os_, end=oe, text=text[s:e], rule=f.rule.id, subject=subj, **fields))
    dia = d.get("_diastolic")
    if dia is not None:
        out = [n for t in out for n in _pressure_pair(t, dia)]
    return out


# a subject that names blood pressure as a whole (not one of its two figures)
_BP_NAME = regex.compile(r"\b(?:(?:arterial\s+)?(?:blood\s*)?pressures?|bp|hyper-?tension|hypo-?tension)\b", regex.I)
_ONE_FIGURE = regex.compile(r"\b(?:systolic|diastolic|sbp|dbp|mean|map|pulse)\b", regex.I)


def _pressure_pair(t: Threshold, diastolic: float) -> list[Threshold]:
    """'BP > 140/90 mmHg' limits two pressures: the systolic (the value read) and the diastolic, one
    threshold each over the same text; a subject that already names one of them is left alone."""
    name = t.subject.name if t.subject else None
    if name is not None and (not _BP_NAME.search(name) or _ONE_FIGURE.search(name)):
        return [t]
    sys_subj = t.subject.model_copy(update={"name": "systolic blood pressure"}) if t.subject else None
    dia_subj = t.subject.model_copy(update={"name": "diastolic blood pressure"}) if t.subject else None
    return [t.model_copy(update={"subject": sys_subj}),
            t.model_copy(update={"subject": dia_subj, "value": diastolic})]


def run(mt, rules, long_forms: dict[str, str]) -> Extraction:
    text = mt.text
    out = Extraction()
    low = text.lower()
    starts = number_starts(text, low)
    # a web address holds no value and no subject ('...displaycommon.cfm?an=1&subarticlenbr=35')
    urls = [m.span() for m in _URL.finditer(text)] if "http" in low or "www." in low else []
    if urls:
        starts = [p for p in starts if not any(a <= p < b for a, b in urls)]
    lex = Lexicon.of(rules)
    if not starts and not _may_hold_value(text) and not lex.numberless(low):
        return out  # no number, Roman numeral, Child-Pugh letter or number-free rule's word: nothing to find
    try:
        words = present(lex.keywords, low)
        found = _choose(text, lex, low, starts, words)
        temps = find_temporals(text, lex, low, starts, words)
    except TimeoutError:  # a runaway pattern: report, never raise
        a, b = mt.orig_bounds
        out.diagnostics.append(Diagnostic(code="W201", message="threshold patterns timed out on this criterion",
                                          start=a, end=b, severity="warning"))
        return out
    stops = [(t[0], t[1]) for t in temps if not any(f.s < t[1] and t[0] < f.e for f in found)]
    if urls:
        stops = sorted(stops + urls)
    found = _drop_restatements(text, found)
    _share_units(text, found)
    _attach_subjects(text, found, stops, lex)
    _respectively(text, found)
    _alcohol_units(text, found)
    # a duration is a temporal window unless it is the measured subject (life expectancy > 3 months)
    kept_t = []
    for t in temps:
        clash = [f for f in found if f.s < t[1] and t[0] < f.e]
        # ('therapy within 6-12 months of study entry' is a window; 'life expectancy within ...' is not)
        lead = t[3].group("lead") if "lead" in t[3].re.groupindex else None
        dur = _MEASURED_DURATION if lead and _WINDOW_LEAD.match(lead) else _DURATION_SUBJECT
        if clash and all(f.subjects and any(dur.search(text, a, b) for a, b in f.subjects) for f in clash):
            continue
        # 'treated for > 14 days prior to enrollment': how long an exposure lasted is a limit of its own and
        # the window stays as well; 'for 6 months after the last dose' is only a window
        keep_dur = _AFTER.match(t[3].group("dir") or "") is None if "dir" in t[3].re.groupindex else True
        found = [f for f in found if f not in clash or (keep_dur and _FOR_DURATION.search(text, max(0, f.s - 30), f.s))]
        kept_t.append(t)
    for s, e, rule, m in kept_t:
        node = build_temporal(mt, s, e, rule, m, lex)
        if node is not None:
            out.temporals.append(node)
    for root in _link_alternatives(text, found):
        nodes = _nodes(mt, root, lex, long_forms)
        alts = [n for a in root.alts for n in _nodes(mt, a, lex, long_forms)]
        shared = {(n.subject.start, n.subject.end) for n in nodes if n.subject} if len(nodes) > 1 else set()
        for n in nodes:
            # 'AST/ALT ≤ 2.5 x ULN (≤ 5 x ULN if liver metastases)': AST's alternative is AST's, not ALT's
            own = (n.subject.start, n.subject.end) if n.subject else None
            n.alternatives = [a for a in alts if not (a.subject and (a.subject.start, a.subject.end) in shared
                                                      and (a.subject.start, a.subject.end) != own)]
        out.thresholds.extend(nodes)
    try:
        out.lists = find_variant_lists(mt, lex)
    except TimeoutError:
        a, b = mt.orig_bounds
        out.diagnostics.append(Diagnostic(code="W201", message="variant-list patterns timed out on this criterion",
                                          start=a, end=b, severity="warning"))
    return out


def measure_in(text: str, rules) -> Optional[tuple[int, int]]:
    """The span of the known measure a lead-in names ('Serum creatinine based on age/gender as
    follows:' -> 'creatinine'): the subject-name match that ends last, other than an age (the
    phrase 'based on age' qualifies the measure)."""
    best = None
    for name, search in Lexicon.of(rules).name_search:
        if name == "age":
            continue
        m = search(text)
        if m is not None and m.end() > m.start() and (best is None or m.end() > best[1]):
            best = m.span()
    return best


def subject_name(text: str, rules, long_forms: dict[str, str]) -> Optional[str]:
    """The normalised name of a subject written as ``text`` (the subject-name rules, then short forms)."""
    return _name(text, Lexicon.of(rules), long_forms)
