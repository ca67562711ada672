"""Finding what a threshold limits: the words before the value (or after it: '18 years of
age', '2 prior regimens'), split when several subjects share one limit ('AST/ALT ≤ 2.5 × ULN')."""
from __future__ import annotations

from string import ascii_letters
from typing import Optional

import regex

_I = regex.IGNORECASE
# where a subject's search stops (see boundaries): punctuation, clause words, phrases
_PUNCT_BOUND = regex.compile(r"[;:\[\]{}=]|,(?!\d)|\.(?:\s|$)|\s[-–]\s|\((?=[^()]*\Z)")
_WORD_TOKEN = regex.compile(r"[A-Za-z]+(?:\.[A-Za-z]\.)?")
_MULTI_BOUND = regex.compile(r"\b(?:the\s+following|or\s+more|out\s+of(?:\s+(?:a|the))?(?:\s+(?:possible|maximum|total))?(?:\s+(?:score\s+)?of)?(?:\s+\d+(?:\.\d+)?\b)?|history\s+of|removal\s+of|use\s+of|intake\s+of|"
                             r"consumption\s+of|expected\s+to|able\s+to|unable\s+to|recover(?:ed|y)\s+from|e\.g\.|i\.e\.)", _I)
_CLAUSE_WORDS = frozenset("""
with without who whose which that having has have had is are was were be been being if when whereas unless except
as by must should shall will would can could may defined according showing show shows confirm confirms confirmed
meet meets require requires required including includes include patient patients subject subjects participant
participants individual individuals person persons people men women adult adults children male males female
females volunteer volunteers infant infants boys girls candidates cases documented using use taking need
needs needing while within during after before prior since via per such where than equal following namely at
experienced experiencing received undergone underwent completed failed presence planned scheduled likely
lasting lasted lasts
""".split())
_CLAUSE_PREFIXES = ("demonstrat", "receiv")
_PRIOR_TO = regex.compile(r"\s+to\b|\s*\Z", _I)
_TIME_SINCE = regex.compile(r"\b(?:time|interval|period|duration)\s+\Z", _I)
# 'WHO 0-2', 'WHO performance status': the World Health Organization's scale, not the pronoun
_WHO_SCALE = regex.compile(r"WHO(?=\s*(?:\d|\(|\Z|(?i:performance|PS\b|grade|grading|score|stage|class|classification|"
                           r"criteria|functional|toxicity|scale|status)))")


def boundaries(masked: str, base: int) -> list[tuple[int, int, str]]:
    """Where a subject's search stops: punctuation, clause words ('with', 'patients'), phrases
    ('history of'), as (start, end, text) offsets into the full text (``masked`` starts at ``base``).
    Word tokens are looked up in a set: cheaper than a word alternation at every position."""
    out = [(base + m.start(), base + m.end(), m.group()) for m in _PUNCT_BOUND.finditer(masked)]
    for m in _WORD_TOKEN.finditer(masked):
        w = m.group().lower()
        if (w in _CLAUSE_WORDS or w.startswith(_CLAUSE_PREFIXES)) and not (
                w == "who" and _WHO_SCALE.match(masked, m.start())) and not (
                w == "prior" and not _PRIOR_TO.match(masked, m.end())) and not (  # ('toxicities of prior therapy')
                w == "since" and _TIME_SINCE.search(masked, max(0, m.start() - 12), m.start())):  # ('Time since TBI')
            out.append((base + m.start(), base + m.end(), m.group()))
    if "of" in masked or "to" in masked or "more" in masked or "following" in masked or "." in masked or "from" in masked:
        out.extend((base + m.start(), base + m.end(), m.group()) for m in _MULTI_BOUND.finditer(masked))
    out.sort(key=lambda b: (b[1], b[0]))
    return out


# ('least': 'at' ended the search in 'at least one dimension >= 10 mm')
# (a preposition only before a space: 'on a stable dose' -> 'stable dose', but 'in-situ hybridization' stays)
# verbs of taking a drug: a subject does not start with one ('take allopurinol 200 mg')
TAKE_VERBS = r"take|takes|taking|receive|receives|receiving|use|uses|using"
_LEAD = regex.compile(r"(?:\s|[,.)\-–/\u2460-\u24ff\u2776-\u2793]|['’]s\b|['’](?=\s)|\b(?:and/or|and|or|both|either|the|a|an|all|any|each|of|also|plus|but|not|no|only|then|"
                      r"least(?:\s+(?:one|1|a|an))?|" + TAKE_VERBS + r"|including|excluding|except|achieve|achieves|achieving|"
                      r"reach|reaches|reaching|attain|attains|attaining)\b|\b(?:on|in|for|to|from|by)(?=\s)|"
                      r"(?<![\w'’])(?-i:o)(?=\s+[A-Z]))+", _I)  # (a lower-case 'o' used as a bullet: 'o Direct bilirubin')
_HAS_LETTER = regex.compile(r"[A-Za-z]")
_WORD = regex.compile(r"\S+")
# words that name the persons a criterion is about
PERSON_WORDS = (r"patients?|subjects?|participants?|individuals?|persons?|people|men|women|adults?|"
                r"children|males?|females?|volunteers?|infants?|boys|girls|adolescents?|elderly|youths?|"
                r"teenagers?|pediatric|paediatric|neonates?|newborns?|recipients?|donors?|healthy")
