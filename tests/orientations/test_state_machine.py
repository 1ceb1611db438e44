"""The life of a referral: transitions through the services, the timeline, the e-mails."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_fsm import TransitionNotAllowed
from freezegun import freeze_time

from orientations import services
from orientations.models import Orientation
from parcours.models import Parcours
from portail.models import AuditEvent
from tests.utils import login

from .factories import OrientationFactory
from .test_submission import dossier

pytestmark = pytest.mark.django_db


def as_member(membership):
    return SimpleNamespace(user=membership.user, membership=membership)


@pytest.fixture
def envoyee(monde):
    return OrientationFactory(
        envoyee=True, famille__created_by_partenaire=monde.pmi, famille__commune=monde.orleans,
        prescripteur=monde.prescripteur_pmi.user, convention=monde.convention_pmi,
    )


def test_the_state_field_cannot_be_set_by_hand(envoyee):
    with pytest.raises(AttributeError):
        envoyee.state = Orientation.State.ACCEPTEE


def test_acceptance_opens_the_pathway_at_reperage_and_tells_the_prescriber(
        monde, envoyee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.accepter_orientation(envoyee, request=as_member(monde.coord_orleans),
                                      convention=monde.convention_pmi, structure=monde.creche)
    envoyee.refresh_from_db()
    assert envoyee.state == Orientation.State.ACCEPTEE and envoyee.structure == monde.creche
    parcours = Parcours.objects.get(orientation=envoyee)
    assert parcours.state == Parcours.State.REPERAGE and parcours.convention == monde.convention_pmi
    [message] = mail.outbox
    assert message.to == [monde.prescripteur_pmi.user.email]
    assert f"/espace/orientations/{envoyee.pk}/" in message.body
    for private in (envoyee.enfant.prenom, envoyee.enfant.nom, "Madeleine", "monoparentale"):
        assert private not in message.body and private not in message.subject


def test_a_failing_pathway_leaves_the_referral_unaccepted(monde, envoyee, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(Parcours.objects, "create", boom)
    with pytest.raises(RuntimeError):
        services.accepter_orientation(envoyee, request=as_member(monde.coord_orleans),
                                      convention=monde.convention_pmi, structure=monde.creche)
    envoyee.refresh_from_db()
    assert envoyee.state == Orientation.State.ENVOYEE
    assert not envoyee.evenements.exists()


def test_a_facility_without_a_place_of_the_convention_is_refused(monde, envoyee):
    with pytest.raises(services.OrientationError, match="n'a pas de place réservée"):
        services.accepter_orientation(envoyee, request=as_member(monde.coord_orleans),
                                      convention=monde.convention_pmi, structure=monde.halte)


def test_a_coordinator_of_another_convention_cannot_answer(monde, envoyee):
    with pytest.raises(PermissionDenied):
        services.refuser_orientation(envoyee, request=as_member(monde.coord_lunel), motif="complet", message="Non")


def test_refusal_keeps_the_reason_and_the_message_for_the_prescriber(
        monde, envoyee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.refuser_orientation(envoyee, request=as_member(monde.coord_orleans), motif="complet",
                                     message="Plus de place avant mars ; voyez le relais petite enfance.")
    envoyee.refresh_from_db()
    assert envoyee.state == Orientation.State.REFUSEE
    assert envoyee.get_motif_refus_display() == "Aucune place disponible sur la période demandée"
    [message] = mail.outbox
    assert "refusée" in message.body and "relais" not in message.body  # the message stays on the portal


def test_a_refusal_needs_a_message(monde, envoyee):
    with pytest.raises(services.OrientationError, match="Expliquez le refus"):
        services.refuser_orientation(envoyee, request=as_member(monde.coord_orleans), motif="complet", message=" ")


def test_the_prescriber_cancels_before_a_decision_but_not_after(monde, envoyee):
    services.etudier_orientation(envoyee, request=as_member(monde.coord_orleans))
    services.annuler_orientation(envoyee, request=as_member(monde.prescripteur_pmi), commentaire="Déménagement")
    envoyee.refresh_from_db()
    assert envoyee.state == Orientation.State.ANNULEE
    with pytest.raises(services.OrientationError, match="n'est plus possible"):
        services.accepter_orientation(envoyee, request=as_member(monde.coord_orleans),
                                      convention=monde.convention_pmi, structure=monde.creche)


def test_another_partner_cannot_cancel(monde, envoyee):
    with pytest.raises(PermissionDenied):
        services.annuler_orientation(envoyee, request=as_member(monde.prescripteur_plie))


def test_the_timeline_records_who_moved_it_from_where_to_where(monde, envoyee):
    services.etudier_orientation(envoyee, request=as_member(monde.coord_orleans))
    services.refuser_orientation(envoyee, request=as_member(monde.coord_orleans), motif="hors_criteres",
                                 message="Hors critères")
    steps = list(envoyee.evenements.values_list("source", "cible", "auteur"))
    user = monde.coord_orleans.user.pk
    assert steps == [("envoyee", "en_etude", user), ("en_etude", "refusee", user)]
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITION).values_list("changes", flat=True)
    assert {"state": ["envoyee", "en_etude"], "fields": []} in list(changes)


def test_a_draft_cannot_be_sent_without_consent(monde):
    draft = OrientationFactory(consent=False)
    with pytest.raises(TransitionNotAllowed):
        draft.envoyer()


@pytest.mark.parametrize("state", ["acceptee", "refusee", "annulee", "expiree", "brouillon"])
def test_only_an_awaiting_referral_can_be_studied(state):
    orientation = OrientationFactory.build(state=state)
    with pytest.raises(TransitionNotAllowed):
        orientation.etudier()


@freeze_time("2026-11-22 10:00")
def test_the_deadline_follows_the_conventions_delay(monde, client):
    monde.convention_pmi.delai_reponse_jours = 5
    monde.convention_pmi.save()
    login(client, monde.prescripteur_pmi.user, monde.prescripteur_pmi)
    client.post(reverse("orientations:nouvelle"), dossier(monde))
    assert Orientation.objects.get().echeance == date(2026, 11, 27)
