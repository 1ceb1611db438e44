"""Every read of the referrals app: permission-scoped querysets with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page
from django.db.models import Prefetch, Q, QuerySet

from conventions.models import Convention, Signataire, Structure
from portail.models import Membership, Role
from portail.pagination import page_of
from portail.permissions import scope

from . import rules
from .models import AWAITING_STATES, OPEN_STATES, Enfant, Evenement, Famille, Orientation, Parent, Ponderation

# The pathway states in which a pathway is still open (the pathway app's values, read by name so
# this app does not import the app above it).
OPEN_PARCOURS_STATES = ("reperage", "contractualisation", "accueil", "bilan")


def orientations_visibles(user, membership: Membership | None, *,
                          coordinated_ids: list[int] | None = None) -> QuerySet[Orientation]:
    """The referrals ``user`` may see through ``membership``.

    For prescribers and everyone else, the shared policy (``portail.permissions.scope``). For
    coordinators, the same rule as ``Orientation.access.coordinateur`` (the coordinators of the
    referral's convention) written as ``convention_id IN (their conventions)``, which PostgreSQL
    answers from the queue index instead of a semi-join over every referral
    (``test_pages.test_coordinator_scope_matches_the_policy`` checks both agree), plus the
    referrals addressed to no convention ("to be decided"), visible to the coordinators of the
    conventions the prescribing partner signs as a prescriber: they will choose the convention.
    A page that has already read the coordinator's conventions passes their ids
    (``coordinated_ids``) to save reading them again.
    """
    if membership is None or not membership.is_active or membership.role != Role.COORDINATEUR \
            or user is None or user.is_superuser:
        return scope(Orientation.objects.all(), user, membership)
    # Two small queries (a coordinator has a handful of conventions and partners) let the database
    # use its indexes instead of scanning every referral.
    mine = coordinated_ids if coordinated_ids is not None else list(
        Convention.objects.filter(coordinateurs=membership).values_list("pk", flat=True))
    prescribers = list(Signataire.objects.filter(
        convention__in=mine, role=Signataire.RoleConvention.PRESCRIPTEUR
    ).values_list("partenaire_id", flat=True).distinct())
    return Orientation.objects.filter(
        Q(convention_id__in=mine)
        | Q(convention__isnull=True, state__in=AWAITING_STATES, partenaire_id__in=prescribers)
    )


MES_ORIENTATIONS_ORDER = ("-created_at", "-pk")
QUEUE_ORDER = ("-ponderation", "sent_at", "pk")


def list_page(queryset: QuerySet[Orientation], number, per_page: int) -> Page:
    """Page ``number`` of an ordered list of referrals, with the columns the lists show.

    The page's rows are chosen on the referrals table alone (``queryset``, whose order an index
    gives), and only those rows are then joined to the child, the convention and the
    anonymisation (:func:`portail.pagination.page_of`).
    """
    return page_of(queryset, number, per_page, Orientation.objects.select_related(
        "enfant", "convention", "famille__anonymisation",
    ).only(
        "pk", "state", "created_at", "sent_at", "echeance", "date_souhaitee", "ponderation", "urgence",
        "enfant__prenom", "enfant__nom", "enfant__date_naissance", "convention__titre", "partenaire_id",
        "convention_id", "famille_id", "famille__anonymisation__at",
    ))


def _search(queryset: QuerySet[Orientation], q: str) -> QuerySet[Orientation]:
    q = (q or "").strip()
    if not q:
        return queryset
    number = q.upper().removeprefix("OR-").lstrip("0")
    condition = Q(enfant__cle_doublon__contains=rules.normalise_name(q))
    if number.isdigit():
        condition |= Q(pk=int(number))
    return queryset.filter(condition)


def mes_orientations(user, membership, *, state: str = "", convention_id: int | None = None, q: str = ""):
    """"Mes orientations": the partner's referrals, newest first, filtered and searched."""
    queryset = scope(Orientation.objects.all(), user, membership)
    if state:
        queryset = queryset.filter(state=state)
    if convention_id:
        queryset = queryset.filter(convention_id=convention_id)
    return _search(queryset, q).order_by(*MES_ORIENTATIONS_ORDER)


def file_coordination(user, membership, *, state: str = "", convention_id: int | None = None, q: str = "",
                      late_on: date | None = None, coordinated_ids: list[int] | None = None):
    """The coordinators' queue: referrals awaiting an answer, highest weighting first, then oldest."""
    queryset = orientations_visibles(user, membership, coordinated_ids=coordinated_ids).filter(
        state__in=AWAITING_STATES)
    if state in AWAITING_STATES:
        queryset = queryset.filter(state=state)
    if convention_id:
        queryset = queryset.filter(convention_id=convention_id)
    if late_on is not None:
        queryset = queryset.filter(echeance__lt=late_on)
    return _search(queryset, q).order_by(*QUEUE_ORDER)


def orientation_detail(user, membership) -> QuerySet[Orientation]:
    """Everything the detail page shows, in a fixed number of queries."""
    return orientations_visibles(user, membership).select_related(
        "famille__commune", "famille__anonymisation", "enfant", "convention", "structure", "partenaire",
        "prescripteur",
    ).prefetch_related(
        Prefetch("famille__parents", queryset=Parent.objects.order_by("pk")),
        "famille__consentements__recueilli_par",
        Prefetch("evenements", queryset=Evenement.objects.select_related("auteur")),
        "pieces_jointes",
    )