_PERSON = regex.compile(r"^(?:" + PERSON_WORDS + r")$", _I)
# ('18 years of age': the subject is the word 'age', not 'of age')
_AGE_RIGHT = regex.compile(r"\G\s*(?:(?:years?|yrs?)\s+)?(?:(?:of|in)\s+(?P<s>age)|(?P<s>old)|(?:years?\s+)?(?P<s>aged?))\b", _I)
_RSTOP = (r"with|without|who|whose|which|that|having|has|have|had|is|are|was|were|be|been|if|when|unless|except|as|by|"
          r"must|should|will|would|can|may|within|during|after|before|since|via|per|such|where|than|at|on|and|or|in|"
          r"for|to|from|x|times|daily|each|every|a|an|the|this|these|those|e\.g|i\.e|including|defined|over|under|"
          r"between|weekly|monthly|yearly|ago|old|apart|respectively|total|maximum|minimum|leading|requiring|resulting|"
          r"due|caused|despite|unless|associated|related|per|daily|weekly|not|no|according|into|onto|followed|using|"
          # how often and how a dose is given ('400 mg once daily', '10 mg orally')
          r"once|twice|thrice|orally|intravenously|subcutaneously|qd|bid|tid|qid|prn|"
          # '≥ 8 out of a possible 12': the scale's maximum, not a counted noun
          r"out|inclusive|exclusive|inclusively")
# words that end a noun phrase written after a count ('3 active drugs other than maraviroc', '≥ 3 courses
# received', 'two or more surgeons confirming eligibility', 'one cup of black tea and two cups')
_RIGHT_END = (r"other\s+than|received|planned|given|administered|performed|obtained|completed|confirming|showing|"
              r"lasting|meeting|one|two|three|four|five|six|seven|eight|nine|ten")
_RIGHT = regex.compile(
    r"\G\s*(?P<s>(?!(?:" + _RSTOP + r"|of)\b)[A-Za-z][\w'’+-]*"
    r"(?:\s+(?!\(?(?:" + _RSTOP.replace("and|or|", "") + r")\b|(?<!ly\s+)(?:" + _RIGHT_END + r")\b)[A-Za-z(][\w'’+)-]*){0,5})", _I)  # (nor '(for')
# 'more than 10% of bone': the share is of what follows
# '10% of bone marrow', '50 kg of weight': what a value is of, written after it
_OF_PHRASE = regex.compile(r"\G\s*of\s+(?:the\s+|all\s+|their\s+)?(?P<s>[A-Za-z][\w'’-]*(?:\s+(?!(?:" + _RSTOP + r")\b)[A-Za-z][\w'’-]*){0,3})", _I)
# 'Score ≤ 10 on the Short Physical Performance Battery'
_ON_SCALE = regex.compile(r"\G\s*(?:\S+\s+){0,3}?(?:on|in|of)\s+(?:the\s+)?(?P<s>(?:\d{1,2}-items?\s+)?[A-Za-z][\w'’-]*(?:\s+(?!\(?(?:or|and|at|in|for|with|before|after|prior|during|within|"
                       r"from|by|to|as|if|when|while|since|until)\b)[A-Za-z(][\w'’()-]*){0,6})", 0)
# '>7 birthweight greater than 2500 g': a noun followed by its own comparator is the next value's subject
_NEXT_LIMIT = regex.compile(r"[\w'’+-]+(?:\s+(?!(?:or|and)\b)[\w'’+-]+){0,2}?\s*(?:(?:greater|less|more|fewer|higher|lower|above|below|"
                            r"exceeding|superior|inferior)\b|[<>≤≥≦≧])", _I)
_LIMIT_WORD = regex.compile(r"\s+(?:(?:of|with|at)\s+)?(?:greater|less|more|fewer|higher|lower|above|below|exceeding|superior|"
                            r"inferior|larger|smaller|over|under|up\s+to|at\s+least|at\s+most)\b", _I)
_UPPER = regex.compile(r"[A-Z]")
_GENERIC = regex.compile(r"^(?:(?i:total|baseline|mean|average|a|the)\s+)*(?:(?-i:[a-z]+)\s+){0,3}(?i:scores?|values?|levels?|results?|points?)$")
_RIGHT_TAIL = regex.compile(r"(?:\s+(?:of|the|a|an|and|or|but|\())+$", _I)
_SPLIT = regex.compile(r"\s*(?:,|/|&|\band/or\b|\band\b|\bor\b)\s*", _I)
# a list item may carry its long form: 'TBIL(total bilirubin), ALT(alanine aminotransferase),AST(...) > 2.5×ULN'
_LIST_ITEM = regex.compile(r"(?:^|[,;:(]|\bwith\b)\s*([A-Za-z][\w'’ -]{0,30}?(?:\s*\([^(),;]{1,50}\))?)\s*,\s*$", _I)
# the last item of such a list, joined by a conjunction after the comma ('AST, ALT, or ALP')
_LIST_LAST = regex.compile(_LIST_ITEM.pattern[:-len(r"\s*,\s*$")] + r"\s*,\s*(?:and/or|or|and)\s+$", _I)
_OXFORD_TAIL = regex.compile(r",\s*(?:and/or|or|and)\s+\Z", _I)
MAX_WORDS = 8
WINDOW = 90
MAX_WINDOW = 240


