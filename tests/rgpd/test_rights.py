"""The family's rights: export (access, portability), rectification links, erasure; and the
reports, which must give the same figures after anonymisation."""

import datetime
import json

import pytest
from freezegun import freeze_time

from orientations.models import Orientation, Parent
from portail.models import AuditEvent
from rapports import selectors as report_selectors
from rapports.rules import Period
from rgpd import services
from rgpd.models import Anonymisation, DemandeEffacement
from tests.parcours.factories import ConventionFactory, OrientationFactory, coordinator_of
from tests.utils import login, text

from .factories import ADDRESS, FAMILY_NAME, PARENT_EMAIL, cared_family, refused_referral

D = datetime.date


def _figures(convention, today):
    report = report_selectors.convention_report(convention, Period(D(2026, 1, 1), D(2026, 12, 31), "année 2026"),
                                                today=today)
    return [[cell.value for cell in row] for section in report.sections for row in section.rows]


@pytest.mark.django_db
def test_past_reports_give_the_same_figures_after_anonymisation():
    convention = ConventionFactory()
    parcours = cared_family(D(2026, 7, 31), convention=convention)
    refused_referral(D(2026, 3, 10), convention=convention)
    before = _figures(convention, D(2033, 1, 1))
    with freeze_time(D(2033, 1, 1)):
        assert services.anonymise_expired()["familles"] == 2
    assert Anonymisation.objects.filter(famille=parcours.famille).exists()
    assert _figures(convention, D(2033, 1, 1)) == before


@pytest.fixture
def dossier(db):
    """A cared family of convention X and, in the same convention, another family."""
    convention = ConventionFactory()
    coordinateur = coordinator_of(convention)
    parcours = cared_family(D(2026, 7, 31), convention=convention)
    autre = OrientationFactory(convention=convention)
    Parent.objects.create(famille=autre.famille, prenom="Zoé", nom="Autrefamille", situation="demandeur_emploi")
    return parcours, coordinateur, autre


def test_the_json_export_holds_everything_on_the_family_and_nothing_else(client, dossier):
    parcours, coordinateur, _autre = dossier
    login(client, coordinateur.user, coordinateur)
    response = client.post(f"/espace/donnees-personnelles/familles/{parcours.famille_id}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="famille-{parcours.famille_id}-')
    data = json.loads(response.content)
    titles = {section["titre"]: section["objets"] for section in data["sections"]}
    dumped = response.content.decode()
    for value in (FAMILY_NAME, PARENT_EMAIL, ADDRESS, "06 12 34 56 78", f"Appel de Mme {FAMILY_NAME}",
                  f"attestation-{FAMILY_NAME}.pdf", f"Objectifs de Awa {FAMILY_NAME}", f"{FAMILY_NAME} en emploi"):
        assert value in dumped
    assert len(titles["Présences"]) == 2
    assert len(titles["Parcours"]) == 1 and len(titles["Orientations"]) == 1
    assert len(titles["Bilans à 6 mois"]) == 1 and len(titles["Attributions de places"]) == 1
    assert "Autrefamille" not in dumped
    assert "cle_doublon" not in dumped and "jeton" not in dumped
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_id=str(parcours.famille_id), actor=coordinateur.user
    ).exists()


def test_the_pdf_export_is_a_readable_document(client, dossier):
    parcours, coordinateur, _autre = dossier
    login(client, coordinateur.user, coordinateur)
    response = client.post(f"/espace/donnees-personnelles/familles/{parcours.famille_id}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_family_page_links_to_the_audited_edits_and_records_the_read(client, dossier):
    parcours, coordinateur, _autre = dossier
    with freeze_time(D(2027, 3, 1)):
        login(client, coordinateur.user, coordinateur)
        response = client.get(f"/espace/donnees-personnelles/familles/{parcours.famille_id}/")
    page = text(response)
    assert f'href="/espace/parcours/{parcours.pk}/"' in page
    assert f'href="/espace/orientations/{parcours.orientation_id}/"' in page
    assert "Anonymisation prévue le 01/01/2033" in page.replace("<strong>", "").replace("</strong>", "")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(parcours.famille_id)).exists()


def test_the_list_is_scoped_paginated_and_costs_a_fixed_number_of_queries(
    client, dossier, django_assert_max_num_queries
):
    parcours, coordinateur, autre = dossier
    stranger = refused_referral(D(2026, 3, 10))  # another convention
    login(client, coordinateur.user, coordinateur)
    with django_assert_max_num_queries(15):
        response = client.get("/espace/donnees-personnelles/")
    page = text(response)
    assert f"Famille n° {parcours.famille_id}" in page and f"Famille n° {autre.famille_id}" in page
    assert f"Famille n° {stranger.famille_id}<" not in page
    response = client.get("/espace/donnees-personnelles/", {"numero": parcours.famille_id})
    assert "1 famille" in text(response)
    response = client.get("/espace/donnees-personnelles/", {"numero": "abc", "statut": "n'importe"})
    assert response.status_code == 200


def _erase(client, coordinateur, famille_pk, day="22/11/2026"):
    login(client, coordinateur.user, coordinateur)
    return client.post(
        f"/espace/donnees-personnelles/familles/{famille_pk}/effacement/", {"recue_le": day, "confirmation": "on"}
    )


