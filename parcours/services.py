"""Every write of the pathway: one function per use case, atomic, permission-checked, audited.

Views and tasks call these functions, never ``save()`` on the models. Each function takes the
``request`` (its user and membership act and are recorded), locks the pathway row, checks that
the user may act on it and that the pathway is at the expected step, writes, and records an
audit entry in the same transaction. A refusal raises :class:`ParcoursError` (or a subclass)
whose ``message`` is French and shown as is; nothing is written then.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition

from conventions import rules
from conventions.models import Structure
from portail import audit
from portail.models import AuditEvent, Role
from portail.permissions import scope

from .models import (
    Adaptation,
    Bilan,
    NoteSuivi,
    Parcours,
    Presence,
    ProjetAccueil,
    ReunionConjointe,
    Sortie,
    TransitionLog,
    is_coordinator_of,
    minutes_between,
)

logger = logging.getLogger(__name__)

State = Parcours.State
STALE_MESSAGE = (
    "Ce parcours a été modifié par une autre personne depuis l'affichage de la page. "
    "Rien n'a été enregistré : vérifiez son étape actuelle puis recommencez."
)
DOCTOR_AGE_MONTHS = 4  # seed 003 §2.3: under four months, the facility's doctor sees the child first


class ParcoursError(Exception):
    """A refused action; ``message`` is French and shown to the user as is."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


class StalePage(ParcoursError):
    """The pathway moved since the page was shown."""

    def __init__(self):
        super().__init__(STALE_MESSAGE)


# --- Transitions: what a user may do, and why not ----------------------------------------------


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    target: str
    allowed: bool
    reasons: tuple[str, ...]


TRANSITION_NAMES = ("contractualiser", "commencer_accueil", "tenir_bilan", "sortir", "abandonner")


def _transition(parcours: Parcours, name: str):
    """The django-fsm transition ``name`` from the pathway's current state, or ``None``."""
    for candidate in parcours.get_all_state_transitions():
        if candidate.name == name and candidate.source in (parcours.state, "*"):
            return candidate
    return None


def transition_options(parcours: Parcours, user) -> list[TransitionOption]:
    """The transitions leaving the current state that ``user`` may perform, with the failed
    conditions of each (an option with reasons is shown disabled, with its reasons)."""
    options = []
    for name in TRANSITION_NAMES:
        candidate = _transition(parcours, name)
        if candidate is None or not candidate.has_perm(parcours, user):
            continue
        reasons = tuple(getattr(c, "message", c.__name__) for c in candidate.conditions if not c(parcours))
        options.append(TransitionOption(name, candidate.custom["label"], candidate.target, not reasons, reasons))
    return options


def _lock(request, parcours_pk: int) -> Parcours:
    """The pathway row, locked until the end of the transaction, if the user may see it."""
    visible = scope(Parcours.objects.all(), request.user, getattr(request, "membership", None))
    try:
        return visible.select_for_update().get(pk=parcours_pk)
    except Parcours.DoesNotExist:
        raise ParcoursError("Ce parcours n'existe pas ou ne vous est pas accessible.") from None


def _check_stale(parcours: Parcours, expected_state: str | None):
    if expected_state is not None and parcours.state != expected_state:
        raise StalePage()


def _require_coordinator(request, parcours: Parcours):
    if not is_coordinator_of(parcours, request.user):
        raise ParcoursError("Seule la coordination du dispositif peut faire cela.")


def _require_state(parcours: Parcours, *states: str, action: str):
    if parcours.state not in states:
        labels = ", ".join(str(State(s).label).lower() for s in states)
        raise ParcoursError(f"On ne peut {action} qu'à l'étape : {labels}.")


def _run(request, parcours_pk: int, name: str, expected_state: str, comment: str = "", **kwargs) -> Parcours:
    """Locks, checks staleness, permission and conditions, applies ``name``, logs it."""
    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    candidate = _transition(parcours, name)
    if candidate is None:
        raise ParcoursError("Cette action n'est pas possible à l'étape actuelle du parcours.")
    if not candidate.has_perm(parcours, request.user):
        raise ParcoursError("Votre rôle ne permet pas cette action sur ce parcours.")
    reasons = [getattr(c, "message", c.__name__) for c in candidate.conditions if not c(parcours)]
    if reasons:
        raise ParcoursError("Cette étape ne peut pas encore être franchie.", reasons)
    source = parcours.state
    try:
        getattr(parcours, name)(**kwargs)
    except ValueError as error:
        raise ParcoursError(str(error)) from None
    try:
        parcours.save()
    except ConcurrentTransition:
        raise StalePage() from None
    TransitionLog.objects.create(
        parcours=parcours, transition=name, source=source, target=parcours.state, actor=request.user,
        membership=getattr(request, "membership", None), comment=comment.strip(),
    )
    audit.record(request, AuditEvent.Action.TRANSITION, parcours, {"state": [source, parcours.state]})
    logger.info("parcours %s: %s -> %s", parcours.pk, source, parcours.state)
    return parcours


