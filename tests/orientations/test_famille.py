"""The coordination corrects a family file: same validation as the prescriber's form, audited, scoped."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from orientations.models import Enfant, Famille, Orientation, Parent
from portail.models import AuditEvent
from tests.utils import login

from .factories import OrientationFactory, ParentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with freeze_time("2026-11-22 10:00:00"):
        yield


@pytest.fixture
def envoyee(monde):
    orientation = OrientationFactory(
        envoyee=True, famille__created_by_partenaire=monde.pmi, famille__commune=monde.orleans,
        convention=monde.convention_pmi, enfant__prenom="Inès", enfant__nom="Diallo",
    )
    ParentFactory(famille=orientation.famille, prenom="Amina", nom="Diallo")
    return orientation


def correction(orientation, **overrides):
    """The edit page's form for ``orientation``'s family, corrected: a single mother, the child renamed."""
    enfant = orientation.enfant
    data = {
        "commune": orientation.famille.commune_id, "adresse": "3 rue Bannier", "monoparentale": "on",
        "enfants_a_charge": 2, "ressources_statut": "inconnues",
        "parent_prenom": "Amina", "parent_nom": "Diallo-Sow", "parent_situation": "insertion",
        "enfants-TOTAL_FORMS": 1, "enfants-INITIAL_FORMS": 1, "enfants-MIN_NUM_FORMS": 1,
        "enfants-MAX_NUM_FORMS": 1, "enfants-0-enfant_prenom": "Inès", "enfants-0-enfant_nom": "Diallo-Sow",
        "enfants-0-enfant_date_naissance": enfant.date_naissance.isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def url(orientation):
    return reverse("orientations:famille", kwargs={"pk": orientation.pk})


def test_the_coordinator_of_the_convention_corrects_the_household_the_parent_and_the_child(client, monde, envoyee):
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    page = client.get(url(envoyee))
    assert page.status_code == 200 and 'value="Diallo"' in page.text
    response = client.post(url(envoyee), correction(envoyee))
    assert response.status_code == 302 and response["Location"] == reverse(
        "orientations:detail", kwargs={"pk": envoyee.pk})
    famille = Famille.objects.get()
    assert famille.monoparentale and famille.adresse == "3 rue Bannier" and famille.enfants_a_charge == 2
    assert Parent.objects.get().nom == "Diallo-Sow"
    enfant = Enfant.objects.get()
    assert enfant.nom == "Diallo-Sow" and enfant.cle_doublon != "" and "sow" in enfant.cle_doublon
    envoyee.refresh_from_db()
    # Single parent (3) + parent in an insertion pathway (2): the queue follows the correction.
    assert envoyee.ponderation == 5
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(famille.pk))
    assert event.actor == monde.coord_orleans.user
    assert {"monoparentale", "adresse", "parent1.nom", f"enfant{enfant.pk}.nom"} <= set(event.changes["fields"])
    assert "Diallo" not in str(event.changes)


def test_the_prescribers_validation_applies(client, monde, envoyee):
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    response = client.post(url(envoyee), correction(
        envoyee, **{"enfants-0-enfant_date_naissance": "2027-01-01"}, second_prenom="Karim",
        ressources_statut="connues"))
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in response.text
    assert "Indiquez le prénom et le nom du second parent, ou aucun des deux." in response.text
    assert "Indiquez les ressources mensuelles, puisqu&#x27;elles sont connues." in response.text
    assert Parent.objects.get().nom == "Diallo" and Enfant.objects.get().nom == "Diallo"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_tampered_number_of_children_is_refused(client, monde, envoyee):
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    response = client.post(url(envoyee), correction(envoyee, **{
        "enfants-TOTAL_FORMS": 2, "enfants-1-enfant_prenom": "Intrus", "enfants-1-enfant_nom": "Intrus",
        "enfants-1-enfant_date_naissance": "2025-01-01"}))
    assert response.status_code == 200
    assert "Le nombre d&#x27;enfants du dossier ne se modifie pas ici." in response.text
    assert Enfant.objects.count() == 1 and Enfant.objects.get().nom == "Diallo"


def test_only_the_coordination_of_the_family_may_correct_it(client, monde, envoyee):
    login(client, monde.coord_lunel.user, monde.coord_lunel)
    assert client.get(url(envoyee)).status_code == 404
    assert client.post(url(envoyee), correction(envoyee)).status_code == 404
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    assert client.post(url(envoyee), correction(envoyee)).status_code == 403
    # A referral "à décider" is shown to the partner's coordinators, but its family is not theirs yet.
    undecided = OrientationFactory(envoyee=True, famille__created_by_partenaire=monde.pmi, convention=None)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    assert client.get(reverse("orientations:detail", kwargs={"pk": undecided.pk})).status_code == 200
    assert client.get(url(undecided)).status_code == 404
    assert Parent.objects.get().nom == "Diallo"


def test_the_detail_page_offers_the_correction_to_the_coordination_only(client, monde, envoyee):
    link = url(envoyee)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    assert link in client.get(reverse("orientations:detail", kwargs={"pk": envoyee.pk})).text
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    assert link not in client.get(reverse("orientations:detail", kwargs={"pk": envoyee.pk})).text


def test_an_anonymised_file_is_not_corrected(client, monde, envoyee):
    from rgpd.models import Anonymisation
    from rgpd.services import anonymise_family

    anonymise_family(envoyee.famille, Anonymisation.Cause.EFFACEMENT)
    login(client, monde.coord_orleans.user, monde.coord_orleans)
    response = client.post(url(envoyee), correction(envoyee), follow=True)
    assert "Ce dossier a été anonymisé : il ne se modifie plus." in response.text
    assert Parent.objects.get().nom == "Anonyme"
    assert Orientation.objects.get().state == Orientation.State.ENVOYEE
