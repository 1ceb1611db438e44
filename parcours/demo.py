"""Demo pathways in every state, on the seeds' conventions, built through the services.

Runs after ``conventions.demo`` and ``orientations.demo``: on each convention that reserves
places and has a coordinator, it opens eight pathways (fictitious families) and takes each, through
``parcours.services``, to one state: repérage, contractualisation, three in accueil (one on track,
one whose review is overdue and whose attendance fell under the minimum last month, one whose
free period ends this month), bilan, sortie, abandon. Dates are relative to today. A pathway
already there (found by its demo marker) is left as it is, so running twice changes nothing.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from conventions import rules
from conventions.models import Convention, PlaceReservee, Signataire
from orientations.models import Enfant, Famille, Orientation
from portail.models import Membership, Role

from . import services
from .models import Parcours
from .receivers import open_parcours

MARKER = "Démonstration parcours"
State = Parcours.State


@dataclass(frozen=True)
class Scenario:
    key: str
    prenom: str
    target: str
    first_day: Callable[[datetime.date], datetime.date | None]  # today -> first day of regular care
    presences_last_month: int = 3


def _months_ago(months: int, days: int = 0):
    return lambda today: rules.add_months(today, -months) - datetime.timedelta(days=days)


def _free_period_ends_this_month(months: int):
    """First day such that the last free day is the last day of the current month."""

    def first_day(today):
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return rules.add_months(last + datetime.timedelta(days=1), -months)

    return first_day


def scenarios(convention: Convention) -> list[Scenario]:
    """In the order of their first day: a place is looked for from that day on, so an earlier
    pathway created later would find the slots of the later ones taken."""
    free = convention.gratuite_mois or 6
    return [
        Scenario("sortie", "Maëlys", State.SORTIE, _months_ago(8, 20)),
        Scenario("retard", "Yanis", State.ACCUEIL, _months_ago(7, 10), presences_last_month=1),
        Scenario("bilan", "Adam", State.BILAN, _months_ago(6, 25)),
        Scenario("gratuite", "Lina", State.ACCUEIL, _free_period_ends_this_month(free)),
        Scenario("accueil", "Nour", State.ACCUEIL, _months_ago(2)),
        Scenario("contractualisation", "Sacha", State.CONTRACTUALISATION, lambda today: None),
        Scenario("abandon", "Timéo", State.ABANDON, lambda today: None),
        Scenario("reperage", "Jade", State.REPERAGE, lambda today: None),
    ]


def _actor(membership):
    return SimpleNamespace(user=membership.user, membership=membership)


def _prescriber(convention: Convention) -> Membership | None:
    partners = Signataire.objects.filter(
        convention=convention, role=Signataire.RoleConvention.PRESCRIPTEUR
    ).values("partenaire_id")
    memberships = Membership.objects.active().filter(role=Role.PRESCRIPTEUR).order_by("pk")
    return memberships.filter(partenaire_id__in=partners).first() or memberships.first()


def _open(convention, scenario, prescriber, today) -> Parcours:
    first = scenario.first_day(today) or today + datetime.timedelta(days=30)
    famille = Famille.objects.create(
        commune=convention.communes.first() or _any_commune(), monoparentale=True, enfants_a_charge=1,
        ressources_statut="connues", ressources_mensuelles=Decimal("1200.00"),
        created_by_partenaire=prescriber.partenaire,
    )
    enfant = Enfant.objects.create(
        famille=famille, prenom=scenario.prenom, nom="Démo", date_naissance=rules.add_months(first, -14),
    )
    orientation = Orientation.objects.create(
        famille=famille, enfant=enfant, partenaire=prescriber.partenaire, prescripteur=prescriber.user,
        convention=convention, date_souhaitee=first, besoin=f"{MARKER} : {scenario.key}",
        state=Orientation.State.ACCEPTEE,
    )
    return open_parcours(sender=Orientation, orientation=orientation)


def _any_commune():
    from portail.models import Commune

    return Commune.objects.order_by("pk").first()


def _advance(parcours: Parcours, scenario: Scenario, actor, today, stdout):
    """Takes the pathway to the scenario's state through the services; stops at a refusal."""
    first = scenario.first_day(today)
    meeting = (first or today) - datetime.timedelta(days=21)
    pk = parcours.pk

    def state():
        return Parcours.objects.values_list("state", flat=True).get(pk=pk)

    try:
        if scenario.target == State.ABANDON:
            services.abandonner(parcours_pk=pk, expected_state=state(), request=actor,
                                motif="La famille a déménagé hors de la commune.")
            return
        if scenario.target == State.REPERAGE:
            return
        services.enregistrer_reunion(parcours_pk=pk, expected_state=state(), request=actor, data={
            "date": meeting, "presence_famille": True, "presence_prescripteur": True, "presence_mediation": True,
            "objectif_emploi": True, "objectif_formation": scenario.key in ("bilan", "sortie"),
            "objectifs_detail": "Recherche d'un emploi à temps partiel.", "duree_parcours_parent_mois": 6,
            "engagement_signe_le": meeting,
        })
        services.contractualiser(parcours_pk=pk, expected_state=state(), request=actor,
                                 comment="Réunion conjointe avec la médiation sociale.")
        services.enregistrer_projet_accueil(parcours_pk=pk, expected_state=state(), request=actor, data={
            "etabli_le": meeting, "rythme": "Deux matinées par semaine", "besoins": "",
            "avis_medecin_requis": False, "avis_medecin": "attendu", "avis_medecin_le": None,
        })
        if scenario.target == State.CONTRACTUALISATION:
            return
        _place_and_adaptation(parcours, first, actor)
        services.commencer_accueil(parcours_pk=pk, expected_state=state(), request=actor)
        _attendance(parcours, scenario, actor, today)
        if scenario.target == State.ACCUEIL:
            return
        review_day = min(rules.review_due(first), today) - datetime.timedelta(days=3)
        services.enregistrer_bilan(parcours_pk=pk, expected_state=state(), request=actor, data={
            "date": review_day, "developpement_enfant": "L'enfant s'est bien adapté au collectif.",
            "progres_parent": "Emploi : entretiens obtenus. Formation : inscrite.", "cout_horaire": Decimal("11.50"),
            "signe_famille_le": review_day,
        })
        services.tenir_bilan(parcours_pk=pk, expected_state=state(), request=actor)
        if scenario.target == State.BILAN:
            return
        services.enregistrer_sortie(parcours_pk=pk, expected_state=state(), request=actor, data={
            "date": review_day + datetime.timedelta(days=1), "issue_enfant": "creche", "situation_parent": "emploi",
            "contrat": "cdd", "commentaire": "Contrat d'accueil régulier signé.",
        })
        services.sortir(parcours_pk=pk, expected_state=state(), request=actor, comment="Sortie vers le droit commun.")
    except services.ParcoursError as error:
        stdout.write(f"  parcours n° {pk} ({scenario.key}) arrêté : {error.message}")


