"""Back-office pages of facilities and conventions: what coordinators and prescribers see and do."""

from datetime import date, time

import pytest
from django.urls import reverse
from freezegun import freeze_time

from conventions import services
from conventions.models import Attribution, Convention, HoraireOuverture, PlaceReservee, Signataire, Structure
from portail.models import AuditEvent, Role
from tests.conventions.factories import (
    Actor,
    ConventionFactory,
    SignataireFactory,
    StructureFactory,
    coordinateur,
    parcours_for,
)
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory
from tests.utils import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def coord():
    return coordinateur()


@pytest.fixture
def signed_in(client, coord):
    login(client, coord.user, coord)
    return client


@freeze_time("2026-03-10")
def test_convention_list_shows_todays_occupancy_in_fixed_queries(signed_in, coord, django_assert_max_num_queries):
    actor = Actor(coord)
    for index in range(6):
        convention = ConventionFactory(titre=f"Convention {index}", places=3, coordinateur=coord)
        services.attribuer_place(
            parcours=parcours_for(convention), debut=date(2026, 3, 2), kind="reguliere", request=actor
        )
    ConventionFactory(titre="Convention d'un autre", places=3, coordinateur=coordinateur())
    with django_assert_max_num_queries(12):
        response = signed_in.get(reverse("conventions:convention_list"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == 6
    assert {(c.reserved, c.occupied, c.free) for c in rows} == {(3, 1, 2)}
    assert "Convention d'un autre" not in response.content.decode()


def test_convention_list_search_and_period_filter(signed_in, coord):
    ConventionFactory(titre="PMI Orléans", coordinateur=coord)
    ConventionFactory(
        titre="Pôle emploi Orléans Nord", coordinateur=coord, debut=date(2016, 1, 1), fin=date(2017, 12, 31)
    )
    response = signed_in.get(reverse("conventions:convention_list"), {"q": "pmi"})
    assert [c.titre for c in response.context["page"]] == ["PMI Orléans"]
    response = signed_in.get(reverse("conventions:convention_list"), {"periode": "terminees"})
    assert [c.titre for c in response.context["page"]] == ["Pôle emploi Orléans Nord"]


def test_prescriber_lists_the_conventions_it_may_refer_to(client):
    prescripteur = MembershipFactory(role=Role.PRESCRIPTEUR)
    mine = SignataireFactory(partenaire=prescripteur.partenaire).convention
    SignataireFactory()
    login(client, prescripteur.user, prescripteur)
    response = client.get(reverse("conventions:convention_list"))
    assert list(response.context["page"]) == [mine]
    assert "Ajouter une convention" not in response.content.decode()
    detail = client.get(reverse("conventions:convention_detail", args=[mine.pk])).content.decode()
    assert "Attribuer une place" not in detail


def test_a_funder_sees_only_the_conventions_its_partner_signed_as_financeur(client):
    # Seed 000: the Département signs the PMI convention as funder *and* prescriber; a partner that
    # signed a convention only as prescriber (Pôle emploi, seed 001) funds nothing of it.
    funder = MembershipFactory(role=Role.FINANCEUR)
    funded = SignataireFactory(partenaire=funder.partenaire, role=Signataire.RoleConvention.FINANCEUR).convention
    SignataireFactory(convention=funded, partenaire=funder.partenaire, role=Signataire.RoleConvention.PRESCRIPTEUR)
    prescribed = SignataireFactory(partenaire=funder.partenaire, role=Signataire.RoleConvention.PRESCRIPTEUR).convention
    login(client, funder.user, funder)
    response = client.get(reverse("conventions:convention_list"))
    assert list(response.context["page"]) == [funded]
    assert client.get(reverse("conventions:convention_detail", args=[funded.pk])).status_code == 200
    assert client.get(reverse("conventions:convention_detail", args=[prescribed.pk])).status_code == 404

@freeze_time("2026-03-10")
def test_structure_list_flags_the_insertion_shortfall(signed_in, coord, django_assert_max_num_queries):
    actor = Actor(coord)
    big = StructureFactory(nom="Crèche des Blossières", grande=True, coordinateurs=[coord])  # 60 places: 3 owed
    small = StructureFactory(nom="Halte-jeux", places_total=12, coordinateurs=[coord])  # 12 places: 1 owed
    convention = ConventionFactory(places=1, places__structure=small, coordinateur=coord)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 3, 2), kind="reguliere", request=actor)
    with django_assert_max_num_queries(10):
        response = signed_in.get(reverse("conventions:structure_list"))
    guarantees = {s.nom: s.guarantee for s in response.context["page"]}
    assert guarantees[big.nom] == {"minimum": 3, "current": 0, "shortfall": 3}
    assert guarantees[small.nom] == {"minimum": 1, "current": 1, "shortfall": 0}
    html = response.content.decode()
    assert "manque 3" in html
    response = signed_in.get(reverse("conventions:structure_list"), {"deficit": "1"})
    assert [s.nom for s in response.context["page"]] == [big.nom]


