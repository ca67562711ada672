"""Phrasings from the threshold issue, one behaviour a test."""
from __future__ import annotations

import pytest

from _thresholds_helpers import matches, one, run


@pytest.mark.parametrize("text,cmp_", [
    ("ALT < 3 x ULN", "<"), ("ALT ≤ 3 x ULN", "<="), ("ALT =< 3 x ULN", "<="), ("ALT <= 3 x ULN", "<="),
    ("ALT ≦ 3 x ULN", "<="), ("ALT > 3 x ULN", ">"), ("ALT ≥ 3 x ULN", ">="), ("ALT >= 3 x ULN", ">="),
    ("ALT => 3 x ULN", ">="), ("ALT ≧ 3 x ULN", ">="), ("ALT <or= 3 x ULN", "<="), ("ALT = 3 x ULN", "="),
])
def test_phrasings_symbols(text, cmp_):
    t = one(text, comparator=cmp_, value=3, reference="ULN")
    assert t.subject.name == "alanine aminotransferase"


@pytest.mark.parametrize("text,cmp_", [
    ("hemoglobin less than 9 g/dL", "<"), ("fewer than 9 lesions", "<"), ("hemoglobin lower than 9 g/dL", "<"),
    ("hemoglobin below 9 g/dL", "<"), ("age under 9 years", "<"), ("dose up to 9 mg", "<="),
    ("at most 9 lesions", "<="), ("maximum 9 lesions", "<="), ("no more than 9 lesions", "<="),
    ("dose not exceeding 9 mg", "<="), ("hemoglobin greater than 9 g/dL", ">"), ("more than 9 lesions", ">"),
    ("hemoglobin higher than 9 g/dL", ">"), ("hemoglobin above 9 g/dL", ">"), ("age over 9 years", ">"),
    ("dose exceeding 9 mg", ">"), ("at least 9 lesions", ">="), ("minimum 9 lesions", ">="),
    ("no less than 9 lesions", ">="), ("9 or more lesions", ">="), ("9 years or older", ">="),
    ("9 years or above", ">="), ("aged 9 and over", ">="), ("9 g/dL or greater", ">="), ("9 mg or less", "<="),
])
def test_phrasings_words(text, cmp_):
    one(text, comparator=cmp_, value=9)


@pytest.mark.parametrize("text,low,high,li,hi", [
    ("ECOG 0-2", 0, 2, True, True), ("ECOG 0~2", 0, 2, True, True), ("aged 18–65 years", 18, 65, True, True),
    ("aged 18 to 65 years", 18, 65, True, True), ("aged between 18 and 65 years", 18, 65, True, True),
    ("aged from 18 to 65 years", 18, 65, True, True), ("Aged ≥3 and ≤70 years", 3, 70, True, True),
    ("HbA1c >6.0% to <=11.5%", 6.0, 11.5, False, True), ("Aged 18-75 years (both inclusive)", 18, 75, True, True),
])
def test_phrasings_ranges(text, low, high, li, hi):
    one(text, comparator="range", low=low, high=high, low_inclusive=li, high_inclusive=hi)


@pytest.mark.parametrize("text,names", [
    ("ALT and AST both <3× ULN", ["alanine aminotransferase", "aspartate aminotransferase"]),
    ("AST/ALT ≤ 2.5 × ULN", ["aspartate aminotransferase", "alanine aminotransferase"]),
    ("AST, ALT <2.5X ULN", ["aspartate aminotransferase", "alanine aminotransferase"]),
])
def test_phrasings_several_subjects_one_limit(text, names):
    found = run(text).thresholds
    assert [t.subject.name for t in found] == names
    assert len({(t.start, t.end, t.value) for t in found}) == 1


def test_phrasings_alternative_limit_with_condition():
    t = one("ALT ≤3× ULN (≤5× ULN if liver metastases)", comparator="<=", value=3)
    assert len(t.alternatives) == 1
    alt = t.alternatives[0]
    assert (alt.comparator, alt.value, alt.reference) == ("<=", 5, "ULN")
    assert alt.condition.text == "if liver metastases"
    assert alt.subject.name == "alanine aminotransferase"


def test_phrasings_alternative_limit_of_each_shared_subject():
    # 'AST/ALT ≤ 2.5 x ULN (≤ 5 x ULN ...)': each subject's node carries its own alternative only
    found = run("AST/ALT ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases)").thresholds
    assert [t.subject.name for t in found] == ["aspartate aminotransferase", "alanine aminotransferase"]
    for t in found:
        assert [(a.value, a.subject.name) for a in t.alternatives] == [(5, t.subject.name)]


def test_phrasings_alternative_limit_for_a_condition():
    t = one("bilirubin ≤1.5× ULN or ≤3× ULN for Gilbert's syndrome", value=1.5)
    assert [(a.value, a.condition.text) for a in t.alternatives] == [(3, "for Gilbert's syndrome")]