@freeze_time("2026-11-22 10:00")
def test_erasure_of_a_cared_family_is_refused_until_the_end_of_retention(client, dossier):
    parcours, coordinateur, _autre = dossier
    response = _erase(client, coordinateur, parcours.famille_id)
    assert response.status_code == 302
    demande = DemandeEffacement.objects.get()
    assert demande.decision == DemandeEffacement.Decision.REFUSEE
    assert demande.motif_refus == DemandeEffacement.MotifRefus.CONSERVATION
    assert demande.possible_le == D(2033, 1, 1)
    assert Parent.objects.get(famille=parcours.famille, nom=FAMILY_NAME)
    page = text(client.get(f"/espace/donnees-personnelles/familles/{parcours.famille_id}/"))
    assert "Durée de conservation réglementaire" in page and "01/01/2033" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(demande.pk)).exists()


@freeze_time("2026-11-22 10:00")
def test_erasure_is_refused_while_a_referral_is_open(client, dossier):
    _parcours, coordinateur, autre = dossier
    _erase(client, coordinateur, autre.famille_id)
    demande = DemandeEffacement.objects.get()
    assert (demande.decision, demande.motif_refus, demande.possible_le) == ("refusee", "en_cours", None)


@freeze_time("2026-11-22 10:00")
def test_erasure_of_a_family_never_cared_for_is_granted_at_once(client, db):
    orientation = refused_referral(D(2026, 3, 10))
    coordinateur = coordinator_of(orientation.convention)
    response = _erase(client, coordinateur, orientation.famille_id)
    assert response.status_code == 302
    demande = DemandeEffacement.objects.get()
    assert demande.decision == DemandeEffacement.Decision.ACCORDEE
    assert Anonymisation.objects.get(famille=orientation.famille).cause == "effacement"
    assert Parent.objects.get(famille=orientation.famille).nom == "Anonyme"
    assert Orientation.objects.get(pk=orientation.pk).state == Orientation.State.REFUSEE
    assert FAMILY_NAME not in text(client.get(f"/espace/donnees-personnelles/familles/{orientation.famille_id}/"))
    # A second request finds nothing left to erase.
    _erase(client, coordinateur, orientation.famille_id)
    assert DemandeEffacement.objects.first().motif_refus == "deja_anonymisee"


@freeze_time("2026-11-22 10:00")
@pytest.mark.parametrize(("day", "message"), [
    ("", "Champ requis."), ("31/02/2026", "Saisissez une date valide."),
    ("23/11/2026", "La date de réception ne peut pas être dans le futur."),
])
def test_a_wrong_erasure_form_shows_its_errors_and_writes_nothing(client, dossier, day, message):
    parcours, coordinateur, _autre = dossier
    response = _erase(client, coordinateur, parcours.famille_id, day)
    assert response.status_code == 400
    page = text(response)
    assert "Le formulaire contient" in page, page[page.find("<main"):][:3000]
    assert message in page, page[page.find("erreurs"):][:1500]
    assert not DemandeEffacement.objects.exists()


def test_another_coordinator_gets_404_and_a_prescriber_403(client, dossier):
    parcours, _coordinateur, _autre = dossier
    other = coordinator_of(ConventionFactory())
    login(client, other.user, other)
    for path in ("", "export.json", "export.pdf", "effacement/"):
        url = f"/espace/donnees-personnelles/familles/{parcours.famille_id}/{path}"
        assert (client.get(url) if not path else client.post(url)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@freeze_time("2032-12-02 10:00")
def test_coordinators_are_warned_thirty_days_ahead(client, dossier):
    parcours, coordinateur, _autre = dossier
    login(client, coordinateur.user, coordinateur)
    page = text(client.get("/espace/"))
    assert f"Famille n° {parcours.famille_id}</a> le 01/01/2033" in page


@freeze_time("2032-12-01 10:00")
def test_no_warning_thirty_one_days_ahead(client, dossier):
    _parcours, coordinateur, _autre = dossier
    login(client, coordinateur.user, coordinateur)
    page = text(client.get("/espace/"))
    assert "Aucun dossier ne sera anonymisé dans les 30 prochains jours." in page


@freeze_time("2026-11-22 10:00")
def test_no_personal_data_reaches_the_logs_or_the_urls(client, dossier, caplog):
    parcours, coordinateur, _autre = dossier
    caplog.set_level("DEBUG")
    login(client, coordinateur.user, coordinateur)
    base = f"/espace/donnees-personnelles/familles/{parcours.famille_id}/"
    page = client.get(base).content.decode()
    client.post(base + "export.json")
    client.post(base + "effacement/", {"recue_le": "22/11/2026", "confirmation": "on"})
    with freeze_time("2033-01-01 10:00"):
        services.anonymise_expired()
    for secret in (FAMILY_NAME, PARENT_EMAIL, "Awa", "Lilas"):
        assert secret not in caplog.text
    hrefs = [part.split('"', 1)[0] for part in page.split('href="')[1:]]
    assert hrefs and not any(FAMILY_NAME in href or "Awa" in href for href in hrefs)