_TRAIL_WORDS = frozenset(
    "of is are was were be been the a an both all each either must should than at in on to for by as from between "
    "within outside prior ranging range measured value values lower higher greater less more not no and or equal it its their his "
    "her does did do has have had will would can may".split())
_TRAIL_CHARS = " \t,(:=-–*"
_THAN_AFTER = regex.compile(r"\s+than\b", _I)
_SPAN_WORDS = frozenset("period duration time length".split())
_SPAN_TAIL = regex.compile(r"\s*\b(?:for|during|over)\s+(?:a|the|an)\s+(?:(?:total|minimum|maximum|cumulative|continuous)\s+)?"
                           r"(?:period|duration|time|length)\Z", _I)


def _last_word_start(text: str, s: int, e: int) -> int:
    """Where the run of ASCII letters that ends at ``e`` starts (not before ``s``; ``e`` if none).

    What searching ``[A-Za-z]+\\Z`` in ``text[s:e]`` finds, without a regex search that tries every
    position of the subject (~4x faster on the corpus)."""
    seg = text[s:e]
    return s + len(seg.rstrip(ascii_letters))


def _closes_nothing(text: str, s: int, k: int) -> bool:
    """Does the ')' at ``k`` close no '(' opened in ``text[s:k]``?"""
    depth = 0
    for c in text[s:k]:
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
    return depth == 0


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop conjunctions/articles before and function words after a subject."""
    m = _LEAD.match(text, s, e)
    if m:
        s = m.end()
    while e > s:  # trailing function words and punctuation, word by word (no regex scan)
        c = text[e - 1]
        if (c in _TRAIL_CHARS and not (c == "*" and text[e - 2:e - 1].isdigit())) or (  # (but 'T2*', an MRI measure)
                c == ")" and _closes_nothing(text, s, e - 1)):
            e -= 1  # (a ')' closing a parenthesis opened before the subject is not part of it)
            continue
        ws = _last_word_start(text, s, e)
        w = text[ws:e].lower()
        if w in _SPAN_WORDS:
            # 'atypical antipsychotic for a period of > 30 days': the stretch of time is the value, not the subject
            m = _SPAN_TAIL.search(text, s, e)
            if m and m.start() > s:
                e = m.start()
                continue
        if w == "other" and _THAN_AFTER.match(text, e):
            e = ws  # 'ASA dose other than 75 to 100 mg daily' (not 'significant other')
            continue
        if not w or w not in _TRAIL_WORDS or (ws > s and text[ws - 1].isalnum()):
            break
        e = ws
    return s, max(s, e)


_PAREN_GROUP = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _mask(text: str, s: int, e: int) -> str:
    """``text[s:e]`` with balanced (...) and [...] groups blanked out (same length)."""
    w = text[s:e]
    if "(" not in w and "[" not in w:
        return w
    return _PAREN_GROUP.sub(lambda m: "_" * len(m.group(0)), w)


def _limit_words(masked: str, base: int, s: int, e: int) -> int:
    # (parentheses in a row, masked, are one word: 'alanine aminotransferase (ALT) (serum glutamate pyruvate
    # transaminase [SGPT])')
    words, paren = [], False
    for w in _WORD.finditer(masked, s - base, e - base):
        was, paren = paren, not w.group().strip("_")
        if not (paren and was):
            words.append(w)
    if len(words) > MAX_WORDS:
        return base + words[-MAX_WORDS].start()
    return s


_ADVERBIAL = regex.compile(r"(?:during|within|after|before|prior(?:\s+to)?|at|since|following|via|per|while)\s*\Z", _I)
_EVENT_ADVERBIAL = regex.compile(r"(?:after|before|prior\s+to|since|following)\s*\Z", _I)
_TIME_PHRASE = regex.compile(r"\b(?:period|phase|visit|screening|baseline|time|day|days|week|weeks|month|months|rest|"
                             r"run-in|lead-in|wash-?out|follow-up|"
                             r"evaluation|examination|assessment|"
                             r"year|years|study|trial|enrol\w*|randomi[sz]ation|admission|inclusion|consent|entry|minutes?|hours?|"
                             r"mins?|hrs?|seconds?)\b", _I)
_GESTATION_WORD = regex.compile(r"\bgestation(?:al)?\b", _I)
_PAREN_ONLY = regex.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*")
_NUMBER_WORD = regex.compile(r"\s*\(\s*[<>≤≥=]?\s*\d")


_AMOUNT_OF = regex.compile(r"(?P<noun>intake|consumption|use)\s+of\Z", _I)


def _window_start(text: str, lb: int, vs: int) -> int:
    """Where the search for a subject before ``vs`` starts: WINDOW characters back, not counting the
    parentheses in between ('Aspartate aminotransferase (AST) (serum glutamic oxaloacetic transaminase
    [SGOT]) and alanine aminotransferase (ALT) (...)'), and never more than MAX_WINDOW back."""
    ws = max(lb, vs - WINDOW)
    if ws > lb and (")" in text[ws:vs] or "]" in text[ws:vs]):
        for _ in range(3):
            hidden = sum(m.end() - m.start() for m in _PAREN_GROUP.finditer(text, ws, vs))
            wider = max(lb, vs - WINDOW - hidden, vs - MAX_WINDOW)
            if wider >= ws:
                break
            ws = wider
    return ws