def test_phrasings_limit_for_each_case_after_a_condition_stays_the_measures():
    # '≥ 1000 pg/ml if EF 31 to 35%' after '≥ 2500 pg/ml if EF 36 to 40%': NT-proBNP's limit for another case
    found = run("NT-proBNP (≥2500 pg/ml if EF 36 to 40%, ≥1000 pg/ml if EF 31 to 35%, ≥600 pg/ml if EF ≤30%)").thresholds
    root = next(t for t in found if t.value == 2500)
    assert [(a.value, a.subject.name, a.condition.text) for a in root.alternatives] == [
        (1000, "NT-proBNP", "if EF 31 to 35%"), (600, "NT-proBNP", "if EF ≤30%")]


@pytest.mark.parametrize("text,negated", [
    ("heart rate outside the range of 50-90 bpm", True), ("PR outside the range 120 to 220 ms", True),
    ("pulse rate outside of 40 to 100 bpm", True), ("heart rate not within 50-90 bpm", True),
    ("ASA dose other than 75 to 100 mg daily", True), ("heart rate within the range of 50-90 bpm", False),
    ("heart rate 50-90 bpm", False), ("malignancy other than a maximum of 5 g", False),
])
def test_phrasings_values_outside_a_range_are_negated(text, negated):
    (t,) = run(text).thresholds
    assert t.negated is negated
    assert t.subject is not None and not t.subject.text.endswith(("outside", "other", "not"))


@pytest.mark.parametrize("text,cmp_,value", [
    ("Metformin 1500 mg daily", "=", 1500),  # ('min' inside a word is no comparator)
    ("Baltimore 2 sites", None, None),
    ("plasma HIV-1 RNA level cannot exceed 50 copies/mL", "<=", 50),
    ("pioglitazone (above orequal to 30 mg)", ">=", 30),
])
def test_phrasings_comparator_words_start_a_word(text, cmp_, value):
    found = run(text).thresholds
    assert [(t.comparator, t.value) for t in found] == ([(cmp_, value)] if cmp_ else [])


def test_phrasings_blood_pressure_pair_before_a_comma():
    found = run("cardiovascular compromise (blood pressure < 90/50, heart rate > 120 bpm)").thresholds
    assert [(t.subject.name, t.value) for t in found] == [
        ("systolic blood pressure", 90), ("diastolic blood pressure", 50), ("heart rate", 120)]


@pytest.mark.parametrize("text,cmp_,value", [
    ("QTc < 500 msec for men (470 msec for women)", "<", 470), ("Serum creatinine =< 1.5 mg/dL or 133 umol/L", "<=", 133),
    ("fasting plasma glucose at least 5.5 mmol/L or 100 mg/dL", ">=", 100),
])
def test_phrasings_bare_value_after_a_limit_shares_its_comparator(text, cmp_, value):
    # the same measure's limit for another group, or in other units, is written without its comparator
    x = run(text)
    alts = [a for t in x.thresholds for a in t.alternatives] + x.thresholds
    assert any(a.value == value and a.comparator == cmp_ for a in alts), [a.model_dump(exclude_none=True) for a in alts]


@pytest.mark.parametrize("text,alt", [
    ("alcohol > 7 drinks/wk for women or > 14 drinks/wk for men", ("> 14 drinks/wk", "for men")),
    ("QTcF > 450 msec for males or > 470 msec for females", ("> 470 msec", "for females")),
    ("an average weekly intake of >21 units for males or >14 units for females", (">14 units", "for females")),
    ("ALT ≤ 3× ULN for patients without liver metastases, or ≤ 5× ULN for patients with liver metastases",
     ("≤ 5× ULN", "for patients with liver metastases")),
])
def test_phrasings_limit_for_another_group_is_an_alternative(text, alt):
    # the limit of the one measure for another group, after the first limit's own condition
    (root,) = run(text).thresholds
    assert [(a.text, a.condition.text if a.condition else None) for a in root.alternatives] == [alt]
    ucum = [(a.subject.text, a.unit.ucum if a.unit else None, a.reference) for a in (root, *root.alternatives)]
    assert ucum[1:] == ucum[:1]


def test_phrasings_alternatives_between_subjects():
    t = one("INR ≤1.5× ULN, or PT ≤1.5× ULN", subject_name="international normalized ratio")
    assert [a.subject.name for a in t.alternatives] == ["prothrombin time"]