def familles_visibles(user, membership) -> QuerySet[Famille]:
    """The family files ``user`` may open through ``membership`` (the shared policy)."""
    return scope(Famille.objects.select_related("anonymisation"), user, membership)


def conventions_filtre(user, membership) -> QuerySet[Convention]:
    """The conventions a list may be filtered on: those of the member's partner or coordination."""
    conventions = Convention.objects.order_by("titre").only("pk", "titre")
    if membership is None:
        return conventions
    if membership.role == Role.COORDINATEUR:
        return conventions.filter(coordinateurs=membership)
    return conventions.filter(
        signataires__partenaire=membership.partenaire_id, signataires__role=Signataire.RoleConvention.PRESCRIPTEUR
    ).distinct()


def conventions_coordonnees(membership) -> QuerySet[Convention]:
    if membership is None:
        return Convention.objects.all()
    return Convention.objects.filter(coordinateurs=membership).order_by("titre")


def structures_coordonnees(membership) -> QuerySet[Structure]:
    if membership is None:
        return Structure.objects.filter(is_active=True)
    return Structure.objects.filter(
        places_reservees__convention__coordinateurs=membership, is_active=True
    ).distinct().order_by("nom")


def convention_terms(convention: Convention) -> rules.ConventionTerms:
    communes = list(convention.communes.all())
    prescribers = Signataire.objects.filter(
        convention=convention, role=Signataire.RoleConvention.PRESCRIPTEUR
    ).values_list("partenaire_id", flat=True)
    return rules.ConventionTerms(
        title=convention.titre, start=convention.debut, end=convention.fin,
        age_min_weeks=convention.age_min_semaines, age_max_months=convention.age_max_mois,
        commune_ids=frozenset(c.pk for c in communes), commune_names=tuple(c.nom for c in communes),
        prescriber_ids=frozenset(prescribers), min_pathway_months=convention.duree_min_parcours_mois,
    )


def weights_for(convention_id: int | None) -> rules.Weights:
    if convention_id is None:
        return rules.DEFAULT_WEIGHTS
    row = Ponderation.objects.filter(convention_id=convention_id).first()
    return row.as_weights() if row else rules.DEFAULT_WEIGHTS


@dataclass(frozen=True)
class Doublon:
    """What a prescriber may see of a possible duplicate: never the other family's file."""

    reference: str
    state_label: str
    convention: str
    since: date | None
    own: bool                  # the prescriber's partner's own referral: they may open it
    orientation_id: int | None


def doublons(*, prenom: str, nom: str, date_naissance: date, partenaire_id: int | None,
             exclude_orientation_id: int | None = None) -> list[Doublon]:
    """Open referrals and open pathways of a child with the same normalised names and birth date."""
    key = rules.duplicate_key(prenom, nom)
    children = Enfant.objects.filter(cle_doublon=key, date_naissance=date_naissance)
    found = []
    referrals = (
        Orientation.objects.filter(enfant__in=children, state__in=OPEN_STATES)
        .exclude(pk=exclude_orientation_id)
        .select_related("convention")
        .order_by("created_at")
    )
    for orientation in referrals:
        found.append(Doublon(
            reference=orientation.reference, state_label=f"orientation {orientation.get_state_display().lower()}",
            convention=orientation.convention.titre if orientation.convention else "à décider",
            since=(orientation.sent_at or orientation.created_at).date(),
            own=orientation.partenaire_id == partenaire_id, orientation_id=orientation.pk,
        ))
    pathways = (
        Orientation.objects.filter(enfant__in=children, parcours__state__in=OPEN_PARCOURS_STATES)
        .exclude(pk=exclude_orientation_id)
        .select_related("convention")
    )
    for orientation in pathways:
        found.append(Doublon(
            reference=orientation.reference, state_label="parcours en cours",
            convention=orientation.convention.titre if orientation.convention else "",
            since=orientation.answered_at.date() if orientation.answered_at else None,
            own=orientation.partenaire_id == partenaire_id, orientation_id=orientation.pk,
        ))
    return found


def late_referrals(today: date) -> QuerySet[Orientation]:
    """Referrals awaiting an answer after their deadline, not yet reminded today."""
    return Orientation.objects.filter(state__in=AWAITING_STATES, echeance__lt=today).exclude(
        relances__jour=today
    )


def coordinators_of(orientation: Orientation) -> QuerySet[Membership]:
    """Who must answer: the convention's coordinators, or those of the partner's conventions."""
    memberships = Membership.objects.active().filter(role=Role.COORDINATEUR)
    if orientation.convention_id:
        return memberships.filter(conventions_coordonnees=orientation.convention_id).select_related("user")
    return memberships.filter(
        conventions_coordonnees__signataires__partenaire=orientation.partenaire_id,
        conventions_coordonnees__signataires__role=Signataire.RoleConvention.PRESCRIPTEUR,
    ).distinct().select_related("user")