@transaction.atomic
def contractualiser(*, parcours_pk: int, expected_state: str, request, comment: str = "") -> Parcours:
    """repérage → contractualisation, once the joint meeting is recorded and the engagement signed."""
    return _run(request, parcours_pk, "contractualiser", expected_state, comment)


@transaction.atomic
def commencer_accueil(*, parcours_pk: int, expected_state: str, request, comment: str = "") -> Parcours:
    """contractualisation → accueil: the first day is the attribution's; the free period and the
    review date follow from it (5 Jan 2026 on the PMI convention → review due 5 Jul 2026)."""
    parcours = _lock(request, parcours_pk)
    attribution = parcours.attributions.filter(fin__isnull=True).order_by("debut").first()
    premier_jour = attribution.debut if attribution else timezone.localdate()
    return _run(
        request, parcours_pk, "commencer_accueil", expected_state, comment,
        premier_jour=premier_jour,
        fin_gratuite=rules.free_period_end(premier_jour, parcours.convention.gratuite_mois),
        bilan_prevu=rules.review_due(premier_jour),
    )


@transaction.atomic
def tenir_bilan(*, parcours_pk: int, expected_state: str, request, comment: str = "") -> Parcours:
    """accueil → bilan, once the review is co-signed with the family (it may be early)."""
    return _run(request, parcours_pk, "tenir_bilan", expected_state, comment)


@transaction.atomic
def sortir(*, parcours_pk: int, expected_state: str, request, comment: str = "") -> Parcours:
    """bilan → sortie: the place is released the day of the exit and the prescriber is told."""
    parcours = _run(request, parcours_pk, "sortir", expected_state, comment)
    _release_places(parcours, parcours.sortie.date, request)
    _tell_prescriber(parcours, "est arrivé à son terme : sortie vers le droit commun")
    return parcours


@transaction.atomic
def abandonner(*, parcours_pk: int, expected_state: str, request, motif: str) -> Parcours:
    """Any open step → abandon, with its required reason; a place held is released today."""
    if not (motif or "").strip():
        raise ParcoursError("Le motif de l'abandon est obligatoire.")
    parcours = _run(request, parcours_pk, "abandonner", expected_state, motif, motif=motif)
    _release_places(parcours, timezone.localdate(), request)
    _tell_prescriber(parcours, "a été interrompu (abandon)")
    return parcours


def _release_places(parcours: Parcours, fin: datetime.date, request):
    from conventions.services import AttributionRefusee, liberer_place

    for attribution in parcours.attributions.filter(fin__isnull=True):
        try:
            liberer_place(attribution, fin=max(fin, attribution.debut), request=request)
        except (AttributionRefusee, PermissionDenied) as refusal:
            raise ParcoursError(getattr(refusal, "message", str(refusal))) from None


def _tell_prescriber(parcours: Parcours, what: str):
    """An e-mail to the prescriber naming only file numbers, never the family."""
    recipient = parcours.orientation.prescripteur.email
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("parcours:detail", args=[parcours.pk])
    body = (
        f"Bonjour,\n\nLe parcours n° {parcours.pk}, issu de votre orientation n° {parcours.orientation_id}, {what}.\n"
        f"Vous pouvez en consulter l'issue dans votre espace : {url}\n\nParcours Petite Enfance"
    )
    transaction.on_commit(
        lambda: send_mail(f"Parcours n° {parcours.pk} : fin de parcours", body, None, [recipient])
    )


# --- Step records ---------------------------------------------------------------------------


def _save(request, obj, created: bool, before: dict | None = None):
    try:
        obj.full_clean(exclude=["parcours"])
        obj.save()
    except ValidationError as error:
        raise ParcoursError(" ".join(error.messages)) from None
    except IntegrityError:
        raise ParcoursError("Ces informations sont incohérentes ou déjà enregistrées.") from None
    action = AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE
    changes = {"fields": audit.changed_fields(before or {}, audit.snapshot(obj))}
    audit.record(request, action, obj, changes)
    return obj


def _fill(obj, data: dict):
    for name, value in data.items():
        setattr(obj, name, value)