@pytest.mark.parametrize("text,value,unit", [
    ("platelets ≥ 100,000/mm3", 100000, "/uL"), ("platelets ≥ 100 000/mm3", 100000, "/uL"),
    ("life expectancy of more than three (3) months", 3, "mo"), ("at least two prior regimens", 2, None),
    ("ANC ≥ 1.5 × 10^9/L", 1.5, "10*9/L"), ("ANC ≥ 1.5x10⁹/L", 1.5, "10*9/L"), ("ANC ≥ 1.5 10*9/L", 1.5, "10*9/L"),
    ("ANC ≥ 1.5 10E9/L", 1.5, "10*9/L"), ("ANC ≥ 1.5×109/L", 1.5, "10*9/L"), ("platelets ≥ 100 GI/L", 100, "10*9/L"),
    ("ANC < 1.0 x 10(9)/L", 1.0, "10*9/L"),
    ("creatinine ≤ 1,5 mg/dL", 1.5, "mg/dL"), ("bilirubin ≤ 25.6 µmol/L", 25.6, "umol/L"),
    ("eGFR ≥ 60 mL/min/1.73 m2", 60, "mL/min/{1.73_m2}"), ("age ≥ 18 years", 18, "a"), ("within ≤ 4 weeks", None, None),
])
def test_phrasings_numbers_and_units(text, value, unit):
    if value is None:
        return
    one(text, value=value, unit=unit)


@pytest.mark.parametrize("text,value,unit", [
    ("BMI ≥30 kilogram/square meter (kg/m²)", 30, "kg/m2"), ("UACR >30 milligram/gram (mg/g)", 30, "mg/g"),
    ("serum sodium < 125 milliequivalent (mEq)/dL", 125, "meq/dL"), ("sodium < 130 milliequivalents (mEq)/liter (L)", 130, "meq/L"),
    ("liver stiffness ≥ 12.5 kilopascals (kPa)", 12.5, "kPa"), ("insulin > 1.2 units per kilogram per day (U/kg/day)", 1.2, "[IU]/kg/d"),
    ("prednisone ≥ 2 milligram per kilogram [mg/kg] per day", 2, "mg/kg/d"), ("LV mass index ≥ 115 grams per meter square", 115, "g/m2"),
    ("eGFR < 30 milliliter/minute/1.73 m^2 (mL/min/1.73 m^2)", 30, "mL/min/{1.73_m2}"),
    ("urine output < 0.5 ml/kg/h", 0.5, "mL/kg/h"), ("blood pressure > 150 Millimeter Mercury(mmHg)", 150, "mm[Hg]"),
])
def test_phrasings_units_spelled_out(text, value, unit):
    # the registry spells units out, often with the symbol restated in brackets
    one(text, value=value, unit=unit)


@pytest.mark.parametrize("text,value,unit", [
    ("on a stable dose of at least 1500 mg daily", 1500, "mg/d"), ("methotrexate (<= 25 mg weekly)", 25, "mg/wk"),
    ("no less than 10 hours per week", 10, "h/wk"), ("at least 150 minutes per week of exercise", 150, "min/wk"),
    ("headache on more than 15 days per month", 15, "d/mo"), ("sleep less than 6 hours per night", 6, "h/{night}"),
    ("Serum urea < 25 mg/100 ml", 25, "mg/dL"), ("total bilirubin > 2.0 mg%", 2.0, "mg/dL"),
    ("heart rate > 100 per minute", 100, "/min"),
])
def test_phrasings_rates_per_period(text, value, unit):
    # a time or an amount per period is a rate, not a duration ('10 hours per week' is no window)
    t = one(text, value=value, unit=unit)
    assert t.quantity == "measurement"


@pytest.mark.parametrize("text,cmp_,value", [
    ("pain intensity ≥ 4/10 on NRS", ">=", 4), ("pain score 5/10 or less", "<=", 5), ("Low Back Pain > 3/10", ">", 3),
])
def test_phrasings_score_out_of_ten(text, cmp_, value):
    t = one(text, comparator=cmp_, value=value, unit="{score_of_10}")
    assert t.quantity == "score" and t.unit.text.replace(" ", "") == "/10"


@pytest.mark.parametrize("text,want", [
    ("NYHA class III or IV", {"values": ["III", "IV"], "comparator": "="}),
    ("acute GVHD grade II to IV", {"comparator": "range", "low": 2, "high": 4}),
    ("stage IIIB", {"values": ["IIIB"]}),
    ("ECOG performance status of 0, 1 or 2", {"values": ["0", "1", "2"], "subject_name": "ECOG performance status"}),
    ("Karnofsky >= 70%", {"comparator": ">=", "value": 70, "subject_name": "Karnofsky performance status"}),
    ("Lansky ≥ 50", {"comparator": ">=", "value": 50, "subject_name": "Lansky performance status"}),
    ("peripheral neuropathy grade >= 2", {"comparator": ">=", "value": 2}),
    ("neuropathy Grade 3 or higher", {"comparator": ">=", "value": 3}),
    ("Child-Pugh A/B", {"values": ["A", "B"], "subject_name": "Child-Pugh class"}),
])
def test_phrasings_ordinal_scales(text, want):
    one(text, **want)


@pytest.mark.parametrize("text,value,cmp_", [
    ("at least 2 tyrosine kinase inhibitors", 2, ">="), ("≥2 prior lines of therapy", 2, ">="),
    ("no more than 3 prior regimens", 3, "<="),
    ("insulin > or = to 30 units/day and up to 2 OAD medications", 2, "<="),
])
def test_phrasings_counts(text, value, cmp_):
    t = one(text, value=value, comparator=cmp_)
    assert t.quantity == "count"
    assert t.subject is not None and t.subject.start > t.start


