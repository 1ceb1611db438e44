"""The pages: list, detail with the right buttons and their reasons, stale forms, step forms."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from parcours.management.commands.parcours_diagram import mermaid
from parcours.models import Parcours, Presence, ReunionConjointe
from portail.models import AuditEvent
from tests.factories import MembershipFactory
from tests.parcours import factories as f
from tests.utils import login, text

State = Parcours.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    return f.ParcoursFactory()


@pytest.fixture
def coordinateur(parcours, client):
    membership = f.coordinator_of(parcours.convention)
    login(client, membership.user, membership)
    return membership


def test_list_is_paginated_filtered_and_costs_fixed_queries(client, coordinateur, parcours,
                                                            django_assert_max_num_queries):
    for _ in range(30):
        f.ParcoursFactory(orientation__convention=parcours.convention)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("parcours:list"))
    assert response.context["page"].paginator.count == 31
    assert len(response.context["page"].object_list) == 25
    response = client.get(reverse("parcours:list"), {"q": f"n° {parcours.pk}"})
    assert [p.pk for p in response.context["page"]] == [parcours.pk]
    response = client.get(reverse("parcours:list"), {"state": "accueil"})
    assert response.context["page"].paginator.count == 0


def test_list_pages_are_newest_first_within_scope_at_a_cost_that_does_not_grow(
        client, coordinateur, parcours, django_assert_max_num_queries):
    """Each page shows the next 25 of the user's pathways, newest first, with their columns, in
    the same number of queries for 6 or 56 pathways; a pathway outside the scope never shows."""
    outside = f.ParcoursFactory()
    for _ in range(5):
        f.ParcoursFactory(orientation__convention=parcours.convention)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("parcours:list"))
    for _ in range(50):
        f.ParcoursFactory(orientation__convention=parcours.convention)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(reverse("parcours:list"))
    second = client.get(reverse("parcours:list"), {"page": 3})
    mine = list(Parcours.objects.filter(convention=parcours.convention).order_by("-created_at", "-pk"))
    assert [p.pk for p in first.context["page"]] == [p.pk for p in mine[:25]]
    assert [p.pk for p in second.context["page"]] == [p.pk for p in mine[50:]]
    assert outside.pk not in [p.pk for p in first.context["page"]] + [p.pk for p in second.context["page"]]
    assert f"{mine[0].convention.titre}" in text(first)
    assert mine[0].orientation.partenaire.nom in text(first)


def test_list_search_by_facility_or_convention_name_stays_within_scope(client, coordinateur, parcours):
    placed = f.ParcoursFactory(orientation__convention=parcours.convention)
    attribution = f.attribution(placed)
    elsewhere = f.ParcoursFactory()
    same_facility = f.PlaceFactory(convention=elsewhere.convention, structure=attribution.place.structure)
    f.attribution(elsewhere, place=same_facility)
    found = client.get(reverse("parcours:list"), {"q": attribution.place.structure.nom})
    assert [p.pk for p in found.context["page"]] == [placed.pk]
    by_convention = client.get(reverse("parcours:list"), {"q": parcours.convention.titre})
    assert {p.pk for p in by_convention.context["page"]} == {parcours.pk, placed.pk}


def test_a_file_number_is_written_without_a_thousands_separator_and_found_with_one(client, coordinateur, parcours):
    big = f.ParcoursFactory(pk=12345, orientation__convention=parcours.convention)
    listed = client.get(reverse("parcours:list")).content.decode()
    assert "Parcours n° 12345<" in listed
    detail = client.get(reverse("parcours:detail", args=[big.pk])).content.decode()
    assert '<h1 class="h3">Parcours n° 12345 ' in detail
    found = client.get(reverse("parcours:list"), {"q": "n° 12 345"})
    assert [p.pk for p in found.context["page"]] == [big.pk]


def test_detail_offers_only_available_transitions_and_says_why(client, coordinateur, parcours):
    response = client.get(reverse("parcours:detail", args=[parcours.pk]))
    content = response.content.decode()
    assert "Valider la contractualisation" in content
    assert "La réunion conjointe n&#x27;est pas enregistrée" in content
    assert "Déclarer un abandon" in content
    assert "Commencer l&#x27;accueil régulier" not in content
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(parcours.pk)).exists()


@freeze_time("2026-06-20")
def test_anonymised_family_is_announced_where_its_names_would_be(client, coordinateur, parcours,
                                                                django_assert_max_num_queries):
    """The pages say « Dossier anonymisé le … » rather than « Anonyme Anonyme » or « A. A. »."""
    from rgpd.models import Anonymisation
    from rgpd.services import anonymise_family

    kept = f.ParcoursFactory(orientation__convention=parcours.convention)
    Parcours.objects.filter(pk__in=[parcours.pk, kept.pk]).update(
        state=State.ACCUEIL, premier_accueil_le=datetime.date(2026, 1, 5), bilan_prevu_le=datetime.date(2026, 6, 1)
    )
    assert anonymise_family(parcours.famille, Anonymisation.Cause.EFFACEMENT)
    mention = "Dossier anonymisé le 20/06/2026"
    with django_assert_max_num_queries(12):
        listing = text(client.get(reverse("parcours:list")))
    assert listing.count(mention) == 1
    assert kept.enfant.initiales in listing
    assert "A. A." not in listing
    detail = text(client.get(reverse("parcours:detail", args=[parcours.pk])))
    assert f"Enfant {mention} , né(e) le" in " ".join(re.sub(r"<[^>]+>", " ", detail).split())
    assert "Anonyme" not in detail
    dashboard = text(client.get(reverse("parcours:dashboard")))
    assert dashboard.count(mention) == 2  # overdue review, attendance alert
    assert "A. A." not in dashboard


def test_prescriber_sees_no_coordination_button(client, parcours):
    prescripteur = MembershipFactory(prescripteur=True, partenaire=parcours.orientation.partenaire)
    login(client, prescripteur.user, prescripteur)
    content = client.get(reverse("parcours:detail", args=[parcours.pk])).content.decode()
    assert "Valider la contractualisation" not in content
    assert "Saisir la réunion conjointe" not in content
    assert "Déclarer un abandon" in content


def test_stale_transition_from_page_shows_message_and_changes_nothing(client, coordinateur, parcours):
    f.reunion(parcours)
    url = reverse("parcours:transition", args=[parcours.pk, "contractualiser"])
    client.post(url, {"expected_state": "reperage", "comment": ""})
    response = client.post(reverse("parcours:transition", args=[parcours.pk, "abandonner"]),
                           {"expected_state": "reperage", "motif": "Déménagement"}, follow=True)
    assert "modifié par une autre personne" in response.content.decode()
    parcours.refresh_from_db()
    assert parcours.state == State.CONTRACTUALISATION


def test_abandon_without_reason_is_refused_from_the_page(client, coordinateur, parcours):
    response = client.post(reverse("parcours:transition", args=[parcours.pk, "abandonner"]),
                           {"expected_state": "reperage", "motif": ""}, follow=True)
    assert "Le motif de l&#x27;abandon est obligatoire." in response.content.decode()
    parcours.refresh_from_db()
    assert parcours.state == State.REPERAGE


def test_joint_meeting_form_shows_errors_and_writes_nothing(client, coordinateur, parcours):
    url = reverse("parcours:step", args=[parcours.pk, "reunion"])
    response = client.post(url, {"expected_state": "reperage", "date": "pas une date",
                                 "duree_parcours_parent_mois": "3"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Le formulaire contient" in content
    assert "Indiquez au moins un objectif du parent." in content
    assert not ReunionConjointe.objects.exists()
    response = client.post(url, {
        "expected_state": "reperage", "date": "2025-12-01", "presence_famille": "on", "objectif_formation": "on",
        "duree_parcours_parent_mois": "3", "engagement_signe_le": "2025-12-01",
    })
    assert response.status_code == 302
    assert ReunionConjointe.objects.get().objectif_formation


@freeze_time("2026-03-20")
def test_presence_form_refuses_a_slot_longer_than_the_convention_allows(client):
    parcours = f.ParcoursFactory(orientation__convention__petits_pas=True)
    Parcours.objects.filter(pk=parcours.pk).update(state=State.ACCUEIL, premier_accueil_le=datetime.date(2026, 3, 2))
    membership = f.coordinator_of(parcours.convention)
    login(client, membership.user, membership)
    response = client.post(reverse("parcours:presence", args=[parcours.pk]),
                           {"expected_state": "accueil", "date": "2026-03-03", "arrivee": "08:30", "depart": "12:15"})
    assert "ne peut pas dépasser 3 h 30" in response.content.decode()
    assert not Presence.objects.exists()


def test_note_visibility_by_role(client, coordinateur, parcours):
    client.post(reverse("parcours:note", args=[parcours.pk]),
                {"expected_state": "reperage", "texte": "Note interne", "visibilite": "coordination"})
    client.post(reverse("parcours:note", args=[parcours.pk]),
                {"expected_state": "reperage", "texte": "Note partagée", "visibilite": "partenaires"})
    prescripteur = MembershipFactory(prescripteur=True, partenaire=parcours.orientation.partenaire)
    login(client, prescripteur.user, prescripteur)
    content = client.get(reverse("parcours:detail", args=[parcours.pk])).content.decode()
    assert "Note partagée" in content
    assert "Note interne" not in content


def test_state_diagram_in_docs_is_generated_from_the_code(tmp_path):
    committed = (Path(settings.BASE_DIR) / "docs" / "parcours_etats.md").read_text(encoding="utf-8")
    assert mermaid() in committed
    output = tmp_path / "etats.md"
    call_command("parcours_diagram", output=str(output))
    assert output.read_text(encoding="utf-8") == committed
    assert "reperage --> abandon" in committed and "bilan --> sortie" in committed
