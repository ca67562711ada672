"""find_abbreviations gives what scispacy's AbbreviationDetector pipe component gives.

The reference below is the component run the plain way (spacy.blank("en") +
nlp.add_pipe("abbreviation_detector")) on the whole 160-character window before each
'(SHORT)' candidate; find_abbreviations reproduces it with scispacy's plain functions on
trimmed windows, and must agree on every text, including the odd ones (nested or unbalanced
parentheses, a long form inside the parentheses, a short form used again in parentheses,
windows that join, short forms that need more words than the trimmed window holds).
"""
from __future__ import annotations

import random
import warnings

import pytest

from critparse import abbreviations
from critparse.abbreviations import find_abbreviations
from critparse.models import Abbreviation, Span
from critparse.textmap import MappedText

_REF_NLP = None


def _reference_nlp():
    global _REF_NLP
    if _REF_NLP is None:
        import spacy
        from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)

        _REF_NLP = spacy.blank("en")
        _REF_NLP.add_pipe("abbreviation_detector")
    return _REF_NLP


def _reference(criteria):
    """The detector component on the windows, keeping the definitions (the former implementation)."""
    windows = []
    for _, mt in criteria:
        t = mt.text
        spans = []
        for m in abbreviations._CANDIDATE.finditer(t):
            a, b = max(0, m.start() - abbreviations.WINDOW), m.end()
            if spans and a <= spans[-1][1]:
                spans[-1][1] = b
            else:
                spans.append([a, b])
        windows.extend((mt, a, t[a:b]) for a, b in spans)
    if not windows:
        return []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*W036.*")
        docs = list(_reference_nlp().pipe(w for _, _, w in windows))
    found = {}
    for (mt, base, _), doc in zip(windows, docs):
        for short in doc._.abbreviations:
            long = short._.long_form
            if long is None:
                continue
            t = mt.text
            ss, se = base + short.start_char, base + short.end_char
            ls, le = base + long.start_char, base + long.end_char
            if not (t[:ss].rstrip().endswith("(") and ls < ss):
                continue
            s0, s1 = mt.span(ss, se)
            l0, l1 = mt.span(ls, le)
            a = Abbreviation(short=Span(start=s0, end=s1, text=t[ss:se]), long=Span(start=l0, end=l1, text=t[ls:le]))
            if a.short.start not in found:
                found[a.short.start] = a
    return [found[k] for k in sorted(found)]


def _criteria(text):
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        s, e = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if s < e:
            mt = MappedText.build(text, [(s, e)])
            if mt.text:
                out.append((None, mt))
    return out


def _same(text):
    crits = _criteria(text)
    got = find_abbreviations(text, crits)
    assert got == _reference(crits), text
    return got


TEXTS = [
    "bilirubin \\<2× upper limit of normal (ULN) and left ventricular ejection fraction (LVEF) ≥50%",
    "upper limit of normal (ULN); ALT < 3 ULN and AST < 3 ULN",
    # a later '(ULN ...' takes the long form of the first definition
    "upper limit of normal (ULN), bilirubin ≤ 1.5 (ULN x 3) and (ULN)",
    # long form inside the parentheses first: its short form is then no new definition
    "ULN (upper limit of normal) and bilirubin above the upper limit of normal (ULN)",
    "left ventricular ejection fraction (LVEF (by echo)) and human immunodeficiency virus (HIV)",
    "(HIV) at the start, then human immunodeficiency virus (HIV) and (HIV",
    "Human Epidermal growth factor Receptor 2 (HER 2) and (HER) and HER 2 (HER)",
    "tumour necrosis factor alpha (TNF-α) or naïve T cells (Tn) or Σίγμα Αλφα (ΣΑ)",
    "Have a fasting C-peptide ≤1.0 nanomole per liter (nmol/L) or (N)",
    "dependent on opioids based on Diagnostic and Statistical Manual of Mental Disorders-Fourth "
    "Edition-Text Revision (DSM-IV-TR) and the Columbia-Suicide Severity Rating Scale (C-SSRS)",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z one two three four five six seven eight nine ten "
    "Anti Bacterial Cell Division Entry Factor Genes Hosts Ions Junctions (ABCDEFGHIJ KLMNOPQRS TUV)",
    "x (AB) y (AB CD EF) then alpha beta gamma delta epsilon zeta eta theta iota (ABGDEZ ETIO KAPPA)",
    "serum thyroid-stimulating hormone(TSH) and free thyroxine (FT4) and (T3)",
]


@pytest.mark.parametrize("text", TEXTS)
def test_abbreviations_same_as_scispacy_component(text):
    _same(text)


def test_abbreviations_same_as_scispacy_component_random_texts():
    words = ["upper", "limit", "of", "normal", "Upper", "Limit", "Normal", "alanine", "aminotransferase", "body",
             "mass", "index", "non-small", "cell", "lung", "cancer", "human", "immunodeficiency", "virus", "the",
             "and", "x", "1.5x", "≥", "2.5", "mg/dL", "e.g.", "can't", "Eastern", "Cooperative", "Oncology", "Group",
             "ULN", "BMI", "HIV", "ECOG", "C-PAP", "DSM-IV-TR", "TNF-α", "naïve", "(", ")", "((", "))", ",", ";",
             "-", "/", "x(ULN)", "(ULN", "ULN)", "\\(", "(ULN);"]
    shorts = ["ULN", "BMI", "HIV", "ECOG", "LVEF", "NSCLC", "UL", "U", "Ab", "HbA1c", "C-PAP", "DSM-IV-TR", "FTC/TDF",
              "TKIs", "A B", "ULN x", "X", "uln", "IV", "see below", "upper limit of normal", "a b c d", "1A",
              "ULN ULN"]
    rng = random.Random(20240611)
    found = 0
    for _ in range(250):
        out = []
        for _ in range(rng.randint(1, 90)):
            r = rng.random()
            if r < 0.15:
                pad = rng.choice(["", "", " "])
                out.append("(" + pad + rng.choice(shorts) + pad + ")")
            elif r < 0.2:
                out.append(rng.choice(shorts))
            else:
                out.append(rng.choice(words))
            out.append(rng.choice([" ", " ", " ", "", "  ", "\n", "\t"]))
        found += len(_same("".join(out).strip()))
    assert found > 50  # the texts do define abbreviations


def test_abbreviations_trimmed_window_needs_more_words(monkeypatch):
    # a short form of 9 characters takes its long form from up to 14 tokens back, further than
    # the trimmed window (sized on the first parentheses, a short form of 2) reaches
    text = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota (AB) (ABGDEZETI)"
    calls = []
    detect = abbreviations._detect

    def spy(window, trimmed):
        calls.append(trimmed)
        return detect(window, trimmed)

    monkeypatch.setattr(abbreviations, "_detect", spy)
    got = _same(text)
    assert calls == [True, False]  # the trimmed window, then the whole window
    assert [a.short.text for a in got] == ["ABGDEZETI"]
    assert got[0].long.text.startswith("Alpha Beta")
