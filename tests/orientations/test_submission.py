"""A prescriber fills in the family file and sends the referral: eligibility and bad input."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from orientations.models import Consentement, Enfant, Famille, Orientation, PieceJointe
from portail.models import AuditEvent
from tests.utils import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def frozen():
    with freeze_time("2026-11-22 10:00:00"):
        yield


def dossier(monde, **overrides):
    """A complete, eligible PMI referral of an Orléans family (the seed's first convention)."""
    data = {
        "commune": monde.orleans.pk, "adresse": "12 rue des Carmes", "monoparentale": "on",
        "enfants_a_charge": 2, "ressources_statut": "inconnues",
        "parent_prenom": "Amina", "parent_nom": "Diallo", "parent_situation": "insertion",
        "parent_parcours_debut": "2026-10-01", "parcours_duree_mois": 6,
        "enfant_prenom": "Inès", "enfant_nom": "Diallo", "enfant_date_naissance": "2025-06-01",
        "consentement": "on", "consentement_date": "2026-11-20",
        "consentement_finalites": ["orientation", "parcours"],
        "convention": monde.convention_pmi.pk, "motifs": ["prevention_pmi"],
        "date_souhaitee": "2027-01-04", "besoin": "Trois matinées par semaine", "jeton": str(uuid.uuid4()),
        "action": "envoyer",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, monde, membership=None, **overrides):
    membership = membership or monde.prescripteur_pmi
    login(client, membership.user, membership)
    return client.post(reverse("orientations:nouvelle"), dossier(monde, **overrides))


def test_a_complete_referral_is_sent_with_its_deadline_and_weighting(client, monde):
    response = post(client, monde)
    orientation = Orientation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orientations:detail", kwargs={"pk": orientation.pk})
    assert orientation.state == Orientation.State.ENVOYEE
    assert orientation.echeance == date(2026, 12, 2)  # 10 days, the convention's default
    # Single parent (3) + parent in an insertion pathway (2).
    assert orientation.ponderation == 5
    assert [line["critere"] for line in orientation.ponderation_detail] == ["monoparentale", "insertion"]
    assert Consentement.objects.get().recueilli_par == monde.prescripteur_pmi.user
    assert list(orientation.evenements.values_list("cible", flat=True)) == ["brouillon", "envoyee"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITION, object_id=str(orientation.pk)).exists()


def test_a_draft_can_be_saved_then_completed_and_sent(client, monde):
    post(client, monde, action="brouillon", convention=monde.petits_pas.pk)
    orientation = Orientation.objects.get()
    assert orientation.state == Orientation.State.BROUILLON
    url = reverse("orientations:modifier", kwargs={"pk": orientation.pk})
    assert client.get(url).status_code == 200
    client.post(url, dossier(monde, convention=monde.convention_pmi.pk, jeton=str(orientation.jeton)))
    orientation.refresh_from_db()
    assert orientation.state == Orientation.State.ENVOYEE
    assert orientation.convention == monde.convention_pmi
    assert Famille.objects.count() == 1 and Enfant.objects.count() == 1


def test_no_consent_no_referral(client, monde):
    response = post(client, monde, consentement=None)
    assert response.status_code == 200
    assert "Le consentement de la famille est obligatoire avant tout enregistrement." in response.text
    assert not Famille.objects.exists() and not Orientation.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("enfant_date_naissance", "2027-02-01", "La date de naissance ne peut pas être dans le futur."),
    ("enfant_date_naissance", "2025-02-30", "Saisissez une date valide."),
    ("date_souhaitee", "2026-11-01", "La date d&#x27;accueil souhaitée ne peut pas être passée."),
    ("enfant_date_naissance", "2021-12-01", "L&#x27;enfant aura atteint 5 ans le 04/01/2027"),
    ("parcours_duree_mois", "abc", "Saisissez un nombre entier."),
])
def test_bad_input_gives_a_french_message_and_writes_nothing(client, monde, field, value, message):
    response = post(client, monde, **{field: value})
    assert response.status_code == 200
    assert message in response.text
    assert 'class="alert alert-danger"' in response.text  # the error summary at the top
    assert not Famille.objects.exists() and not Orientation.objects.exists()