@pytest.mark.parametrize("text", [
    "COVID-19 infection", "type 2 diabetes", "HbA1c measured", "At least one of the following criteria",
    "meets 1 of the following", "Article L. 1121-5", "visit on 2019-03-01",
    "Previous study 01-06-TL-322OPI-002", "ASBMT criteria (http://www.asbmt.org/displaycommon.cfm?an=1&subarticlenbr=35)",
])
def test_phrasings_not_values(text):
    assert run(text).thresholds == []


def test_phrasings_duration_subject_is_a_threshold_not_a_window():
    x = run("life expectancy > 3 months")
    assert [t.value for t in x.thresholds] == [3] and x.temporals == []
    x = run("disease-free survival ≥2 years after adequate treatment")
    assert [t.value for t in x.thresholds] == [2]


@pytest.mark.parametrize("text,want", [
    ("within 4 weeks before infusion", {"comparator": "<=", "value": 4, "unit": "wk", "direction": "before", "anchor": "infusion"}),
    ("at least 28 days before leukapheresis", {"comparator": ">=", "value": 28, "unit": "d", "direction": "before"}),
    ("within 12 months after the first remission", {"value": 12, "unit": "mo", "direction": "after", "anchor": "first remission"}),
    ("in the past 6 months", {"comparator": "<=", "value": 6, "unit": "mo", "direction": "before"}),
    ("bleeding in the past four (4) weeks", {"comparator": "<=", "value": 4, "unit": "wk", "direction": "before"}),
    ("within seven (7) days prior to registration", {"comparator": "<=", "value": 7, "unit": "d", "anchor": "registration"}),
    ("no antihistamines 72 hours prior to and during the study", {"value": 72, "unit": "h", "direction": "before", "anchor": "study"}),
    ("24 hours before and after dosing", {"value": 24, "unit": "h", "direction": None, "anchor": "dosing"}),
    ("therapy within 28 days or 5 half-lives, whichever is longer, prior to the first dose",
     {"comparator": "<=", "value": 5, "unit": "{half_lives}", "direction": "before", "anchor": "first dose"}),
    ("within 5 elimination half-lives of enrollment", {"comparator": "<=", "value": 5, "unit": "{half_lives}", "anchor": "enrollment"}),
])
def test_phrasings_temporal_windows(text, want):
    x = run(text)
    assert x.thresholds == []
    assert any(matches(t, want) for t in x.temporals), [t.model_dump(exclude_none=True) for t in x.temporals]


def test_phrasings_variant_list_expanded():
    x = run("mutations such as T315I/A, V299L, F317L/V/I/C")
    assert x.lists[0].items == ["T315I", "T315A", "V299L", "F317L", "F317V", "F317I", "F317C"]


def test_phrasings_exclusion_comparator_is_never_flipped():
    one("Exclusion: ALT > 5 x ULN", comparator=">", value=5)


def test_phrasings_short_form_subject_gets_long_form_name():
    x = run("PFTs ≥ 60%", {"PFTs": "pulmonary function tests"})
    assert x.thresholds[0].subject.name == "pulmonary function tests"


def test_phrasings_offsets_are_original_offsets():
    from critparse.patterns import load_rules  # noqa: F401
    from critparse.textmap import MappedText
    from critparse.thresholds import extract
    from _thresholds_helpers import rules

    src = "* Serum bilirubin \\<2× ULN"
    mt = MappedText.build(src, [(2, len(src))])
    t = extract(mt, rules(), {}).thresholds[0]
    assert src[t.start:t.end] == "\\<2× ULN" and t.text == "<2× ULN"
    assert src[t.subject.start:t.subject.end] == "Serum bilirubin"


def test_phrasings_text_without_numbers_is_skipped_fast():
    x = run("Pregnant or breast-feeding women")
    assert x.thresholds == [] and x.temporals == [] and x.lists == []


# --- general phrasings added after reading the CHIA misses (none is a corpus sentence) ---

@pytest.mark.parametrize("text,cmp_", [
    ("creatinine clearance more or equal to 30 mL/min", ">="), ("AUDIT score of > or equal to 5", ">="),
    ("AUDIT score < or equal to 26", "<="), ("age greater than/equals to 18 years", ">="),
    ("glucose major than 140 mg/dl", ">"), ("glucose minor than 70 mg/dl", "<"),
    ("leucocytes ³ 2000 per mm3", ">="), ("hemoglobin less or equal to 9 g/dL", "<="),
])
def test_phrasings_comparator_variants(text, cmp_):
    one(text, comparator=cmp_)