def _place_and_adaptation(parcours, first, actor):
    pk = parcours.pk
    state = Parcours.State.CONTRACTUALISATION
    has_adaptation_place = PlaceReservee.objects.filter(
        convention_id=parcours.convention_id, kind=PlaceReservee.Kind.ADAPTATION_URGENCE
    ).exists()
    adaptation_day = first - datetime.timedelta(days=1) if has_adaptation_place else first
    if has_adaptation_place:
        services.attribuer(parcours_pk=pk, expected_state=state, request=actor, debut=adaptation_day,
                           kind=PlaceReservee.Kind.ADAPTATION_URGENCE)
    else:
        services.attribuer(parcours_pk=pk, expected_state=state, request=actor, debut=first,
                           kind=PlaceReservee.Kind.REGULIERE)
    services.planifier_adaptation(parcours_pk=pk, expected_state=state, request=actor, data={
        "prevue_le": adaptation_day, "demi_journee": "matin", "tenue_le": adaptation_day,
        "observations": "Adaptation avec le parent, sans difficulté.",
    })
    if has_adaptation_place:
        services.attribuer(parcours_pk=pk, expected_state=state, request=actor, debut=first,
                           kind=PlaceReservee.Kind.REGULIERE)


def _attendance(parcours, scenario, actor, today):
    """Two mornings a week from the first day to yesterday (at most 3 h); the "retard" scenario
    came only once last month, under the minimum."""
    month_start = today.replace(day=1)
    last_month_start = rules.add_months(month_start, -1)
    first = Parcours.objects.values_list("premier_accueil_le", flat=True).get(pk=parcours.pk)
    day, last_month_count = first, 0
    while day < today:
        in_last_month = last_month_start <= day < month_start
        if day.weekday() in (1, 3) and (not in_last_month or last_month_count < scenario.presences_last_month):
            services.enregistrer_presence(parcours_pk=parcours.pk, request=actor, date=day,
                                          arrivee=datetime.time(9, 0), depart=datetime.time(12, 0))
            last_month_count += in_last_month
        day += datetime.timedelta(days=1)


def seed(stdout) -> None:
    today = timezone.localdate()
    conventions = (
        Convention.objects.filter(coordinateurs__isnull=False, places_reservees__isnull=False)
        .distinct().order_by("debut", "pk")
    )
    created = 0
    for convention in conventions:
        coordinator = convention.coordinateurs.filter(role=Role.COORDINATEUR, is_active=True).order_by("pk").first()
        prescriber = _prescriber(convention)
        if coordinator is None or prescriber is None:
            continue
        actor = _actor(coordinator)
        for scenario in scenarios(convention):
            marker = f"{MARKER} : {scenario.key}"
            if Parcours.objects.filter(convention=convention, orientation__besoin=marker).exists():
                continue
            with transaction.atomic():
                parcours = _open(convention, scenario, prescriber, today)
                _advance(parcours, scenario, actor, today, stdout)
            created += 1
    stdout.write(f"  parcours : {created} parcours de démonstration créés")