def test_petits_pas_checks_age_commune_partner_and_pathway_next_to_each_field(client, monde):
    response = post(client, monde, convention=monde.petits_pas.pk, enfant_date_naissance="2023-12-01",
                    parcours_duree_mois=1)
    form = response.context["form"]
    assert "atteint 3 ans" in form.errors["enfant_date_naissance"][0]
    assert form.errors["commune"] == ["La convention « Les Petits Pas » est réservée aux familles résidant à Lunel."]
    assert form.errors["convention"] == [
        "Votre structure n'est pas partenaire prescripteur de la convention « Les Petits Pas »."]
    assert form.errors["parcours_duree_mois"] == [
        "Le parcours d'insertion du parent doit durer au moins 2 mois pour cette convention."]
    assert not Orientation.objects.exists()


def test_a_plie_prescriber_refers_a_lunel_family_to_petits_pas(client, monde):
    post(client, monde, membership=monde.prescripteur_plie, convention=monde.petits_pas.pk,
         commune=monde.lunel.pk, enfant_date_naissance="2025-01-10")
    assert Orientation.objects.get().state == Orientation.State.ENVOYEE


def test_a_convention_that_ended_is_refused(client, monde):
    monde.convention_pmi.fin = date(2026, 6, 30)
    monde.convention_pmi.save()
    response = post(client, monde)
    assert response.context["form"].errors["convention"] == [
        "La convention « Convention PMI – crèches d'Orléans » prend fin le 30/06/2026 : choisissez-en une autre."]
    assert not Orientation.objects.exists()


def test_an_unauthorised_partner_cannot_send(client, monde):
    monde.pmi.habilite = False
    monde.pmi.save()
    response = post(client, monde)
    assert "n'est pas habilitée" in response.context["form"].errors["convention"][0]
    assert not Orientation.objects.exists()


def test_a_double_click_on_envoyer_gives_one_referral(client, monde):
    data = dossier(monde)
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    first = client.post(reverse("orientations:nouvelle"), data)
    second = client.post(reverse("orientations:nouvelle"), data)
    assert Orientation.objects.count() == 1 and Famille.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_sending_a_draft_twice_changes_nothing_the_second_time(client, monde):
    post(client, monde, action="brouillon")
    orientation = Orientation.objects.get()
    url = reverse("orientations:modifier", kwargs={"pk": orientation.pk})
    data = dossier(monde, jeton=str(orientation.jeton))
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert "ne se modifie plus" in response.text
    assert orientation.evenements.filter(cible="envoyee").count() == 1


def test_attachments_are_stored_privately_and_checked_by_content(client, monde, private_media):
    pdf = SimpleUploadedFile("bilan.pdf", PDF, content_type="application/pdf")
    post(client, monde, pieces_jointes=[pdf])
    piece = PieceJointe.objects.get()
    assert piece.type_mime == "application/pdf" and piece.nom == "bilan.pdf"
    assert (private_media / piece.fichier.name).read_bytes() == PDF
    assert "bilan" not in piece.fichier.name  # the stored name says nothing about the family


@pytest.mark.parametrize(("name", "content", "message"), [
    ("programme.pdf", b"MZ\x90\x00 an executable", "n&#x27;est ni un PDF"),
    ("photo.png", b"%PDF" + b"0" * 10, "n&#x27;est ni un PDF"),
    ("gros.pdf", PDF + b"0" * (5 * 1024 * 1024), "dépasse 5 Mo"),
])
def test_a_disguised_or_oversized_file_is_refused(client, monde, name, content, message):
    response = post(client, monde, pieces_jointes=[SimpleUploadedFile(name, content)])
    assert response.status_code == 200
    assert message in response.text
    assert not Orientation.objects.exists() and not PieceJointe.objects.exists()