@pytest.mark.parametrize("text,cmp_,value", [
    ("Males or females above the age of 18", ">", 18), ("Aged 18 or over, up to the age of 35", "<=", 35),
    ("babies up to age 6 months", "<=", 6), ("Patient less than age 4 years", "<", 4),
    ("Greater than the age of 18", ">", 18), ("Individuals of both sexes from 18 years with pneumonia", ">=", 18),
])
def test_phrasings_age_written_around_the_word_age(text, cmp_, value):
    one(text, comparator=cmp_, value=value, subject_name="age")


def test_phrasings_from_years_before_an_event_is_no_age():
    assert not [t for t in run("subjects from 2 years before enrollment").thresholds if t.comparator == ">="]


def test_phrasings_duration_of_exposure_kept_beside_its_window():
    x = run("Prior treatment with enzalutamide for > 14 days prior to enrollment")
    assert [t for t in x.thresholds if t.comparator == ">" and t.value == 14 and t.unit.ucum == "d"]
    assert x.temporals  # the window stays too


def test_phrasings_period_after_last_dose_is_only_a_window():
    x = run("use contraception for at least 6 months after the last dose")
    assert x.thresholds == [] and x.temporals


def test_phrasings_bare_count_limits_the_noun_after_it():
    one("Intention to treat more than 1 totally occluded major epicardial vessel", comparator=">", value=1,
        subject_has="occluded major epicardial vessel")
    one("at least 1 T1 lesion or 9 or more T2 lesions", comparator=">=", value=9, subject_has="T2 lesions")
    # a measurement keeps its subject on the left
    one("Hemoglobin less than 7 g/dL", comparator="<", subject_has="Hemoglobin")


def test_phrasings_subject_not_taken_from_an_event_after_before():
    one("mRS before the autoimmune encephalitis > 3", comparator=">", value=3, subject_has="mRS")
    one("Kellgren-Lawrence score at X-ray evaluation > 3", subject_has="Kellgren-Lawrence")
    one("mean ventricular response rate at rest >100 beats per minute", subject_has="ventricular response rate")


def test_phrasings_generic_score_named_by_the_scale_after():
    one("Baseline scores =16 on the 17-item Hamilton Depression Scale", subject_has="Hamilton Depression Scale")


def test_phrasings_thousands_before_a_comma():
    one("platelet counts < 50,000, refractory to treatment", comparator="<", value=50000)


def test_phrasings_range_with_two_time_units_uses_the_high_unit():
    one("children between 6 months and 5 years old", comparator="range", low=0.5, high=5, unit="a")


@pytest.mark.parametrize("text,low,high", [
    ("Gestational age 27 0/7 to 36 6/7 weeks", 27, 36 + 6 / 7), ("born between 28 0/7 and 34 0/7 weeks", 28, 34),
    ("37+0 - 42+0 weeks of gestation", 37, 42),
])
def test_phrasings_gestational_weeks_and_days(text, low, high):
    t = one(text, comparator="range", unit="wk")
    assert abs(t.low - low) < 1e-3 and abs(t.high - high) < 1e-3


@pytest.mark.parametrize("text,cmp_,value", [
    ("≥ Grade 2 peripheral neuropathy", ">=", 2), ("severity > grade 3 by NCI CTCAE", ">", 3),
    ("less than or equal to [<=] Grade 1 toxicity", "<=", 1),
])
def test_phrasings_comparator_before_grade(text, cmp_, value):
    one(text, comparator=cmp_, value=value, quantity="grade")


def test_phrasings_percentiles():
    one("height less than 5th percentile", comparator="<", value=5)
    one("blood pressure in the 95th percentile or greater", comparator=">=", value=95)


def test_phrasings_tnm_categories():
    x = run("T1-3 N0 M0 adenocarcinoma of the prostate")
    got = {t.subject.text: t for t in x.thresholds}
    assert got["T"].comparator == "range" and (got["T"].low, got["T"].high) == (1, 3)
    assert got["N"].value == 0 and got["M"].value == 0
    assert run("at least 1 T1 lesion and T2 hyperintense lesions").thresholds[0].subject.text != "T"


@pytest.mark.parametrize("text", [
    "Treatment with class I or III antiarrhythmic drugs", "anti-HLA class I and / or class II antibodies",
    "on Class IA and Class III anti arrhythmic medications",
])
def test_phrasings_drug_and_antigen_classes_are_no_values(text):
    assert run(text).thresholds == []


def test_phrasings_centimeters_and_micrograms_are_units():
    one("cervical dilation of 2 centimeters or less", comparator="<=", value=2, unit="cm")
    one("budesonide <=400 micrograms (mcg)", comparator="<=", value=400, unit="ug")


def test_phrasings_bare_counts_of_clinical_items():
    one("agree to use 2 forms of adequate contraception", comparator="=", value=2, quantity="count", subject_has="forms")
    one("Woman who had 2 miscarriages before 12 weeks", value=2, subject_has="miscarriages")
    assert not [t for t in run("type 2 diabetes or HIV 2 tests").thresholds if t.quantity == "count"]


