"""The five steps: each transition with its conditions, who may act, staleness and the log."""

import datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from parcours import services
from parcours.models import Parcours, TransitionLog
from portail.models import AuditEvent
from tests.factories import MembershipFactory
from tests.parcours import factories as f

State = Parcours.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    return f.ParcoursFactory()


@pytest.fixture
def coordinateur(parcours):
    return f.coordinator_of(parcours.convention)


def run(name, parcours, membership, **kwargs):
    return getattr(services, name)(
        parcours_pk=parcours.pk, expected_state=kwargs.pop("expected_state", parcours.state),
        request=f.request_for(membership), **kwargs,
    )


def test_contractualisation_requires_signed_engagement(parcours, coordinateur):
    with pytest.raises(services.ParcoursError) as refused:
        run("contractualiser", parcours, coordinateur)
    assert "La réunion conjointe n'est pas enregistrée ou l'engagement n'est pas signé." in refused.value.reasons
    f.reunion(parcours, engagement_signe_le=None)
    with pytest.raises(services.ParcoursError):
        run("contractualiser", parcours, coordinateur)
    parcours.refresh_from_db()
    assert parcours.state == State.REPERAGE
    assert not TransitionLog.objects.exists()


def test_parent_pathway_shorter_than_convention_minimum_is_refused(parcours, coordinateur):
    """Petits Pas: the parent's pathway lasts at least 2 months (seed 002)."""
    f.reunion(parcours, duree_parcours_parent_mois=1)
    with pytest.raises(services.ParcoursError) as refused:
        run("contractualiser", parcours, coordinateur)
    assert refused.value.reasons == [
        "Le parcours d'insertion du parent est plus court que la durée minimale de la convention."
    ]


def test_contractualisation_logs_actor_states_and_comment(parcours, coordinateur):
    f.reunion(parcours, duree_parcours_parent_mois=2)
    run("contractualiser", parcours, coordinateur, comment="Réunion au CCAS")
    parcours.refresh_from_db()
    assert parcours.state == State.CONTRACTUALISATION
    log = TransitionLog.objects.get()
    assert (log.source, log.target, log.actor, log.comment) == (
        State.REPERAGE, State.CONTRACTUALISATION, coordinateur.user, "Réunion au CCAS"
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITION, object_id=str(parcours.pk)).exists()


def test_prescriber_and_other_coordinator_may_not_contractualise(parcours):
    f.reunion(parcours)
    prescripteur = MembershipFactory(prescripteur=True, partenaire=parcours.orientation.partenaire)
    other = f.coordinator_of(f.ConventionFactory())
    with pytest.raises(services.ParcoursError, match="rôle ne permet pas"):
        run("contractualiser", parcours, prescripteur)
    with pytest.raises(services.ParcoursError, match="pas accessible"):
        run("contractualiser", parcours, other)
    parcours.refresh_from_db()
    assert parcours.state == State.REPERAGE


def test_stale_page_changes_nothing(parcours, coordinateur):
    f.reunion(parcours)
    run("contractualiser", parcours, coordinateur)
    with pytest.raises(services.StalePage) as stale:
        run("abandonner", parcours, coordinateur, expected_state=State.REPERAGE, motif="Déménagement")
    assert "modifié par une autre personne" in stale.value.message
    parcours.refresh_from_db()
    assert parcours.state == State.CONTRACTUALISATION
    assert TransitionLog.objects.count() == 1


def contractualised(parcours):
    Parcours.objects.filter(pk=parcours.pk).update(state=State.CONTRACTUALISATION)
    parcours.refresh_from_db()
    return parcours


def test_care_cannot_start_without_plan_place_and_adaptation(parcours, coordinateur):
    contractualised(parcours)
    with pytest.raises(services.ParcoursError) as refused:
        run("commencer_accueil", parcours, coordinateur)
    assert refused.value.reasons == [
        "Le projet d'accueil individualisé de l'enfant n'est pas établi.",
        "L'avis favorable du médecin est requis (enfant de moins de 4 mois ou besoin de santé).",
        "Aucune place réservée n'est attribuée à l'enfant.",
        "L'adaptation d'une demi-journée avec le parent n'a pas encore eu lieu.",
    ]
    f.projet(parcours)
    f.attribution(parcours)
    f.adaptation(parcours, held=False)
    with pytest.raises(services.ParcoursError) as refused:
        run("commencer_accueil", parcours, coordinateur)
    assert refused.value.reasons == ["L'adaptation d'une demi-journée avec le parent n'a pas encore eu lieu."]


def test_care_start_sets_review_and_free_period_on_pmi_convention(parcours, coordinateur):
    """Care starting 5 Jan 2026 on the PMI convention (6 free months): review due 5 Jul 2026."""
    contractualised(parcours)
    f.projet(parcours)
    f.attribution(parcours, debut=datetime.date(2026, 1, 5))
    f.adaptation(parcours)
    run("commencer_accueil", parcours, coordinateur)
    parcours.refresh_from_db()
    assert parcours.state == State.ACCUEIL
    assert parcours.premier_accueil_le == datetime.date(2026, 1, 5)
    assert parcours.bilan_prevu_le == datetime.date(2026, 7, 5)
    assert parcours.fin_gratuite_le == datetime.date(2026, 7, 4)


def test_petits_pas_is_free_for_the_whole_pathway():
    parcours = contractualised(f.ParcoursFactory(orientation__convention__petits_pas=True))
    coordinateur = f.coordinator_of(parcours.convention)
    f.projet(parcours)
    f.attribution(parcours, debut=datetime.date(2026, 3, 2))
    f.adaptation(parcours)
    run("commencer_accueil", parcours, coordinateur)
    parcours.refresh_from_db()
    assert parcours.fin_gratuite_le is None
    assert parcours.bilan_prevu_le == datetime.date(2026, 9, 2)