def _structure_data(**overrides):
    data = {
        "nom": "Les Petits Pas", "kind": Structure.Kind.HALTE_JEUX, "gestionnaire": PartenaireFactory().pk,
        "adresse": "", "commune": CommuneFactory(nom="Lunel", code_insee="34145", code_postal="34400").pk,
        "telephone": "", "places_total": "7", "age_min_semaines": "13", "age_max_mois": "36",
        "majoration_hors_commune": "2,28", "is_active": "on",
        "horaires-TOTAL_FORMS": "3", "horaires-INITIAL_FORMS": "0",
        "horaires-0-weekday": "0", "horaires-0-ouverture": "08:30", "horaires-0-fermeture": "12:15",
        "horaires-1-weekday": "0", "horaires-1-ouverture": "13:30", "horaires-1-fermeture": "17:00",
        "horaires-2-weekday": "4", "horaires-2-ouverture": "08:30", "horaires-2-fermeture": "12:15",
        "fermetures-TOTAL_FORMS": "1", "fermetures-INITIAL_FORMS": "0",
        "fermetures-0-debut": "2026-08-03", "fermetures-0-fin": "2026-08-21", "fermetures-0-motif": "Congés d'été",
    }
    return data | overrides


@freeze_time("2026-03-10")
def test_coordinator_creates_a_facility_with_breaks_and_closures(signed_in, coord):
    response = signed_in.post(reverse("conventions:structure_create"), _structure_data())
    structure = Structure.objects.get(nom="Les Petits Pas")
    assert response.status_code == 302
    assert [(h.weekday, h.ouverture, h.fermeture) for h in structure.horaires.all()] == [
        (0, time(8, 30), time(12, 15)), (0, time(13, 30), time(17, 0)), (4, time(8, 30), time(12, 15)),
    ]
    assert structure.fermetures.get().motif == "Congés d'été"
    assert coord in structure.coordinateurs.all()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(structure.pk))
    assert "nom" in event.changes["fields"]
    detail = signed_in.get(reverse("conventions:structure_detail", args=[structure.pk])).content.decode()
    assert "08h30" in detail and "13h30" in detail
    assert "du 03/08/2026 au 21/08/2026" in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"horaires-1-ouverture": "12:00"}, "Deux plages horaires du lundi se chevauchent."),
        ({"horaires-0-fermeture": "08:00"}, "L&#x27;heure de fermeture doit suivre"),
        ({"places_total": "-1"}, "Le formulaire contient"),
        ({"fermetures-0-fin": "2026-08-01"}, "Le dernier jour de fermeture ne peut précéder le premier."),
        ({"nom": ""}, "Champ requis."),
    ],
)
def test_invalid_facility_is_refused_in_french_without_writing(signed_in, overrides, message):
    response = signed_in.post(reverse("conventions:structure_create"), _structure_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Structure.objects.exists()
    assert not HoraireOuverture.objects.exists()


def _convention_data(**overrides):
    prescripteur = PartenaireFactory()
    data = {
        "titre": "Places PMI", "debut": "2026-01-01", "fin": "2026-12-31", "reconduction_annuelle": "on",
        "age_min_semaines": "10", "age_max_mois": "60", "gratuite_mois": "6", "duree_min_parcours_mois": "2",
        "frequentation_min_par_mois": "2", "delai_reponse_jours": "10", "budget_annuel": "55000",
        "signataires-TOTAL_FORMS": "1", "signataires-INITIAL_FORMS": "0",
        "signataires-0-partenaire": prescripteur.pk, "signataires-0-role": Signataire.RoleConvention.PRESCRIPTEUR,
        "financements-TOTAL_FORMS": "1", "financements-INITIAL_FORMS": "0",
        "financements-0-partenaire": prescripteur.pk, "financements-0-annee": "2026",
        "financements-0-montant": "40681",
    }
    return data | overrides


def test_coordinator_creates_and_edits_a_convention(signed_in, coord):
    response = signed_in.post(reverse("conventions:convention_create"), _convention_data())
    convention = Convention.objects.get(titre="Places PMI")
    assert response.status_code == 302
    assert coord in convention.coordinateurs.all()
    assert convention.signataires.get().role == Signataire.RoleConvention.PRESCRIPTEUR
    detail = signed_in.get(reverse("conventions:convention_detail", args=[convention.pk])).content.decode()
    assert "40\xa0681,00\xa0€" in detail
    assert "6 mois au plus" in detail
    edit = _convention_data(titre="Places PMI 2026", **{
        "signataires-TOTAL_FORMS": "1", "signataires-INITIAL_FORMS": "1",
        "signataires-0-id": convention.signataires.get().pk, "signataires-0-convention": convention.pk,
        "financements-TOTAL_FORMS": "0", "financements-INITIAL_FORMS": "0",
    })
    edit["signataires-0-partenaire"] = convention.signataires.get().partenaire_id
    response = signed_in.post(reverse("conventions:convention_update", args=[convention.pk]), edit)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.titre == "Places PMI 2026"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(convention.pk)).get()
    assert event.changes["fields"] == ["titre"]