def test_phrasings_right_noun_with_its_own_comparator_is_not_the_subject():
    one("Apgar score at 5 minutes >7 birthweight greater than 2500 g", comparator=">", value=7, subject_has="Apgar")



def _thresholds(tree):
    if isinstance(tree, dict):
        if tree.get("kind") == "threshold":
            yield tree
        for v in tree.values():
            yield from _thresholds(v)
    elif isinstance(tree, list):
        for v in tree:
            yield from _thresholds(v)


def test_phrasings_modifier_arrowheads_read_as_comparators():
    # '˂' / '˃' (modifier-letter arrowheads) are typed for '<' / '>'; offsets still point at the source
    import critparse

    text = "Last measured left-ventricular ejection fraction ˂ 30% or age ˃ 80 years"
    tree = critparse.parse(text).model_dump(mode="json")
    got = sorted({(t["comparator"], t["value"], text[t["start"]:t["end"]]) for t in _thresholds(tree)})
    assert got == [("<", 30.0, "˂ 30%"), (">", 80.0, "˃ 80 years")]


def test_phrasings_alternative_multiple_without_reference_takes_the_first():
    # '(≤ 5 × if liver metastases)': the multiple is of the reference named just before
    t = one("AST ≤ 2.5 × ULN (≤ 5 × if liver metastases)", comparator="<=", value=2.5, reference="ULN")
    (alt,) = t.alternatives
    assert (alt.value, alt.reference, alt.unit) == (5.0, "ULN", None)
    assert alt.condition.text == "if liver metastases"


@pytest.mark.parametrize("text,reference", [
    ("Used systemic steroids more than 3 times in the past year", None),  # how often: no multiple of a reference
    ("GOT, GPT > 3x", "ULN"),  # a bare 'x' is a multiple of the ULN
    ("ALT exceeds 2 times the upper limit of normal", "ULN"),
], ids=["times_is_how_often", "bare_x_is_of_the_uln", "times_with_its_reference"])
def test_phrasings_a_multiple_names_its_reference(text, reference):
    (t, *_) = run(text).thresholds
    assert t.reference == reference


def test_phrasings_alternative_times_without_reference_takes_the_first():
    t = one("AST ≤ 2.5 × ULN (≤ 5 times if liver metastases)", comparator="<=", value=2.5, reference="ULN")
    (alt,) = t.alternatives
    assert (alt.value, alt.reference) == (5.0, "ULN")


@pytest.mark.parametrize("text,low,high,lo_in,hi_in,unit", [
    ("ECG performed at least 2 weeks but less than 4 weeks prior to randomization", 2.0, 4.0, True, False, "wk"),
    ("can be used ≥ 1 week and ≤ 6 months prior to registration", 0.23, 6.0, True, True, "mo"),
    ("Labs 21-7 days prior to study entry", 7.0, 21.0, True, True, "d"),
], ids=["ops_at_both_ends", "ends_in_two_units", "descending_range"])
def test_thresholds_phrasings_temporal_window_with_two_ends(text, low, high, lo_in, hi_in, unit):
    (t,) = run(text).temporals
    assert (t.comparator, t.low, t.high, t.low_inclusive, t.high_inclusive, t.unit.ucum) == \
        ("range", low, high, lo_in, hi_in, unit)
    assert t.direction == "before"


def test_thresholds_phrasings_number_word_with_hyphen_is_one_number():
    (t,) = run("no earlier than twenty-one days before screening").temporals
    assert (t.value, t.low, t.high) == (21.0, None, None)


@pytest.mark.parametrize("text,comparator,value", [
    ("Patients must be no older than 85 years at screening", "<=", 85.0),
    ("Presence of acute gout flare for no longer than 5 days", "<=", 5.0),
    ("patient not younger than 2 years of age", ">=", 2.0),
    ("serology test results not older than 3 months are accepted", "<=", 3.0),
], ids=["no_older_than", "no_longer_than", "not_younger_than", "not_older_than_months"])
def test_thresholds_phrasings_negated_comparison_words(text, comparator, value):
    one(text, comparator=comparator, value=value)


@pytest.mark.parametrize("text,low,high", [
    ("Patients must be at least 18 years of age but no older than 85 years", 18.0, 85.0),
    ("Body Mass Index (BMI) >21 kg/m^2 and <35 kg/m^2", 21.0, 35.0),
    ("Age >18, <75", 18.0, 75.0),
    ("BMI >18<26", 18.0, 26.0),
], ids=["but_no_older_than", "unit_with_digit_each_end", "comma", "glued"])
def test_thresholds_phrasings_two_bounds_make_a_range(text, low, high):
    one(text, comparator="range", low=low, high=high)


def test_thresholds_phrasings_between_written_high_end_first():
    one("BCVA between 78 and 23 letters", comparator="range", low=23, high=78, unit="{letters}")
    assert not run("insured between 2019-01 and 2020").thresholds  # a date is no range


