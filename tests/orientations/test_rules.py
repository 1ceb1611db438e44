"""The pure rules, with the seeds' own numbers."""

from datetime import date

import pytest

from orientations import rules

# Les Petits Pas (Lunel): children from 3 months to 3 years; parent's pathway of at least 2 months.
PETITS_PAS = rules.ConventionTerms(
    title="Les Petits Pas", start=date(2024, 2, 26), end=date(2027, 12, 31), age_min_weeks=13,
    age_max_months=36, commune_ids=frozenset({1}), commune_names=("Lunel",), prescriber_ids=frozenset({10, 11}),
    min_pathway_months=2,
)
# Orléans municipal facilities under the PMI convention: 10 weeks to 5 years, Orléans residents.
PMI_ORLEANS = rules.ConventionTerms(
    title="PMI Orléans", start=date(2016, 1, 1), end=date(2030, 12, 31), age_min_weeks=10, age_max_months=60,
    commune_ids=frozenset({2}), commune_names=("Orléans",), prescriber_ids=frozenset({20}), min_pathway_months=0,
)
TODAY = date(2026, 11, 22)


def request(**overrides):
    values = {"today": TODAY, "birth": date(2025, 6, 1), "start": date(2027, 1, 4), "commune_id": 1, "partner_id": 10,
                  "partner_authorised": True, "pathway_months": (6,), "convention": PETITS_PAS}
    values.update(overrides)
    return rules.Request(**values)


def test_an_eligible_request_has_no_problem():
    assert rules.eligibility_problems(request()) == {}


@pytest.mark.parametrize(("birth", "start", "eligible"), [
    (date(2026, 10, 1), date(2026, 12, 31), True),    # 13 weeks on 31/12/2026: 3 months reached
    (date(2026, 10, 1), date(2026, 12, 30), False),   # the day before: too young
    (date(2024, 1, 5), date(2027, 1, 4), True),       # the day before the 3rd birthday
    (date(2024, 1, 4), date(2027, 1, 4), False),      # 3 years that very day: too old
])
def test_petits_pas_takes_children_from_3_months_to_3_years(birth, start, eligible):
    problems = rules.eligibility_problems(request(birth=birth, start=start))
    assert ("date_naissance" not in problems) is eligible


def test_the_age_message_says_from_when_the_child_can_come():
    problems = rules.eligibility_problems(request(birth=date(2026, 10, 1), start=date(2026, 12, 1)))
    assert problems["date_naissance"] == (
        "L'enfant aura moins de 3 mois le 01/12/2026 : accueil possible à partir du 31/12/2026."
    )


@pytest.mark.parametrize(("birth", "start", "eligible"), [
    (date(2026, 9, 20), date(2026, 11, 29), True),    # 10 weeks exactly
    (date(2026, 9, 21), date(2026, 11, 29), False),   # 9 weeks and 6 days
    (date(2022, 1, 5), date(2027, 1, 4), True),       # 4 years 11 months 30 days
    (date(2022, 1, 4), date(2027, 1, 4), False),      # 5 years
])
def test_facilities_take_children_from_10_weeks_to_5_years(birth, start, eligible):
    problems = rules.eligibility_problems(request(
        birth=birth, start=start, convention=PMI_ORLEANS, commune_id=2, partner_id=20, today=date(2026, 11, 1)))
    assert ("date_naissance" not in problems) is eligible


def test_a_child_too_old_for_petits_pas_is_told_why():
    problems = rules.eligibility_problems(request(birth=date(2022, 3, 1)))
    assert "atteint 3 ans le 04/01/2027" in problems["date_naissance"]


def test_the_commune_must_be_one_the_convention_admits():
    problems = rules.eligibility_problems(request(commune_id=2))
    assert problems == {"commune": "La convention « Les Petits Pas » est réservée aux familles résidant à Lunel."}


def test_only_a_signatory_prescriber_may_refer():
    problems = rules.eligibility_problems(request(partner_id=99))
    assert problems["convention"] == (
        "Votre structure n'est pas partenaire prescripteur de la convention « Les Petits Pas »."
    )


def test_an_unauthorised_partner_may_not_refer_even_without_convention():
    problems = rules.eligibility_problems(request(partner_authorised=False, convention=None))
    assert "habilitée" in problems["convention"]