@pytest.mark.parametrize("health_need", [{"handicap": True}, {"maladie_chronique": True}])
def test_health_need_requires_doctor_favourable_opinion(health_need, coordinateur, parcours):
    for name, value in health_need.items():
        setattr(parcours.enfant, name, value)
    parcours.enfant.save()
    contractualised(parcours)
    request = f.request_for(coordinateur)
    services.enregistrer_projet_accueil(
        parcours_pk=parcours.pk, expected_state=State.CONTRACTUALISATION, request=request,
        data={"etabli_le": datetime.date(2025, 12, 1), "rythme": "Lundi matin", "besoins": "",
              "avis_medecin_requis": False, "avis_medecin": "attendu", "avis_medecin_le": None},
    )
    f.attribution(parcours)
    f.adaptation(parcours)
    with pytest.raises(services.ParcoursError) as refused:
        run("commencer_accueil", parcours, coordinateur)
    assert refused.value.reasons == [
        "L'avis favorable du médecin est requis (enfant de moins de 4 mois ou besoin de santé)."
    ]
    services.enregistrer_projet_accueil(
        parcours_pk=parcours.pk, expected_state=State.CONTRACTUALISATION, request=request,
        data={"etabli_le": datetime.date(2025, 12, 1), "rythme": "Lundi matin", "besoins": "",
              "avis_medecin_requis": True, "avis_medecin": "favorable",
              "avis_medecin_le": datetime.date(2025, 12, 10)},
    )
    run("commencer_accueil", parcours, coordinateur)
    parcours.refresh_from_db()
    assert parcours.state == State.ACCUEIL


def test_child_under_four_months_requires_doctor_opinion(coordinateur, parcours):
    """Born 1 Oct 2025, wanted on 5 Jan 2026: three months old (seed 003 §2.3)."""
    parcours.enfant.date_naissance = datetime.date(2025, 10, 1)
    parcours.enfant.save()
    assert services.doctor_opinion_required(parcours, datetime.date(2026, 1, 5))
    assert not services.doctor_opinion_required(parcours, datetime.date(2026, 2, 1))


def test_review_needs_family_cosignature(parcours, coordinateur):
    Parcours.objects.filter(pk=parcours.pk).update(state=State.ACCUEIL)
    parcours.refresh_from_db()
    f.bilan(parcours, signed=False)
    with pytest.raises(services.ParcoursError) as refused:
        run("tenir_bilan", parcours, coordinateur)
    assert refused.value.reasons == ["Le bilan éducatif et financier n'est pas co-signé avec la famille."]


def test_exit_releases_place_and_tells_prescriber_without_names(
    parcours, coordinateur, django_capture_on_commit_callbacks
):
    Parcours.objects.filter(pk=parcours.pk).update(state=State.BILAN)
    parcours.refresh_from_db()
    attribution = f.attribution(parcours)
    with pytest.raises(services.ParcoursError, match="ne peut pas encore"):
        run("sortir", parcours, coordinateur)
    f.sortie(parcours)
    with django_capture_on_commit_callbacks(execute=True):
        run("sortir", parcours, coordinateur)
    parcours.refresh_from_db()
    attribution.refresh_from_db()
    assert parcours.state == State.SORTIE
    assert attribution.fin == datetime.date(2026, 7, 31)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [parcours.orientation.prescripteur.email]
    assert f"/espace/parcours/{parcours.pk}/" in message.body
    for personal in (parcours.enfant.prenom, parcours.enfant.nom):
        assert personal not in message.body and personal not in message.subject


@pytest.mark.parametrize("state", [State.REPERAGE, State.CONTRACTUALISATION, State.ACCUEIL, State.BILAN])
def test_abandon_from_every_open_state_requires_reason(state, coordinateur, parcours):
    Parcours.objects.filter(pk=parcours.pk).update(state=state)
    parcours.refresh_from_db()
    with pytest.raises(services.ParcoursError, match="motif"):
        run("abandonner", parcours, coordinateur, motif="  ")
    with freeze_time("2026-03-10"):
        run("abandonner", parcours, coordinateur, motif="La famille a déménagé")
    parcours.refresh_from_db()
    assert parcours.state == State.ABANDON
    assert parcours.motif_abandon == "La famille a déménagé"
    assert TransitionLog.objects.get().comment == "La famille a déménagé"


def test_prescriber_of_the_referring_partner_may_declare_abandon(parcours):
    prescripteur = MembershipFactory(prescripteur=True, partenaire=parcours.orientation.partenaire)
    options = services.transition_options(parcours, prescripteur.user)
    assert [o.name for o in options] == ["abandonner"]
    run("abandonner", parcours, prescripteur, motif="Absence aux rendez-vous")
    parcours.refresh_from_db()
    assert parcours.state == State.ABANDON


@pytest.mark.parametrize("state", [State.SORTIE, State.ABANDON])
def test_closed_pathway_offers_no_transition(state, coordinateur, parcours):
    Parcours.objects.filter(pk=parcours.pk).update(state=state)
    parcours.refresh_from_db()
    assert services.transition_options(parcours, coordinateur.user) == []
    with pytest.raises(services.ParcoursError):
        run("abandonner", parcours, coordinateur, motif="Trop tard")


def test_options_show_why_a_transition_is_not_available(parcours, coordinateur):
    options = {o.name: o for o in services.transition_options(parcours, coordinateur.user)}
    assert set(options) == {"contractualiser", "abandonner"}
    assert not options["contractualiser"].allowed
    assert options["contractualiser"].reasons
    assert options["abandonner"].allowed