def test_thresholds_phrasings_conditional_limit_in_parenthesis_is_an_alternative():
    t = one("systolic blood pressure between 140-169 mmHg (between 130-169 mmHg if subject has type 2 diabetes)",
            comparator="range", low=140, high=169)
    (alt,) = t.alternatives
    assert (alt.low, alt.high, alt.condition.text) == (130, 169, "if subject has type 2 diabetes")


def test_thresholds_phrasings_alternative_without_comparator_shares_the_limits():
    t = one("ALT ≤ 2.5 times ULN (5 times ULN if liver metastases)", comparator="<=", value=2.5)
    (alt,) = t.alternatives
    assert (alt.comparator, alt.value, alt.reference) == ("<=", 5.0, "ULN")


@pytest.mark.parametrize("text,pairs", [
    ("resting supine systolic or diastolic blood pressure >180 mmHg or >110 mmHg, respectively",
     [("systolic blood pressure", 180), ("diastolic blood pressure", 110)]),
    ("AST and ALT ≤ 2.5 and ≤ 3 x ULN, respectively", [("aspartate aminotransferase", 2.5), ("alanine aminotransferase", 3)]),
])
def test_phrasings_respectively_pairs_subjects_with_limits(text, pairs):
    found = run(text).thresholds
    got = [(t.subject.name, t.value) for t in found] + [(a.subject.name, a.value) for t in found for a in t.alternatives]
    assert sorted(got) == sorted(pairs)


def test_phrasings_post_comparator_before_an_inline_number():
    # '18 years or older 7. Life expectancy': the next item's number is no new limit after 'older'
    one("6. Patients aged 18 years or older 7. Life expectancy of at least three (3) months", comparator=">=", value=18, unit="a")


@pytest.mark.parametrize("text,cmp_,value", [
    ("HbA1c below10% at screening", "<", 10), ("Metformin (equal to or above1500 mg)", ">=", 1500), ("Older than18 years", ">", 18),
])
def test_phrasings_comparator_word_glued_to_the_number(text, cmp_, value):
    one(text, comparator=cmp_, value=value)


@pytest.mark.parametrize("text,value,unit", [
    ("radiation exposure > 50 mSv", 50, "mSv"),  # not 'mS' read as milliseconds
    ("myopia of more than -6 diopters", -6, "[diop]"),
    ("ametropy < 6 Dpt", 6, "[diop]"),
    ("QTc > 470 msecs", 470, "ms"),  # a plural no rule spells out
    ("weight at least 50 kgs", 50, "kg"),
    ("urea > 15 mmole/L", 15, "mmol/L"),
    ("serum potassium > 5.0 molar equivalent/L", 5.0, "meq/L"),
    ("BMI of 19 to 32 kg/meter^2", None, "kg/m2"),
    ("BMI of 18 kg/m2or less", 18, "kg/m2"),  # a digit before the glued word: the unit ends there
])
def test_phrasings_unit_ends_at_a_word_boundary(text, value, unit):
    want = {"unit": unit} if value is None else {"value": value, "unit": unit}
    one(text, **want)


@pytest.mark.parametrize("text", ["at least 1 CCS class", "> 40% predictive value"])
def test_phrasings_unit_is_not_the_start_of_a_longer_word(text):
    found = run(text).thresholds
    assert found and all(t.unit is None or t.unit.text.lower() not in ("cc", "ccs", "pred") for t in found)


@pytest.mark.parametrize("text,cmp_,value,alt_value,alt_unit", [
    ("Absolute neutrophil count ≥ 1500/mm^3 (or 1.5 x 10^9/L)", ">=", 1500, 1.5, "10*9/L"),
    ("Creatinine ≤ 1.5 mg/dL (or 132.6 µmol/L)", "<=", 1.5, 132.6, "umol/L"),
])
def test_phrasings_limit_restated_after_or_in_parenthesis_is_an_alternative(text, cmp_, value, alt_value, alt_unit):
    found = run(text).thresholds
    assert len(found) == 1
    t = found[0]
    assert (t.comparator, t.value) == (cmp_, value)
    assert [(a.comparator, a.value, a.unit.ucum) for a in t.alternatives] == [(cmp_, alt_value, alt_unit)]


def test_phrasings_institutional_uln_without_multiplier_sign():
    one("total bilirubin =< 2 IULN", comparator="<=", value=2, reference="ULN")


@pytest.mark.parametrize("text,low,high,anchor", [
    ("Adjuvant/neoadjuvant therapy within 6-12 months of study entry", 6, 12, "study entry"),
    ("Diagnosis of acute coronary syndrome within 15 to 90 days prior to randomization", 15, 90, "randomization"),
])
def test_phrasings_window_range_led_by_within_is_temporal(text, low, high, anchor):
    """'within 6-12 months of X' is a window even when the words before it could name a duration
    ('therapy', 'diagnosis'); no threshold is left over the same numbers."""
    out = run(text)
    assert [(t.comparator, t.low, t.high, t.anchor.text) for t in out.temporals] == [("range", low, high, anchor)]
    assert out.thresholds == []