def left_subject(text: str, lb: int, vs: int) -> Optional[tuple[int, int, bool]]:
    """The subject written before a value starting at ``vs``; ``lb`` is where the search stops.

    Returns ``(start, end, direct)``; ``direct`` is False when the words right before the value
    were not a subject and the search stepped back over a boundary to find one.  Boundaries
    inside a closed parenthesis ("QTc (or evidence of such at screening) on ECG") do not count.
    """
    ws = _window_start(text, lb, vs)
    while lb < ws < vs and text[ws - 1].isalnum() and text[ws].isalnum():
        ws += 1  # the window does not start inside a word ('ffects')
    masked = _mask(text, ws, vs)
    bounds = boundaries(masked, ws)
    end = vs
    fallback = None
    hops = 0
    for k in range(len(bounds), -1, -1):
        cut = bounds[k - 1][1] if k else ws
        s, e = _strip(text, cut, end)
        if e > s and _NUMBER_WORD.match(text, s, e):
            # '(7.1 mM) in women', '(52) and a platelet count of': skip the other value's parenthesis
            close = text.find(")", s, e)
            s = e if close < 0 else _strip(text, close + 1, e)[0]
        if e > s and _PAREN_ONLY.fullmatch(text[s:e]):
            # '(HbA1c) >7.5%' after 'hemoglobin A1c,': the abbreviation belongs to the words before it
            p0 = bounds[k - 1][0] if k else s
            prev_cut = bounds[k - 2][1] if k >= 2 else ws
            ps, pe = _strip(text, prev_cut, p0)
            if k and pe > ps and _HAS_LETTER.search(text, ps, pe) and text[bounds[k - 1][0]:bounds[k - 1][1]] == ",":
                s = ps
            else:
                s = e  # '(women) and > 53 %': a parenthesis of its own is no subject
        if e > s and _HAS_LETTER.search(text, s, e):
            # a time/means phrase ('during the screening period') is not the subject: look further back
            # (not the gestation a birth came after: 'Born after a gestation period between 36 and 42 weeks')
            if k and hops < 3 and _ADVERBIAL.search(text, bounds[k - 1][0], cut) and not _GESTATION_WORD.search(text, s, e) and (
                    _TIME_PHRASE.search(text, s, max(e, end)) or (_EVENT_ADVERBIAL.match(text, bounds[k - 1][0], cut)
                                                        and "\n" not in text[cut:e])):
                # 'mRS before the autoimmune encephalitis > 3': what follows before/after is an event
                fallback = fallback or (s, e)
            else:  # (the last MAX_WORDS words, less a function word they may start with: 'of American Society ...')
                return _strip(text, _limit_words(masked, ws, s, e), e)[0], e, hops == 0
        if not k:
            break
        b = bounds[k - 1]
        # ('hydrocortisone [> 40 mg]': an unclosed bracket right before the value steps back, as a parenthesis)
        if hops >= 3 or b[2] == ";" or (b[2] in ":([" and e > s):
            break
        hops += 1
        end = b[0]
        am = _AMOUNT_OF.match(b[2]) if e <= s else None
        if am:  # 'an average weekly intake of > 21 units': nothing after 'intake of', the intake is limited
            end = b[0] + am.end("noun")
    if fallback:
        return _strip(text, _limit_words(masked, ws, *fallback), fallback[1])[0], fallback[1], False
    return None


_CONDITION_ITEM = regex.compile(r"\b(?:[a-z]+itis|hepatitis|disease|infections?|cancer|carcinoma|syndrome|failure|insufficiency|"
                                r"impairment|dysfunction|pregnan[a-z]*|allerg[a-z]*|cirrhosis|thrombosis|metastas[ie]s|"
                                r"fibrillation|flutter|arrhythmias?|tachycardia|bradycardia|angina|infarction|stroke|neuropathy|"
                                r"mens(?:es|truation)|amenorrh[a-z]*|menopaus[a-z]*|"
                                r"(?-i:[TNM](?:[0-4]|is|x)[a-d]?))\b", _I)  # (or a TNM stage: 'T1-T2a, Gleason score ≤6')


