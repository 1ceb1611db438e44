"""Every write of the conventions app: one function per use case, atomic, checked, audited."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from portail import audit
from portail.models import AuditEvent, Role
from portail.permissions import scope

from . import rules
from .models import Attribution, Convention, DemandePlace, PlaceReservee, Structure

COMPLET = "Aucune place {kind} n'est libre dans cette convention pour toute la période demandée."


class AttributionRefusee(Exception):
    """An allocation the rules forbid; ``message`` is French and shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _actor(request):
    """``request`` is an HTTP request, or any object with ``user`` and ``membership`` (tasks, demo)."""
    return request.user, getattr(request, "membership", None)


def _check_coordinates(request, convention: Convention) -> None:
    user, membership = _actor(request)
    if user.is_superuser:
        return
    if membership is None or membership.role != Role.COORDINATEUR:
        raise PermissionDenied("Seule la coordination de la convention peut attribuer ou libérer une place.")
    if not scope(Convention.objects.filter(pk=convention.pk), user, membership).exists():
        raise PermissionDenied("Vous ne coordonnez pas cette convention.")


def _lock(queryset):
    """Row locks on PostgreSQL; SQLite serialises writers on its own."""
    return queryset.select_for_update() if connection.features.has_select_for_update else queryset


def _overlaps(debut: date, fin: date | None) -> Q:
    """Attributions sharing at least one day with [debut, fin] (``None``: open-ended)."""
    condition = Q(fin__isnull=True) | Q(fin__gte=debut)
    if fin is not None:
        condition &= Q(debut__lte=fin)
    return condition


def check_rules(*, parcours, convention: Convention, debut: date, kind: str) -> None:
    """The allocation rules that do not depend on free slots; raises :class:`AttributionRefusee`."""
    if parcours.convention_id != convention.pk:
        raise AttributionRefusee("Ce parcours ne relève pas de cette convention.")
    if not convention.debut <= debut <= convention.fin:
        raise AttributionRefusee(
            f"La date de début doit être comprise dans la convention, du {convention.debut:%d/%m/%Y} "
            f"au {convention.fin:%d/%m/%Y}."
        )
    enfant = parcours.enfant
    if not rules.age_within(
        enfant.date_naissance, debut, min_weeks=convention.age_min_semaines, max_months=convention.age_max_mois
    ):
        raise AttributionRefusee(
            f"L'enfant n'a pas l'âge requis par la convention à la date de début "
            f"({convention.age_min_semaines} semaines au moins, moins de {convention.age_max_mois} mois)."
        )
    if kind == PlaceReservee.Kind.REGULIERE:
        has_adaptation_places = convention.places_reservees.filter(
            kind=PlaceReservee.Kind.ADAPTATION_URGENCE
        ).exists()
        adapted = parcours.attributions.filter(
            place__kind=PlaceReservee.Kind.ADAPTATION_URGENCE, debut__lt=debut
        ).exists()
        if has_adaptation_places and not adapted:
            raise AttributionRefusee(
                "L'enfant doit d'abord être accueilli sur la place d'adaptation ou d'urgence "
                "avant une place d'accueil régulier."
            )