def test_phrasings_weeks_of_gestation_is_a_measured_duration():
    out = run("pregnant women in 30 to 32 weeks of gestation")
    assert out.temporals == []
    one("pregnant women in 30 to 32 weeks of gestation", comparator="range", low=30, high=32, unit="wk")


def test_phrasings_percent_of_expected_is_of_the_predicted_value():
    one("FEV1 < 50% of the expected value", comparator="<", value=50, reference="predicted", unit="%")


@pytest.mark.parametrize("text,anchor", [
    ("at least 28 days prior to the first dose of study drug", "first dose of study drug"),
    ("within 28 days prior to the first dose of study drug", "first dose of study drug"),
    ("≥ 2 weeks before the start of study treatment", "start of study treatment"),
])
def test_phrasings_window_anchor_keeps_the_moment_of_the_event(text, anchor):
    """Every window rule names the same anchor: the moment ('first dose of', 'start of') is kept."""
    assert [t.anchor.text for t in run(text).temporals] == [anchor]


def test_phrasings_change_of_a_measure_is_named_as_a_change():
    t = one("Patients who have had a ≥10% drop in LVEF on previous therapy", comparator=">=", value=10, unit="%")
    assert t.subject.name == "drop in left ventricular ejection fraction"


@pytest.mark.parametrize("text", ["HER2 3+ by IHC", "MET (IHC) expression of 1+, 2+, or 3+", "2+ proteinuria on dipstick"])
def test_phrasings_single_digit_plus_is_a_level_not_or_more(text):
    assert [t for t in run(text).thresholds if t.comparator == ">="] == []


@pytest.mark.parametrize("text,value", [("aged 18+", 18), ("symptoms for 3+ months", 3), ("Grade 2+ diarrhea", 2)])
def test_phrasings_plus_after_an_age_duration_or_grade_is_or_more(text, value):
    one(text, comparator=">=", value=value)


def test_phrasings_alternative_after_semicolon_with_condition():
    t = one("ALT ≤ 3 × ULN; ≤ 5 × ULN in patients with liver metastases", comparator="<=", value=3)
    assert [(a.value, a.condition.text, a.subject.name) for a in t.alternatives] == [
        (5, "in patients with liver metastases", "alanine aminotransferase")]


def test_phrasings_age_group_between_two_limits_is_a_condition():
    """The second clearance limit is the clearance's, for an age group; the condition stops at the next limit."""
    found = run("Creatinine clearance ≥ 60 mL/min for patients aged < 65 years and ≥ 50 mL/min for those ≥ 65 years").thresholds
    # (the limit for the other age group is the first limit's alternative)
    clearance = [t for f in found for t in [f, *f.alternatives] if t.unit and t.unit.ucum == "mL/min"]
    assert [(t.value, t.subject.name, t.condition.text) for t in clearance] == [
        (60, "creatinine clearance", "for patients aged < 65 years"), (50, "creatinine clearance", "for those ≥ 65 years")]


@pytest.mark.parametrize("text,cond", [
    ("Total bilirubin ≤ 1.5 × ULN (except subjects with Gilbert Syndrome, who can have total bilirubin < 3.0 mg/dL)",
     "except subjects with Gilbert Syndrome"),
    ("Total bilirubin less than or equal to 2.0 mg/dl, except in patients with Gilbert's Syndrome who must have a total "
     "bilirubin less than 3.0 mg/dl", "except in patients with Gilbert's Syndrome"),
])
def test_phrasings_excepted_group_limit_is_an_alternative(text, cond):
    found = run(text).thresholds
    assert len(found) == 1
    assert [(a.value, a.condition.text) for a in found[0].alternatives] == [(3.0, cond)]


@pytest.mark.parametrize("text,cmp_,value", [
    ("Best corrected visual acuity of 20/40 or better in the study eye", ">=", 0.5),
    ("BCVA worse than 20/200 in the fellow eye", "<", 0.1),
    ("visual acuity of 6/12 or better", ">=", 0.5),
])
def test_phrasings_snellen_fraction_is_decimal_acuity(text, cmp_, value):
    t = one(text, comparator=cmp_, value=value)
    assert t.subject.name == "visual acuity"


def test_phrasings_snellen_range_and_blood_pressure_is_no_acuity():
    one("BCVA between 20/32 and 20/320 Snellen equivalent", comparator="range", low=0.0625, high=0.625)
    assert [t for t in run("BP 120/80 to 140/90").thresholds if t.rule.startswith("thr.acuity")] == []


def test_phrasings_years_after_a_time_unit_is_no_age():
    # 'every three to six months over 2 years': how long, not how old
    found = run("Unable to make appointments (every three to six months over 2 years).").thresholds
    over = [t for t in found if t.value == 2]
    assert over and all(t.subject is None or t.subject.name != "age" for t in over)