@transaction.atomic
def enregistrer_reunion(*, parcours_pk: int, expected_state: str, request, data: dict) -> ReunionConjointe:
    """Records (or corrects) the joint meeting, before regular care starts."""
    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.REPERAGE, State.CONTRACTUALISATION, action="enregistrer la réunion conjointe")
    reunion = ReunionConjointe.objects.filter(parcours=parcours).first()
    created = reunion is None
    before = {} if created else audit.snapshot(reunion)
    reunion = reunion or ReunionConjointe(parcours=parcours, recorded_by=request.user)
    _fill(reunion, data)
    objectives = ("objectif_emploi", "objectif_formation", "objectif_langue", "objectif_droits")
    if not any(getattr(reunion, name) for name in objectives):
        raise ParcoursError("Indiquez au moins un objectif du parent.")
    return _save(request, reunion, created, before)


def doctor_opinion_required(parcours: Parcours, on_day: datetime.date) -> bool:
    """Under four months on the day care is wanted, or a disability or health need."""
    enfant = parcours.enfant
    young = rules.age_in_months(enfant.date_naissance, on_day) < DOCTOR_AGE_MONTHS
    return young or enfant.handicap or enfant.maladie_chronique


@transaction.atomic
def enregistrer_projet_accueil(*, parcours_pk: int, expected_state: str, request, data: dict) -> ProjetAccueil:
    """Records the child's individual care plan; the doctor's opinion becomes required by itself
    for a child under four months or with a health need."""
    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.REPERAGE, State.CONTRACTUALISATION, State.ACCUEIL,
                   action="modifier le projet d'accueil")
    projet = ProjetAccueil.objects.filter(parcours=parcours).first()
    created = projet is None
    before = {} if created else audit.snapshot(projet)
    projet = projet or ProjetAccueil(parcours=parcours)
    _fill(projet, data)
    required = doctor_opinion_required(parcours, parcours.orientation.date_souhaitee)
    projet.avis_medecin_requis = projet.avis_medecin_requis or required
    if projet.avis_medecin != ProjetAccueil.AvisMedecin.ATTENDU and not projet.avis_medecin_le:
        raise ParcoursError("Indiquez la date de l'avis du médecin.")
    return _save(request, projet, created, before)


@transaction.atomic
def attribuer(*, parcours_pk: int, expected_state: str, request, debut: datetime.date, kind: str,
              structure: Structure | None = None):
    """Attributes a reserved place of the pathway's convention (conventions' own service), e.g.
    the adaptation place, then a regular place, which ends the first the day before."""
    from conventions.services import AttributionRefusee, attribuer_place

    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.CONTRACTUALISATION, State.ACCUEIL, action="attribuer une place")
    try:
        return attribuer_place(parcours=parcours, debut=debut, kind=kind, request=request, structure=structure)
    except AttributionRefusee as refusal:
        raise ParcoursError(refusal.message) from None
    except PermissionDenied as refusal:
        raise ParcoursError(str(refusal)) from None


@transaction.atomic
def planifier_adaptation(*, parcours_pk: int, expected_state: str, request, data: dict) -> Adaptation:
    """Schedules (or records as held) the half-day adaptation with the parent."""
    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.CONTRACTUALISATION, action="organiser l'adaptation")
    adaptation = Adaptation.objects.filter(parcours=parcours).first()
    created = adaptation is None
    before = {} if created else audit.snapshot(adaptation)
    adaptation = adaptation or Adaptation(parcours=parcours)
    _fill(adaptation, data)
    if adaptation.tenue_le:
        if not parcours.attributions.filter(fin__isnull=True).exists():
            raise ParcoursError("Attribuez d'abord une place : l'adaptation a lieu sur la place de l'enfant.")
        if adaptation.tenue_le > timezone.localdate():
            raise ParcoursError("Une adaptation ne peut pas être tenue à une date future.")
    return _save(request, adaptation, created, before)


@transaction.atomic
def enregistrer_presence(*, parcours_pk: int, request, date: datetime.date, arrivee: datetime.time,
                         depart: datetime.time) -> Presence:
    """One attendance; a slot longer than the convention's maximum (3 h 30 at Petits Pas) is refused."""
    parcours = _lock(request, parcours_pk)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.ACCUEIL, State.BILAN, action="saisir une présence")
    if depart <= arrivee:
        raise ParcoursError("L'heure de départ doit suivre l'heure d'arrivée.")
    limit = parcours.convention.creneau_max_minutes
    if limit is not None and minutes_between(arrivee, depart) > limit:
        raise ParcoursError(
            f"Un créneau ne peut pas dépasser {limit // 60} h {limit % 60:02d} dans cette convention."
        )
    if date > timezone.localdate():
        raise ParcoursError("On ne saisit pas une présence à une date future.")
    if parcours.premier_accueil_le and date < parcours.premier_accueil_le:
        raise ParcoursError("Cette date précède le premier jour d'accueil.")
    presence = Presence(parcours=parcours, date=date, arrivee=arrivee, depart=depart, recorded_by=request.user)
    return _save(request, presence, created=True)