@transaction.atomic
def attribuer_place(*, parcours, debut: date, kind: str, request, structure: Structure | None = None) -> Attribution:
    """Give ``parcours`` a free slot of its convention (in ``structure`` if given) from ``debut``.

    The attribution is open-ended: it runs until :func:`liberer_place`. The convention's slots of
    that kind are locked (``SELECT … FOR UPDATE`` on PostgreSQL) before looking for one with no
    attribution on any day from ``debut``, so two coordinators can never take the same slot; on
    PostgreSQL an exclusion constraint backs this up. Ends the parcours' current attribution the
    day before (moving from the adaptation place to a regular one), and serves its waiting-list
    entry. Raises :class:`AttributionRefusee` with the French reason.
    """
    convention = _lock(Convention.objects.filter(pk=parcours.convention_id)).get()
    _check_coordinates(request, convention)
    if kind not in PlaceReservee.Kind.values:
        raise AttributionRefusee("Type de place inconnu.")
    check_rules(parcours=parcours, convention=convention, debut=debut, kind=kind)
    slots = PlaceReservee.objects.filter(convention=convention, kind=kind)
    if structure is not None:
        slots = slots.filter(structure=structure)
    slot_ids = list(_lock(slots.order_by("structure_id", "numero")).values_list("pk", flat=True))
    if not slot_ids:
        raise AttributionRefusee(f"Cette convention ne réserve aucune place {_kind_label(kind)} ici.")
    busy = set(
        Attribution.objects.filter(place_id__in=slot_ids).filter(_overlaps(debut, None))
        .exclude(parcours=parcours).values_list("place_id", flat=True)
    )
    free = [pk for pk in slot_ids if pk not in busy]
    if not free:
        raise AttributionRefusee(COMPLET.format(kind=_kind_label(kind)))
    current = (
        _lock(Attribution.objects.filter(parcours=parcours).filter(_overlaps(debut, None)))
        .order_by("debut").first()
    )
    if current is not None:
        if current.debut >= debut:
            raise AttributionRefusee("Ce parcours occupe déjà une place à cette date.")
        current.fin = debut - timedelta(days=1)
        current.save(update_fields=["fin"])
        audit.record(request, AuditEvent.Action.UPDATE, current, {"fields": ["fin"]})
    user, _membership = _actor(request)
    try:
        with transaction.atomic():
            attribution = Attribution.objects.create(place_id=free[0], parcours=parcours, debut=debut, created_by=user)
    except IntegrityError as error:  # the PostgreSQL exclusion constraint: taken meanwhile
        raise AttributionRefusee(COMPLET.format(kind=_kind_label(kind))) from error
    audit.record(request, AuditEvent.Action.CREATE, attribution, {"fields": ["place", "parcours", "debut"]})
    served = DemandePlace.objects.filter(
        convention=convention, parcours=parcours, state=DemandePlace.State.EN_ATTENTE
    )
    for demande in served:
        demande.state, demande.closed_at = DemandePlace.State.SERVIE, timezone.now()
        demande.save(update_fields=["state", "closed_at"])
        audit.record(request, AuditEvent.Action.UPDATE, demande, {"fields": ["state"]})
    return attribution


def _kind_label(kind: str) -> str:
    return {
        PlaceReservee.Kind.REGULIERE: "d'accueil régulier",
        PlaceReservee.Kind.ADAPTATION_URGENCE: "d'adaptation ou d'urgence",
    }.get(kind, "")


@transaction.atomic
def liberer_place(attribution: Attribution, *, fin: date, request) -> Attribution:
    """End ``attribution`` on ``fin`` (its last day, e.g. the exit): the slot is free on ``fin`` + 1."""
    attribution = _lock(Attribution.objects.select_related("place__convention").filter(pk=attribution.pk)).get()
    _check_coordinates(request, attribution.place.convention)
    if fin < attribution.debut:
        raise AttributionRefusee(
            f"Le dernier jour ne peut précéder le premier jour d'accueil ({attribution.debut:%d/%m/%Y})."
        )
    if attribution.fin is not None and attribution.fin <= fin:
        raise AttributionRefusee(f"Cette place est déjà libérée après le {attribution.fin:%d/%m/%Y}.")
    attribution.fin = fin
    attribution.save(update_fields=["fin"])
    audit.record(request, AuditEvent.Action.UPDATE, attribution, {"fields": ["fin"]})
    return attribution