@pytest.mark.parametrize(("months", "eligible"), [((2,), True), ((1,), False), ((None,), False), ((1, 3), True)])
def test_the_parents_pathway_lasts_at_least_2_months(months, eligible):
    problems = rules.eligibility_problems(request(pathway_months=months))
    assert ("parcours_duree_mois" not in problems) is eligible


def test_no_pathway_minimum_when_the_convention_sets_none():
    problems = rules.eligibility_problems(request(
        convention=PMI_ORLEANS, commune_id=2, partner_id=20, pathway_months=()))
    assert problems == {}


def test_a_convention_that_ended_refuses_referrals():
    ended = rules.ConventionTerms(**{**PETITS_PAS.__dict__, "end": date(2026, 8, 31)})
    problems = rules.eligibility_problems(request(convention=ended))
    assert problems["convention"] == (
        "La convention « Les Petits Pas » prend fin le 31/08/2026 : choisissez-en une autre."
    )


def test_a_start_after_the_end_of_the_convention_is_refused():
    ending = rules.ConventionTerms(**{**PETITS_PAS.__dict__, "end": date(2026, 12, 31)})
    assert "prend fin le 31/12/2026" in rules.eligibility_problems(request(convention=ending))["convention"]


def test_future_birth_and_past_start_are_refused():
    problems = rules.eligibility_problems(request(birth=date(2027, 1, 1), start=date(2026, 11, 1)))
    assert problems["date_naissance"] == "La date de naissance ne peut pas être dans le futur."
    assert problems["date_souhaitee"] == "La date d'accueil souhaitée ne peut pas être passée."


def test_without_convention_the_facilities_age_range_applies():
    problems = rules.eligibility_problems(request(convention=None, birth=date(2021, 12, 1)))
    assert "5 ans" in problems["date_naissance"]


@pytest.mark.parametrize(("a", "b"), [
    (("Léa-Marie", "D'Almeida"), ("lea marie", "DALMEIDA")),
    (("Noé", "Müller"), ("NOE", "muller")),
])
def test_duplicate_key_ignores_accents_case_and_punctuation(a, b):
    assert rules.duplicate_key(*a) == rules.duplicate_key(*b)


def test_duplicate_key_keeps_first_and_last_name_apart():
    assert rules.duplicate_key("Martin", "Paul") != rules.duplicate_key("Paul", "Martin")


def test_weighting_adds_the_weights_of_the_criteria_met_with_its_breakdown():
    score = rules.weigh(rules.Criteria(monoparentale=True, qpv=True, urgence=True, waiting_weeks=2))
    assert score.total == 3 + 2 + 4 + 2
    assert [line[0] for line in score.breakdown] == ["monoparentale", "qpv", "urgence", "anciennete"]
    assert score.breakdown[-1][1] == "Ancienneté de la demande (2 semaines)"


def test_weighting_uses_the_conventions_weights_and_caps_the_waiting():
    weights = rules.Weights(monoparentale=10, qpv=0, urgence=1, minima_sociaux=0, insertion=5, anciennete=2)
    score = rules.weigh(rules.Criteria(monoparentale=True, qpv=True, insertion=True, waiting_weeks=14), weights)
    assert score.total == 10 + 0 + 5 + 2 * rules.MAX_WAITING_WEEKS


def test_deadline_is_10_days_by_default_and_expiry_30_days():
    assert rules.deadline(date(2026, 11, 22), None) == date(2026, 12, 2)
    assert rules.deadline(date(2026, 11, 22), 5) == date(2026, 11, 27)
    assert rules.expiry_day(date(2026, 11, 22)) == date(2026, 12, 22)


@pytest.mark.parametrize(("birth", "label"), [
    (date(2026, 10, 1), "7 semaines"), (date(2026, 3, 22), "8 mois"), (date(2024, 8, 22), "2 ans et 3 mois"),
    (date(2023, 11, 22), "3 ans"),
])
def test_age_label(birth, label):
    assert rules.age_label(birth, TODAY) == label


def test_add_months_ends_on_the_last_day_of_a_shorter_month():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff\xe0", "image/jpeg"),
    (b"MZ\x90\x00", None), (b"<html>", None),
])
def test_files_are_recognised_by_their_content(head, kind):
    assert rules.sniff_type(head) == kind