def extend_list(text: str, lb: int, s: int, conjunction: bool = False) -> int:
    """Extend a subject leftwards over a comma list of short items ('AST, ALT, GGT <2.5 x ULN').

    With ``conjunction``, the last item may be joined by a conjunction after the comma ('AST, ALT, or
    alkaline phosphatase > 2.5 x ULN'); then at least two items must precede it, as 'pregnancy, or ALT
    > 3 x ULN' is no list.  (The caller allows it for limits relative to a reference: lists of
    laboratory tests; in other lists the last item is often the one measured: 'bradycardia, sick sinus
    syndrome, or ventricular rate < 50 bpm'.)"""
    start = s
    oxford = conjunction and _OXFORD_TAIL.search(text, max(lb, s - 12), s) is not None
    hops = 0
    while s > lb:
        rx = _LIST_LAST if oxford and not hops else _LIST_ITEM
        m = rx.search(text, max(lb, s - 100), s)
        if not m or m.end() != s:
            break
        item = m.group(1)
        if len(_PAREN_GROUP.sub("", item).split()) > 3 or _PERSON.match(item.strip()) or _CONDITION_ITEM.search(item):
            break  # (a condition is no measure: 'active hepatitis, AST or ALT > 2.5 x ULN')
        clause = None
        for w in _WORD_TOKEN.finditer(text, m.start(1), m.end(1)):
            if w.group().lower() in _CLAUSE_WORDS:
                clause = w
        if clause is not None:  # 'patients with AST, ALT': the list starts after the clause word
            rest = _LEAD.match(text, clause.end(), m.end(1))
            begin = rest.end() if rest else clause.end()
            if oxford and not hops:
                break
            return begin if begin < m.end(1) and _HAS_LETTER.search(text, begin, m.end(1)) else s
        s = m.start(1)
        hops += 1
    if oxford and hops < 2:
        return start
    return s


# one adjective or specimen ('primary', 'histologic', 'systolic', 'plasma'): it modifies the noun of the next part
_MODIFIER = regex.compile(r"(?:primary|secondary|moderate|severe|mild|acute|subacute|chronic|new|newly|recurrent|persistent|motor|sensory|"
                          r"unresolved|active|total|direct|free|fasting|random|mean|minimum|maximum|calculated|measured|estimated|"
                          r"corrected|predicted|documented|confirmed|symptomatic|asymptomatic|"
                          r"plasma|serum|blood|urine|whole\s+blood|capillary|venous|arterial|"
                          r"[A-Za-z]{2,}(?:ic|al|ary|ous|ive))", _I)
# a subject naming a scale ('stage', 'AV block grade'): the value is its category, not every list item's
SCALE_TAIL = regex.compile(r"\b(?:stages?|grades?|class|classes|type|group|category|phase)\s*\Z", _I)


# one quantity written with a slash: 'albumin/creatinine ratio', 'FEV1/FVC' (a ratio the subject-name rules
# name, 'PaO2/FiO2', 'LDL/HDL', 'Kt/V', is kept whole by the caller: see assemble._names_ratio)
_RATIO = regex.compile(r"/[^,;]*\b(?:ratios?|quotients?)\b|\bFEV1?\s*/\s*(?:F?VC|forced\s+vital\s+capacity)\b", _I)


_TRANSAMINASE_PAIR = regex.compile(r"\b(?:AST|SGOT|aspartate\s+(?:amino)?transferase)\b[\s_]*/\s*(?:ALT|SGPT|alanine\b)|"
                                   r"\b(?:ALT|SGPT|alanine\s+(?:amino)?transferase)\b[\s_]*/\s*(?:AST|SGOT|aspartate\b)", _I)
_OR_AND = regex.compile(r"\s(?:(?:and\s*/\s*)?or|and)\s", _I)


def split_subjects(text: str, s: int, e: int, measure: bool = True) -> list[tuple[int, int]]:
    """Several subjects sharing one limit: 'ALT and AST', 'AST/ALT', 'AST, ALT'.

    ``measure``: the limit is a measurement (not a duration, where an event is what is timed:
    'unstable angina or NSTEMI > 2 weeks ago')."""
    if "/" in text[s:e] and _RATIO.search(text, s, e):
        return [(s, e)]
    masked = _mask(text, s, e)  # no split inside a parenthesis ('ALT (alanine/aspartate ...)')
    last_or = None
    for last_or in _OR_AND.finditer(masked):
        pass
    if last_or is not None and measure:
        # 'active liver disease (e.g. jaundice) or the ALT level > 2.5 x ULN': a condition named before
        # 'or' is an alternative criterion, not a subject of the limit; 'Gilbert syndrome and bilirubin
        # < 3 x ULN': one named before 'and' qualifies the limit
        a, b = _strip(text, s + last_or.end(), e)
        if b > a and _CONDITION_ITEM.search(text, s, s + last_or.start()) and not _CONDITION_ITEM.search(text, a, b) \
                and not _INSTRUMENT_HEAD.search(text, a, b):  # (not 'Disease Area and Severity Index')
            return split_subjects(text, a, b)
    if _EPONYM_PAIR.search(text, s, e):
        return [(s, e)]  # 'Kellgren & Lawrence grade', 'Hoehn and Yahr stage': one scale named after two people
    parts = []
    pos = s
    for m in _SPLIT.finditer(masked):
        parts.append((pos, s + m.start()))
        pos = s + m.end()
    parts.append((pos, e))
    parts = [_strip(text, a, b) for a, b in parts]
    parts = [(a, b) for a, b in parts if b > a and _HAS_LETTER.search(text, a, b)]
    merged: list[tuple[int, int]] = []
    leading_paren = False
    for a, b in parts:  # 'hemoglobin A1c, (HbA1c)': an abbreviation is not another subject
        if _PAREN_ONLY.fullmatch(text[a:b]):
            if merged:
                merged[-1] = (merged[-1][0], b)
            else:  # '(IU/L) or total bilirubin': a parenthesis left over from the value before
                leading_paren = True
            continue
        merged.append((a, b))
    # 'PT < ULN+4s or APTT < 1.5×ULN': what is left of the value before ('+4s') is not another subject
    parts = [(a, b) for a, b in merged if not _VALUE_BIT.fullmatch(text, a, b)] or merged
    if len(parts) < 2:
        if len(parts) < len(merged):
            return parts
        return parts if leading_paren and parts else [(s, e)]
    # (a parenthesis is no word of a part joined by a conjunction: 'Aspartate aminotransferase (AST) (serum
    # glutamic oxaloacetic transaminase [SGOT]) and alanine aminotransferase (ALT) (...)'; a slash may join a ratio)
    # (nor in an instrument's name: 'Disease Area and Severity Index (CLASI) activity score')
    # (but the two transaminases are never a ratio unless it says so: 'Aspartate aminotransferase (AST) (serum
    # glutamic oxaloacetic transaminase [SGOT])/alanine aminotransferase (ALT) (...)')
    whole = ("/" in masked and not _TRANSAMINASE_PAIR.search(masked)) or _INSTRUMENT_HEAD.search(text, *parts[-1])
    if any(len((text[a:b] if whole else _PAREN_GROUP.sub("", text[a:b])).split()) > 4 or _PERSON.match(text[a:b])
           for a, b in parts):
        return [(s, e)]
    if len(parts) == 2 and _MODIFIER.fullmatch(text, *parts[0]) and len(text[parts[1][0]:parts[1][1]].split()) >= 2:
        return [(s, e)]  # 'Primary or secondary amenorrhea': two modifiers of one head, one subject
    if _INSTRUMENT_HEAD.search(text, *parts[-1]) and all(_TITLE_WORDS.fullmatch(text, a, b) for a, b in parts):
        return [(s, e)]  # 'Eczema Area and Severity Index (EASI) score': the name of one instrument
    # 'bilirubin is fractionated and direct bilirubin < 35%': a lone participle ends the clause before it
    # (one after the nouns is kept: 'T2DM, diagnosed at least 3 months prior', how long since the diagnosis)
    if PARTICIPLE.fullmatch(text, *parts[-1]):
        return parts
    return [(a, b) for a, b in parts[:-1] if not PARTICIPLE.fullmatch(text, a, b)] + [parts[-1]]