def test_convention_dates_are_validated(signed_in):
    response = signed_in.post(reverse("conventions:convention_create"), _convention_data(fin="2025-12-31"))
    assert "La date de fin doit suivre la date de début." in response.content.decode()
    assert not Convention.objects.exists()


@freeze_time("2026-03-10")
def test_coordinator_reserves_attributes_and_releases_from_the_convention_page(signed_in, coord):
    structure = StructureFactory(places_total=10, coordinateurs=[coord])
    convention = ConventionFactory(coordinateur=coord)
    response = signed_in.post(
        reverse("conventions:convention_reserve", args=[convention.pk]),
        {"reserver-structure": structure.pk, "reserver-kind": "reguliere", "reserver-nombre": "1"},
    )
    assert response.status_code == 302
    assert list(convention.places_reservees.values_list("numero", flat=True)) == [1]
    first, second = parcours_for(convention), parcours_for(convention)
    url = reverse("conventions:attribution_create", args=[convention.pk])
    data = {"attribuer-parcours": first.pk, "attribuer-kind": "reguliere", "attribuer-debut": "2026-03-10"}
    assert signed_in.post(url, data).status_code == 302
    refused = signed_in.post(url, data | {"attribuer-parcours": second.pk})
    assert refused.status_code == 400
    assert "Aucune place d&#x27;accueil régulier n&#x27;est libre" in refused.content.decode()
    waiting = signed_in.post(url, data | {"attribuer-parcours": second.pk, "attribuer-liste_attente": "on"})
    assert waiting.status_code == 302
    assert convention.demandes.get().parcours == second
    attribution = Attribution.objects.get(parcours=first)
    response = signed_in.post(reverse("conventions:attribution_release", args=[attribution.pk]), {"fin": "2026-03-31"})
    assert response.status_code == 302
    page = signed_in.get(reverse("conventions:convention_detail", args=[convention.pk]))
    html = page.content.decode()
    assert "La place sera libre le 01/04/2026." in html
    assert "1 libération prévue dans les 30 jours" in html
    assert f"Parcours n° {second.pk}" in html  # on the waiting list


@freeze_time("2026-03-20")
def test_a_release_without_its_last_day_is_refused_on_the_page_with_the_days_occupancy(signed_in, coord):
    convention = ConventionFactory(places=1, coordinateur=coord)
    parcours = parcours_for(convention)
    signed_in.post(reverse("conventions:attribution_create", args=[convention.pk]), {
        "attribuer-parcours": parcours.pk, "attribuer-kind": convention.places_reservees.get().kind,
        "attribuer-debut": "2026-03-10",
    })
    attribution = Attribution.objects.get(parcours=parcours)

    response = signed_in.post(reverse("conventions:attribution_release", args=[attribution.pk]), {"fin": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Indiquez le dernier jour d&#x27;accueil." in html
    assert "1 place réservée, 1 occupée, 0 libre" in html
    assert Attribution.objects.get(pk=attribution.pk).fin is None


def test_reserving_more_places_than_the_facility_has_is_refused(signed_in, coord):
    structure = StructureFactory(places_total=2, coordinateurs=[coord])
    convention = ConventionFactory(coordinateur=coord)
    response = signed_in.post(
        reverse("conventions:convention_reserve", args=[convention.pk]),
        {"reserver-structure": structure.pk, "reserver-kind": "reguliere", "reserver-nombre": "3"},
    )
    assert response.status_code == 400
    assert "La structure n&#x27;a plus que 2 place(s) non réservée(s)." in response.content.decode()
    assert not PlaceReservee.objects.exists()


def test_garbage_input_never_gives_a_server_error(signed_in, coord):
    convention = ConventionFactory(places=1, coordinateur=coord)
    url = reverse("conventions:attribution_create", args=[convention.pk])
    response = signed_in.post(url, {"attribuer-parcours": "abc", "attribuer-debut": "31/02/2026"})
    assert response.status_code == 400
    assert not Attribution.objects.exists()


def test_pagination_keeps_the_filters(signed_in, coord):
    for index in range(27):
        ConventionFactory(titre=f"Crèche & co {index:02d}", coordinateur=coord)
    response = signed_in.get(reverse("conventions:convention_list"), {"q": "Crèche & co"})
    assert response.context["page"].paginator.count == 27
    assert "?q=Cr%C3%A8che+%26+co&amp;page=2" in response.content.decode()
    second = signed_in.get(reverse("conventions:convention_list"), {"q": "Crèche & co", "page": "2"})
    assert len(second.context["page"]) == 2