@transaction.atomic
def inscrire_liste_attente(*, parcours, souhaitee_le: date, kind: str, request) -> DemandePlace:
    """Put ``parcours`` on its convention's waiting list (once)."""
    convention = _lock(Convention.objects.filter(pk=parcours.convention_id)).get()
    _check_coordinates(request, convention)
    check_rules(parcours=parcours, convention=convention, debut=souhaitee_le, kind=kind)
    if DemandePlace.objects.filter(
        convention=convention, parcours=parcours, state=DemandePlace.State.EN_ATTENTE
    ).exists():
        raise AttributionRefusee("Ce parcours est déjà sur la liste d'attente.")
    user, _membership = _actor(request)
    demande = DemandePlace.objects.create(
        convention=convention, parcours=parcours, kind=kind, souhaitee_le=souhaitee_le, created_by=user
    )
    audit.record(request, AuditEvent.Action.CREATE, demande, {"fields": ["parcours", "kind", "souhaitee_le"]})
    return demande


@transaction.atomic
def retirer_liste_attente(demande: DemandePlace, *, request) -> DemandePlace:
    demande = _lock(DemandePlace.objects.filter(pk=demande.pk)).get()
    _check_coordinates(request, demande.convention)
    if demande.state != DemandePlace.State.EN_ATTENTE:
        raise AttributionRefusee("Cette demande n'est plus sur la liste d'attente.")
    demande.state, demande.closed_at = DemandePlace.State.RETIREE, timezone.now()
    demande.save(update_fields=["state", "closed_at"])
    audit.record(request, AuditEvent.Action.UPDATE, demande, {"fields": ["state"]})
    return demande


def _save_form(form, request, *, formsets=()):
    """Save a model form (and its inline formsets), recording the changed field names."""
    instance = form.instance
    creating = instance.pk is None
    before = {} if creating else audit.snapshot(type(instance).objects.get(pk=instance.pk))
    obj = form.save()
    for formset in formsets:
        formset.instance = obj
        formset.save()
    after = audit.snapshot(obj)
    changes = {"fields": audit.changed_fields(before, after)}
    changes["fields"] += [formset.prefix for formset in formsets if formset.has_changed()]
    action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
    audit.record(request, action, obj, changes)
    return obj


def _check_can_edit(request, obj) -> None:
    user, membership = _actor(request)
    if user.is_superuser:
        return
    if membership is None or membership.role != Role.COORDINATEUR:
        raise PermissionDenied("Seuls la coordination et les administrateurs modifient l'offre d'accueil.")
    if obj.pk is not None and not scope(type(obj).objects.filter(pk=obj.pk), user, membership).exists():
        raise PermissionDenied("Vous ne coordonnez pas cet objet.")


@transaction.atomic
def enregistrer_structure(form, *, request, formsets=()) -> Structure:
    """Create or update a facility from a valid form; a coordinator who creates one coordinates it."""
    _check_can_edit(request, form.instance)
    creating = form.instance.pk is None
    structure = _save_form(form, request, formsets=formsets)
    _user, membership = _actor(request)
    if creating and membership is not None:
        structure.coordinateurs.add(membership)
    return structure


@transaction.atomic
def enregistrer_convention(form, *, request, formsets=()) -> Convention:
    """Create or update a convention from a valid form; a coordinator who creates one coordinates it."""
    _check_can_edit(request, form.instance)
    creating = form.instance.pk is None
    convention = _save_form(form, request, formsets=formsets)
    _user, membership = _actor(request)
    if creating and membership is not None:
        convention.coordinateurs.add(membership)
    return convention


@transaction.atomic
def reserver_places(convention: Convention, *, structure: Structure, kind: str, nombre: int, request) -> list:
    """Add ``nombre`` numbered slots of ``kind`` for ``convention`` in ``structure``."""
    convention = _lock(Convention.objects.filter(pk=convention.pk)).get()
    _check_can_edit(request, convention)
    if nombre < 1:
        raise AttributionRefusee("Indiquez au moins une place.")
    last = (
        PlaceReservee.objects.filter(convention=convention, structure=structure)
        .order_by("-numero").values_list("numero", flat=True).first() or 0
    )
    places = PlaceReservee.objects.bulk_create(
        PlaceReservee(convention=convention, structure=structure, kind=kind, numero=last + offset)
        for offset in range(1, nombre + 1)
    )
    audit.record(request, AuditEvent.Action.UPDATE, convention, {"fields": ["places_reservees"]})
    return places