_VALUE_BIT = regex.compile(r"[+\-−]?\s*\d[\d.,]*\s*(?:[a-z%µμ]{0,5}|[xX×])")  # (not '3TC', a drug)
PARTICIPLE = regex.compile(r"[a-z]{3,}ed|taken|given")  # a lone past participle ('treated', 'taken')
_EPONYM_PAIR = regex.compile(r"(?<![A-Za-z])(?-i:[A-Z][a-z]+)\s*(?:&|and)\s*(?-i:[A-Z][a-z]+)\s+"
                             r"(?:grades?|stages?|scores?|scales?|classification|criteria|class|index)\s*\Z", _I)

# a capitalised name ending in what names an instrument (a conjunction inside it is part of the name)
_INSTRUMENT_HEAD = regex.compile(r"\b(?:Index|Scale|Score|Questionnaire|Inventory|Assessment|Rating|Survey|Test)\b")
_TITLE_WORD = r"(?:[A-Z][\w'-]*|\([^()]*\)|score|scale|index|of|the|for|in)"
_TITLE_WORDS = regex.compile(_TITLE_WORD + r"(?:\s+" + _TITLE_WORD + r")*")


_DOSE_OF = regex.compile(r"\G\s*(?:(?:of\s+)?(?:(?:total|daily|lifetime|cumulative)\s+){0,3}(?:dose|exposure)\s+of\s+(?:an?\s+)?|of\s+)?(?P<s>(?:(?<=of\s)(?:total|daily|weekly|cumulative)\s+(?:daily\s+)?)?(?!(?:" + _RSTOP + r"|body\s*weight)\b)[A-Za-z][\w-]{2,}(?:\s+(?!(?:" + _RSTOP + r"|or|and)\b)[A-Za-z][\w-]*)?)", _I)


