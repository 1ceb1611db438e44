"""The fee simulator, through the page itself, against the seed's own tables.

Seed 003 (Orléans operating rules, annex "Calcul du tarif horaire", TARIFS 2023): floor
754,16 €, ceiling 6 000 €; collective care, 1 child: 0,47 € (floor) – 3,71 € (ceiling);
familial care, 3 to 5 children: 0,23 € – 1,86 €; +2,28 €/h outside the commune; a disabled
child in the family gives the next lower rate. The CNAF raised the ceiling to 8 500 € on
1 September 2025 (conventions barème data).
"""

import pytest
from freezegun import freeze_time

from cms_pages.models import SimulatorPage
from tests.cms_pages.factories import add_page, home_page

URL = "/calculer-votre-tarif/"


@pytest.fixture
def site(db):
    return add_page(home_page(), SimulatorPage, title="Calculer votre tarif", slug="calculer-votre-tarif")


def simulate(client, **params):
    data = {"periode": "annuelles", "enfants": "1", "accueil": "collectif", "heures": "100", **params}
    response = client.get(URL, data)
    assert response.status_code == 200
    return response


def result(response) -> dict:
    simulation = response.context["result"]
    assert simulation is not None, response.context["form"].errors
    return {
        "hourly": simulation.fee.hourly, "monthly": simulation.fee.monthly,
        "applied": simulation.fee.applied, "bareme": simulation.fee.bareme_date.isoformat(),
    }


@freeze_time("2023-06-15")
@pytest.mark.parametrize(
    ("params", "hourly", "applied"),
    [
        ({"ressources": "0"}, "0,47", "plancher"),
        ({"ressources": "9 000"}, "0,47", "plancher"),  # 750 €/month, under the floor
        ({"ressources": "72 000"}, "3,71", "plafond"),
        ({"ressources": "6000", "periode": "mensuelles"}, "3,71", "plafond"),
        ({"ressources": "72000", "enfants": "2"}, "3,10", "plafond"),
        ({"ressources": "72000", "enfants": "3", "accueil": "familial"}, "1,86", "plafond"),
        ({"ressources": "0", "enfants": "3", "accueil": "familial"}, "0,23", "plancher"),
        ({"ressources": "36 000"}, "1,86", "ressources"),  # 3 000 € × 0,0619 % = 1,857
    ],
)
def test_the_2023_table_of_the_seed(client, site, params, hourly, applied):
    response = simulate(client, **params)
    assert result(response)["applied"] == applied
    assert result(response)["bareme"] == "2023-01-01"
    html = response.content.decode()
    assert f"{hourly}\u00a0€ de l'heure" in html
    assert "01/01/2023" in html


@freeze_time("2023-06-15")
def test_monthly_amount_and_which_bound_applied_are_shown(client, site):
    response = simulate(client, ressources="72000", heures="120")
    html = response.content.decode()
    assert "445,20\u00a0€ pour 120 heures par mois" in html  # 3,71 × 120
    assert "le <strong>plafond</strong> de ressources s'applique" in html
    assert "6\u00a0000,00\u00a0€" in html


@freeze_time("2023-06-15")
def test_outside_the_commune_adds_2_28_per_hour(client, site):
    response = simulate(client, ressources="0", hors_commune="on")
    assert result(response)["hourly"] == pytest.approx(0.47 + 2.28)
    assert "Majoration hors commune" in response.content.decode()


@freeze_time("2023-06-15")
def test_a_disabled_child_in_the_family_gives_the_next_lower_rate(client, site):
    # 1 child at the ceiling: 3,71 € normally, the 2-children rate (3,10 €) with AEEH/PCH.
    response = simulate(client, ressources="72000", handicap="on")
    assert str(result(response)["hourly"]) == "3.10"


@freeze_time("2026-11-22")
def test_today_the_2025_ceiling_applies(client, site):
    response = simulate(client, ressources="120000")
    assert result(response)["bareme"] == "2025-09-01"
    assert str(result(response)["hourly"]) == "5.26"  # 8 500 × 0,0619 %
    assert "01/09/2025" in response.content.decode()


def test_families_in_a_scheme_are_told_they_pay_nothing_during_the_free_period(client, site):
    html = client.get(URL).content.decode()
    assert "Vous ne payez rien pendant la période de gratuité du dispositif" in html


def test_the_empty_form_shows_no_error_and_no_result(client, site):
    response = client.get(URL)
    assert response.context["result"] is None
    assert "erreur" not in response.content.decode().lower().split("<form")[0]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"ressources": "-100"}, "ressources", "ne peuvent pas être négatives"),
        ({"ressources": "5 000 000"}, "ressources", "paraît trop élevé"),
        ({"ressources": "beaucoup"}, "ressources", "en chiffres"),
        ({"ressources": ""}, "ressources", "Indiquez les ressources de la famille"),
        ({"ressources": "20000", "enfants": "0"}, "enfants", "au moins un enfant"),
        ({"ressources": "20000", "enfants": "30"}, "enfants", "entre 1 et 10"),
        ({"ressources": "20000", "enfants": "deux"}, "enfants", "en chiffres"),
        ({"ressources": "20000", "enfants": "1,5"}, "enfants", "nombre entier"),
        ({"ressources": "20000", "heures": "-3"}, "heures", "ne peut pas être négatif"),
        ({"ressources": "20000", "heures": "900"}, "heures", "vérifiez ce nombre"),
        ({"ressources": "20000", "accueil": "nounou"}, "accueil", "crèche familiale"),
        ({"ressources": "20000", "periode": ""}, "periode", "annuelles ou mensuelles"),
    ],
)
def test_bad_input_is_explained_in_french_and_never_fails(client, site, params, field, message):
    response = simulate(client, **params)
    form = response.context["form"]
    assert response.context["result"] is None
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert "Le formulaire contient" in html
    assert f'href="#id_{field}' in html  # the summary links to the field


def test_a_missing_field_in_a_shared_link_is_explained(client, site):
    response = client.get(URL, {"ressources": "20000"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"periode", "enfants", "accueil", "heures"}


@freeze_time("2023-06-15")
def test_french_number_formats_are_understood(client, site):
    response = simulate(client, ressources="36\u00a0000,00 €", heures="100,5")
    assert str(result(response)["monthly"]) == "186.93"  # 1,86 × 100,5
