"""The facility directory and the schemes' facilities, read from the conventions data."""

from datetime import date

import pytest
from freezegun import freeze_time

from cms_pages.models import DirectoryPage, SchemePage
from conventions.models import HoraireOuverture, Structure
from tests.cms_pages.factories import FermetureFactory, HoraireFactory, add_page, home_page
from tests.conventions.factories import ConventionFactory, StructureFactory
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
URL = "/annuaire/"


@pytest.fixture
def directory():
    return add_page(home_page(), DirectoryPage, title="Annuaire des structures d'accueil", slug="annuaire")


@pytest.fixture
def orleans_and_lunel():
    orleans = CommuneFactory(nom="Orléans", code_insee="45234")
    lunel = CommuneFactory(nom="Lunel", code_insee="34145")
    return {
        "baron": StructureFactory(nom="Le Baron", kind=Structure.Kind.CRECHE_COLLECTIVE, commune=orleans,
                                  adresse="5 rue du Baron", places_total=45),
        "gare": StructureFactory(nom="La Gare", kind=Structure.Kind.CRECHE_FAMILIALE, commune=orleans,
                                 places_total=28),
        "petits_pas": StructureFactory(nom="Les Petits Pas", commune=lunel, halte_jeux=True),
        "fermee": StructureFactory(nom="Ancienne crèche", commune=orleans, is_active=False),
        "orleans": orleans, "lunel": lunel,
    }


def names(response):
    return [structure.nom for structure in response.context["structures"]]


def test_every_active_facility_is_listed_with_its_kind_address_and_places(client, directory, orleans_and_lunel):
    response = client.get(URL)
    assert names(response) == ["Les Petits Pas", "La Gare", "Le Baron"]  # by commune, then name
    html = response.content.decode()
    assert "Ancienne crèche" not in html
    assert "5 rue du Baron" in html and "Crèche collective" in html and "<td>45</td>" in html
    assert "<caption>Structures d'accueil du jeune enfant</caption>" in html


def test_filter_by_commune_and_kind(client, directory, orleans_and_lunel):
    data = orleans_and_lunel
    assert names(client.get(URL, {"commune": data["lunel"].pk})) == ["Les Petits Pas"]
    assert names(client.get(URL, {"kind": Structure.Kind.CRECHE_FAMILIALE})) == ["La Gare"]
    assert names(client.get(URL, {"commune": data["orleans"].pk, "kind": Structure.Kind.CRECHE_COLLECTIVE})) == [
        "Le Baron"
    ]
    assert names(client.get(URL, {"q": "baron"})) == ["Le Baron"]


def test_a_bad_filter_is_ignored_not_a_failure(client, directory, orleans_and_lunel):
    response = client.get(URL, {"commune": "abc", "kind": "chateau"})
    assert response.status_code == 200
    assert len(names(response)) == 3


@freeze_time("2026-11-22")
def test_reserved_places_count_only_conventions_in_force(client, directory, orleans_and_lunel):
    baron = orleans_and_lunel["baron"]
    ConventionFactory(places=4, places__structure=baron, debut=date(2026, 1, 1), fin=date(2026, 12, 31))
    ConventionFactory(places=2, places__structure=baron, debut=date(2016, 1, 1), fin=date(2017, 12, 31),
                      reconduction_annuelle=False)
    response = client.get(URL, {"q": "baron"})
    assert response.context["structures"][0].reserved_places == 4


@freeze_time("2026-11-22")
def test_opening_hours_and_coming_closures_are_shown(client, directory, orleans_and_lunel):
    petits_pas = orleans_and_lunel["petits_pas"]
    for day in (HoraireOuverture.Weekday.LUNDI, HoraireOuverture.Weekday.MARDI, HoraireOuverture.Weekday.JEUDI):
        HoraireFactory(structure=petits_pas, weekday=day, matin=True)
        HoraireFactory(structure=petits_pas, weekday=day, apres_midi=True)
    HoraireFactory(structure=petits_pas, weekday=HoraireOuverture.Weekday.VENDREDI, matin=True)
    FermetureFactory(structure=petits_pas, debut=date(2026, 12, 21), fin=date(2027, 1, 2), motif="Congés de Noël")
    FermetureFactory(structure=petits_pas, debut=date(2026, 8, 1), fin=date(2026, 8, 20), motif="Été passé")
    html = client.get(URL, {"commune": orleans_and_lunel["lunel"].pk}).content.decode()
    assert "Lundi et mardi : 8 h 30 – 12 h 15 et 13 h 30 – 17 h" in html
    assert "Jeudi : 8 h 30 – 12 h 15 et 13 h 30 – 17 h" in html
    assert "Vendredi : 8 h 30 – 12 h 15" in html
    assert "Congés de Noël du 21/12/2026 au 02/01/2027" in html
    assert "Été passé" not in html


def test_the_directory_costs_a_fixed_number_of_queries(client, directory, django_assert_max_num_queries):
    for _ in range(25):
        structure = StructureFactory()
        HoraireFactory(structure=structure)
        FermetureFactory(structure=structure, debut=date(2099, 1, 1), fin=date(2099, 1, 2))
    client.get(URL)  # Wagtail caches the sites' root paths on the first request
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert len(response.context["structures"]) == 20  # first page
    assert response.context["page_obj"].paginator.num_pages == 2
    assert 'aria-current="page">1<' in response.content.decode()


def test_pagination_keeps_the_filters(client, directory):
    commune = CommuneFactory(nom="Orléans")
    StructureFactory.create_batch(22, commune=commune)
    html = client.get(URL, {"commune": commune.pk}).content.decode()
    assert f"commune={commune.pk}&amp;kind=&amp;q=&amp;page=2" in html or f"commune={commune.pk}" in html.split(
        "Pagination"
    )[1]


def test_a_scheme_page_shows_its_convention_facilities_and_free_period(client):
    home = home_page()
    baron = StructureFactory(nom="Le Baron", kind=Structure.Kind.CRECHE_COLLECTIVE)
    convention = ConventionFactory(titre="Places réservées PMI", places=6, places__structure=baron, gratuite_mois=6)
    add_page(home, SchemePage, title="Places réservées PMI", slug="pmi", convention=convention)
    html = client.get("/pmi/").content.decode()
    assert "Gratuit pour la famille</strong>\n    pendant 6 mois au plus" in html
    assert "<th scope=\"row\">Le Baron</th>" in html
    assert "<td>6</td>" in html


def test_a_scheme_free_for_the_whole_pathway_says_so(client):
    home = home_page()
    convention = ConventionFactory(titre="Les Petits Pas", petits_pas=True, places=6)
    add_page(home, SchemePage, title="Les Petits Pas", slug="petits-pas", convention=convention)
    html = client.get("/petits-pas/").content.decode()
    assert "pendant toute la durée du parcours" in html


def test_a_priority_only_scheme_says_the_usual_fee_applies(client):
    home = home_page()
    convention = ConventionFactory(titre="Pôle emploi Orléans Nord", gratuite_mois=0)
    add_page(home, SchemePage, title="Priorité France Travail", slug="priorite", convention=convention)
    html = client.get("/priorite/").content.decode()
    assert "priorité d&#x27;accès à une place" in html or "priorité d'accès à une place" in html
    assert "Gratuit pour la famille" not in html