def dose_of(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """'5 mg of prednisone', '0.5 mg/kg/day prednisone', '2 units/kg/day of total daily insulin',
    '20 mg total daily dose of prednisone': the drug after a dose."""
    m = _DOSE_OF.match(text, ve, rb)
    if m is None or PARTICIPLE.fullmatch(text, *m.span("s")) or _NOT_NOUN.match(text, m.start("s"), rb):
        return None  # ('aspirin ≤ 325 mg/day allowed': a participle is no drug; nor is '... prior to baseline')
    return m.span("s")


# '2 cm in size': the dimension a measured value is of
_IN_DIMENSION = regex.compile(r"\G\s*(?:in|at)\s+(?:(?:the|its|(?:at\s+least\s+)?one|any|each|either)\s+)?(?P<s>(?:(?:longest|greatest|largest|maximum|maximal|max|"
                              r"shortest|smallest|short|long|minimum)\s+)?(?:size|diameter|length|width|height|depth|thickness|"
                              r"volume|area|weight|circumference|duration|dimension|axis)\b)", _I)


def _trim_tail(text: str, s: int, e: int) -> Optional[tuple[int, int]]:
    """A noun phrase found after a value, less the function words it ends with (None if nothing is left)."""
    t = _RIGHT_TAIL.search(text, s, e)
    if t and t.start() > s:
        return s, t.start()
    return (s, e) if e > s else None


def measure_of(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """The subject of a measured value with no subject before it, written after it ('< 50 kg of weight',
    '6 mm of residual bone', '2 cm in size')."""
    m = _OF_PHRASE.match(text, ve, rb) or _IN_DIMENSION.match(text, ve, rb)
    return _trim_tail(text, *m.span("s")) if m else None


# the head of an 'of' phrase that is an event anchoring a time window, not an activity lasting that long
_EVENT_HEAD = regex.compile(r"(?:the|a|an|his|her|their|its|this|each|any|study|first|last|initial|final|start|end|"
                            r"onset|beginning|screening|baseline|randomi[sz]\w*|enrol\w*|inclusion|entry|consent|"
                            r"registration|admission|diagnosis|dos\w*|visit|day|date|surgery|delivery|birth|age|"
                            r"gestation\w*|life|time|either|them|which|these|those|all)\b", _I)


# ('> 2 weeks' treatment with immunosuppressants': the possessive of a duration names the activity)
_POSSESSIVE_PHRASE = regex.compile(r"\G['’]\s+" + _OF_PHRASE.pattern[len(r"\G\s*of\s+"):], _I)
_WHEN = regex.compile(r"\s+(?:prior|before|after|following|until|since)\b", _I)


def activity_of(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """What a duration is the length of, written after it ('6 weeks of conservative treatment');
    None for an event that anchors a window ('14 days of the first dose', 'of randomization')."""
    m = _OF_PHRASE.match(text, ve, rb) or _POSSESSIVE_PHRASE.match(text, ve, rb)
    if m is None or _EVENT_HEAD.match(text, m.start("s")):
        return None
    s, e = m.span("s")
    cut = _WHEN.search(text, s, e)  # '... treatment prior to surgery': the time phrase is not the activity's
    return _trim_tail(text, s, cut.start() if cut else e)


# the first word after a percentage that cannot start what it measures: a participle ('measured by'),
# a direction ('above the ULN', 'below recent'), a reference word ('predicted')
_NOT_PCT_NOUN = regex.compile(r"\G\s*(?:\w+ed\b|above\b|below\b|beyond\b|predicted\b|normal\b|percent\w*|"
                              r"points?\b|increase\s+from\b|(?:higher|lower|greater|less|more|different|prior|"
                              r"following|preceding|values?|levels?|positive|negative|effective|outside|then|or|and|"
                              r"[a-z]\b))", _I)


def balanced_end(text: str, s: int, e: int) -> int:
    """The end of ``text[s:e]`` cut before a parenthesis it does not both open and close
    ('(> 50% stenosis or occlusion)', '≥ 3 nodal sites (each with ...'), less trailing spaces and commas."""
    depth = 0
    for i in range(s, e):
        c = text[i]
        if c == "(":
            if text.find(")", i, e) < 0:
                e = i
                break
            depth += 1
        elif c == ")":
            if depth == 0:
                e = i
                break
            depth -= 1
    while e > s and text[e - 1] in " ,":
        e -= 1
    return e


def noun_after_percent(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """'> 10% weight loss', '≥ 5% blasts in the bone marrow', '70% or greater stenosis': what a
    percentage written right before a noun measures."""
    if _NOT_PCT_NOUN.match(text, ve, rb):
        return None
    r = right_subject(text, ve, rb, False)
    if r is None or "\n" in text[ve:r[0]]:
        return None
    s, e = r[0], balanced_end(text, r[0], r[1])
    if e < rb and text[e:e + 1] == ":":
        return None  # 'at least 29% Other: Not pregnant': the next line's heading
    if _CHANGE_WORD.fullmatch(text, s, e):  # '≥ 10% drop in LVEF': the change of what
        m = _IN_OF.match(text, e, rb)
        r2 = right_subject(text, m.end(), rb, False) if m else None
        if r2 is not None and "\n" not in text[e:r2[0]]:
            e = balanced_end(text, r2[0], r2[1])
    return (s, e) if e > s else None


CHANGE_WORDS = r"drops?|declines?|decreases?|increases?|reductions?|losse?s?|gains?|rises?|falls?|changes?|improvements?|worsening"
_CHANGE_WORD = regex.compile(r"(?:" + CHANGE_WORDS + r")", _I)
_IN_OF = regex.compile(r"\G\s+(?:in|of)\s+", _I)


def percent_of(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    m = _OF_PHRASE.match(text, ve, rb)
    return m.span("s") if m else None


# '> 140 mmHg (systolic)', '≥ 100 mmHg diastolic', '90 to 140 mm Hg for systolic': which of the two pressures
# (not the subject of a limit of its own: '180/110 mm Hg (systolic BP = 180 mm Hg and ...)')
_PRESSURE = r"(?:(?:systolic|diastolic)(?:\s+(?:blood\s+)?pressure|\s+BP)?|SBP|DBP)\b"
_PRESSURE_AFTER = regex.compile(r"\G\s*(?:\(\s*(?P<s>" + _PRESSURE + r")\s*\)|(?:(?:for|in)\s+(?:the\s+)?)?(?P<s>" + _PRESSURE
                                + r")(?!\s*(?:[<>=≤≥]|(?:of|is|was|must|should)\b)))", _I)


def pressure_after(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """Systolic or diastolic, written after a pressure value: the pressure the value limits."""
    m = _PRESSURE_AFTER.match(text, ve, rb)
    return m.span("s") if m else None


# what may stand between a grade and the event it grades: 'or greater', a parenthesis ('(CTC 3.0)')
_GRADE_SKIP = regex.compile(r"\G\s*(?:(?:or|and)\s+(?:greater|higher|worse|more|above|over)\b\s*)?"
                            r"(?:[(\[][^()\[\]\n]{0,40}[)\]]\s*)?", _I)
# a left subject that only names the grading system ('CTCAE grade', 'NCI CTCAE v4.0'): no event
_GRADING_ONLY = regex.compile(r"(?:(?:NCI|National\s+Cancer\s+Institute)[\s-]*)?(?:(?:CTCAE|CTC|NCI)\s*(?:v(?:ersion)?\s*[\d.]+)?\s*)?"
                              r"(?:toxicity\s+)?(?:grades?)?", _I)


def event_after_grade(text: str, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """The adverse event a grade limit is of, written after it ('≥ grade 2 (CTC 3.0) neuropathy')."""
    m = _GRADE_SKIP.match(text, ve, rb)
    right = right_subject(text, m.end(), rb, False) if m else None
    if not right:
        return None
    s, e = right[0], right[1]
    k = text.find("(", s, e)
    if k > s and text.find(")", k, e) < 0:
        e = k  # 'peripheral neuropathy (e.g.': an unclosed parenthesis is not part of it
    s, e = _strip(text, s, e)
    return (s, e) if e > s else None


def grading_only(text: str, s: int, e: int) -> bool:
    """Does ``text[s:e]`` only name a grading system or the word 'grade'?"""
    return _GRADING_ONLY.fullmatch(text[s:e].strip()) is not None


def scale_after(text: str, s: int, e: int, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """For a generic subject ('score'), the named scale after the value ('on the MADRS')."""
    if not _GENERIC.match(text[s:e].strip()):
        return None
    m = _ON_SCALE.match(text, ve, rb)
    if not (m and _UPPER.search(m.group("s"))):
        return None
    s = m.start("s")
    e = balanced_end(text, s, m.end("s"))  # ('Battery (mild to moderate'): not a parenthesis left open
    return (s, e) if e > s else None


# '< 120 points on the Mattis Dementia Rating Scale': the points are the named scale's
_POINTS_ON = regex.compile(r"\G\s*(?:(?:points?|pts?\.?)\s+)?(?:on|in)\s+(?:the\s+)?(?P<s>(?-i:[A-Z])[\w'’-]*"
                           r"(?:\s+(?!(?:or|and|at|in|for|with|to|of|as|by)\b)[A-Za-z(][\w'’()-]*){0,6})", _I)
_IN_POINTS = regex.compile(r"(?:points?|pts?\.?)\s*\Z|\G\s*(?:points?|pts?\.?)\b", _I)


def points_on_scale(text: str, vs: int, ve: int, rb: int) -> Optional[tuple[int, int]]:
    """The scale a value in points is read on, written after it ('> 25 points on the Beck Depression Inventory')."""
    if not (_IN_POINTS.search(text, max(vs, ve - 8), ve) or _IN_POINTS.match(text, ve, rb)):
        return None
    m = _POINTS_ON.match(text, ve, rb)
    if m is None:
        return None
    s, e = m.span("s")
    while e > s and text[e - 1] == ")" and _closes_nothing(text, s, e - 1):
        e -= 1  # '(… on the MADRS)': the closing parenthesis is not the scale's
    return _trim_tail(text, s, e)


# what follows a value but names nothing it limits: '≤ grade 1 prior to enrollment', '≤ grade 1 or baseline'
_NOT_NOUN = regex.compile(r"(?:prior\s+to|baseline)\b", _I)


def right_subject(text: str, ve: int, rb: int, want_age: bool, counted: bool = False) -> Optional[tuple[int, int, bool]]:
    """The subject written after a value: ('of age' -> age) or a short noun phrase for counts.

    ``counted``: the value is a count in words ('at least 1 lesion greater than 2 cm'), whose noun is
    what is counted even when a limit of its own follows it."""
    m = _AGE_RIGHT.match(text, ve, rb)
    if m:
        return m.start("s"), m.end("s"), True
    if want_age:
        return None
    m = _RIGHT.match(text, ve, rb)
    if m and not _NOT_NOUN.match(text, m.start("s"), rb):
        s, e = m.span("s")
        t = _RIGHT_TAIL.search(text, s, e)
        if t:
            e = t.start()
        e = balanced_end(text, s, e)  # '(≤ 1 fully active drug)': the parenthesis around the value is not the subject's
        if counted:  # ('at least 1 lesion of greater than 2 cm': the noun ends before the other limit's comparator)
            c = _LIMIT_WORD.search(text, s, e)
            if c:
                e = c.start()
                t = _RIGHT_TAIL.search(text, s, e)
                if t:
                    e = t.start()
        if e > s and (counted or not _NEXT_LIMIT.match(text, s, rb)):
            return s, e, False
    return None
