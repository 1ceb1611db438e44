"""The same child already referred: shown before sending, never a second file silently."""

from datetime import date

import pytest
from django.urls import reverse

from orientations import selectors
from orientations.models import Famille, Orientation
from parcours.models import Parcours
from tests.utils import login

from .factories import EnfantFactory, OrientationFactory
from .test_submission import dossier, frozen  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def existing(monde, partenaire, state="envoyee", motif_refus="", **child):
    enfant = EnfantFactory(prenom=child.get("prenom", "Inès"), nom=child.get("nom", "Diallo"),
                           date_naissance=date(2025, 6, 1), famille__created_by_partenaire=partenaire)
    return OrientationFactory(famille=enfant.famille, enfant=enfant, state=state, convention=monde.convention_pmi,
                              motif_refus=motif_refus)


def send(client, membership, monde, **overrides):
    login(client, membership.user, membership)
    return client.post(reverse("orientations:nouvelle"), dossier(monde, **overrides))


def test_another_partners_open_referral_is_shown_without_its_file(client, monde):
    other = existing(monde, monde.plie, prenom="INES", nom="diallo")
    response = send(client, monde.prescripteur_pmi, monde)
    assert response.status_code == 200
    assert "Une autre structure prescriptrice" in response.text
    assert "orientation envoyée" in response.text
    assert other.reference not in response.text  # nothing to open: it is not theirs
    assert Famille.objects.count() == 1 and Orientation.objects.count() == 1


def test_the_prescriber_may_confirm_it_is_another_request(client, monde):
    existing(monde, monde.plie)
    send(client, monde.prescripteur_pmi, monde, confirmer_doublon="on")
    created = Orientation.objects.exclude(partenaire=monde.plie).get()
    assert created.doublon_confirme and created.state == Orientation.State.ENVOYEE


def test_an_open_referral_of_the_same_partner_blocks_a_second_one(client, monde):
    mine = existing(monde, monde.pmi, state="brouillon")
    response = send(client, monde.prescripteur_pmi, monde, confirmer_doublon="on")
    assert "Votre structure a déjà une orientation en cours pour cet enfant" in response.text
    assert reverse("orientations:detail", kwargs={"pk": mine.pk}) in response.text
    assert Orientation.objects.count() == 1


def test_closed_referrals_are_not_duplicates(monde):
    existing(monde, monde.plie, state="refusee", motif_refus="complet")
    assert selectors.doublons(prenom="Inès", nom="Diallo", date_naissance=date(2025, 6, 1),
                              partenaire_id=monde.pmi.pk) == []


def test_an_open_pathway_is_a_duplicate(monde):
    accepted = existing(monde, monde.plie, state="acceptee")
    Parcours.objects.create(orientation=accepted, famille=accepted.famille, enfant=accepted.enfant,
                            convention=monde.convention_pmi)
    [found] = selectors.doublons(prenom="Ines", nom="DIALLO", date_naissance=date(2025, 6, 1),
                                 partenaire_id=monde.pmi.pk)
    assert found.state_label == "parcours en cours" and not found.own


def test_a_different_birth_date_is_another_child(monde):
    existing(monde, monde.plie)
    assert selectors.doublons(prenom="Inès", nom="Diallo", date_naissance=date(2025, 6, 2),
                              partenaire_id=monde.pmi.pk) == []
