"""Statistical secrecy: funders never see a count of 1 to 4 people; coordinators see the counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from rapports import rules
from rapports.presentation import present, show
from rapports.selectors import Cell
from tests.rapports.factories import coordinator_of, funder_of
from tests.utils import login


@pytest.mark.parametrize(("people", "hidden"), [(0, False), (1, True), (4, True), (5, False), (120, False)])
def test_the_one_secrecy_rule(people, hidden):
    assert rules.is_secret(people) is hidden
    assert (show(Cell(people), secrecy=True).text == "< 5") is hidden
    assert show(Cell(people), secrecy=False).text == str(people)


def test_a_median_behind_fewer_than_five_people_is_hidden_too():
    median = Cell(Decimal("41.0"), "days", people=1)
    assert show(median, secrecy=True).text == "< 5"
    assert show(median, secrecy=False).text == "41,0"
    # Money and place-days are not people: they stay visible.
    assert show(Cell(Decimal("40681"), "euros"), secrecy=True).text == "40\xa0681,00\xa0€"
    assert show(Cell(3, "number"), secrecy=True).text == "3"


@pytest.mark.django_db
def test_the_funder_page_masks_small_counts_and_the_coordinator_page_does_not(client, scenario, report):
    url = reverse("rapports:convention_report", args=[scenario.convention.pk]) + "?kind=semestre&annee=2026&semestre=1"
    funder = funder_of(scenario.convention)
    login(client, funder.user, funder)
    page = client.get(url).content.decode()
    assert "Secret statistique" in page
    sections = {s["key"]: s for s in present(report, secrecy=True)}
    children = {row[0].text: row[1].text for row in sections["enfants"]["rows"]}
    assert children["Enfants accueillis sur une place réservée"] == "< 5"
    assert children["Durée médiane dans le dispositif à la sortie (jours)"] == "< 5"
    assert 'title="Moins de 5 personnes (secret statistique)">&lt; 5</td>' in page
    assert "362" in page and "189" in page  # place-days are not people
    assert "Dupré" not in page and "Lina" not in page

    coordinator = coordinator_of(scenario.convention)
    login(client, coordinator.user, coordinator)
    page = client.get(url).content.decode()
    assert "&lt; 5" not in page
    assert "<td class=\"text-end\">41,0</td>" in page