@transaction.atomic
def ajouter_note(*, parcours_pk: int, request, texte: str, visibilite: str) -> NoteSuivi:
    """A follow-up note; a prescriber's note is always visible to the prescriber's partner."""
    parcours = _lock(request, parcours_pk)
    if not texte.strip():
        raise ParcoursError("La note est vide.")
    membership = getattr(request, "membership", None)
    if membership is not None and membership.role == Role.PRESCRIPTEUR:
        visibilite = NoteSuivi.Visibilite.PARTENAIRES
    note = NoteSuivi(parcours=parcours, author=request.user, texte=texte.strip(), visibilite=visibilite)
    return _save(request, note, created=True)


# --- The six-month review ------------------------------------------------------------------


@dataclass(frozen=True)
class Financial:
    heures: Decimal
    fee: rules.Fee
    montant_exonere: Decimal
    cout_convention: Decimal


def financial_review(parcours: Parcours, *, until: datetime.date, cout_horaire: Decimal) -> Financial:
    """Hours of care in the free period up to ``until``, the hourly fee the family would have
    paid on its first day of care (``conventions.selectors.fee_for``: barème in force that day,
    the facility's care type, surcharge and emergency rules), the waived amount and the
    convention's cost."""
    from conventions.selectors import fee_for

    if parcours.premier_accueil_le is None:
        raise ParcoursError("L'accueil régulier n'a pas commencé : pas de bilan financier possible.")
    end = until
    if parcours.fin_gratuite_le is not None and parcours.fin_gratuite_le < end:
        end = parcours.fin_gratuite_le
    minutes = sum(
        minutes_between(arrivee, depart)
        for arrivee, depart in parcours.presences.filter(
            date__gte=parcours.premier_accueil_le, date__lte=end
        ).values_list("arrivee", "depart")
    )
    heures = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    try:
        fee = fee_for(parcours, day=parcours.premier_accueil_le, hours_per_month=heures)
    except (ValueError, LookupError) as error:
        raise ParcoursError(str(error)) from None
    if fee is None:
        raise ParcoursError("Aucune place n'a été attribuée à ce parcours : pas de bilan financier possible.")
    return Financial(
        heures=heures, fee=fee, montant_exonere=rules.to_cents(fee.hourly * heures),
        cout_convention=rules.to_cents(Decimal(cout_horaire) * heures),
    )


@transaction.atomic
def enregistrer_bilan(*, parcours_pk: int, expected_state: str, request, data: dict) -> Bilan:
    """The educational and financial review; the financial part is computed, never typed."""
    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.ACCUEIL, action="tenir le bilan")
    if data["date"] > timezone.localdate():
        raise ParcoursError("La date du bilan ne peut pas être dans le futur.")
    if parcours.premier_accueil_le and data["date"] < parcours.premier_accueil_le:
        raise ParcoursError("La date du bilan précède le premier jour d'accueil.")
    financial = financial_review(parcours, until=data["date"], cout_horaire=data["cout_horaire"])
    bilan = Bilan.objects.filter(parcours=parcours).first()
    created = bilan is None
    before = {} if created else audit.snapshot(bilan)
    bilan = bilan or Bilan(parcours=parcours, recorded_by=request.user)
    _fill(bilan, data)
    bilan.heures_accueil = financial.heures
    bilan.tarif_horaire = financial.fee.hourly
    bilan.taux_effort = financial.fee.rate
    bilan.bareme_du = financial.fee.bareme_date
    bilan.montant_exonere = financial.montant_exonere
    bilan.cout_convention = financial.cout_convention
    return _save(request, bilan, created, before)


@transaction.atomic
def enregistrer_sortie(*, parcours_pk: int, expected_state: str, request, data: dict) -> Sortie:
    """The outcome of the exit, for the child and the parent, recorded before closing."""
    parcours = _lock(request, parcours_pk)
    _check_stale(parcours, expected_state)
    _require_coordinator(request, parcours)
    _require_state(parcours, State.BILAN, action="enregistrer la sortie")
    sortie = Sortie.objects.filter(parcours=parcours).first()
    created = sortie is None
    before = {} if created else audit.snapshot(sortie)
    sortie = sortie or Sortie(parcours=parcours, recorded_by=request.user)
    _fill(sortie, data)
    if sortie.situation_parent != Sortie.SituationParent.EMPLOI:
        sortie.contrat = ""
    return _save(request, sortie, created, before)
