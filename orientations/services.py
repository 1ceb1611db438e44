"""Every write of the referrals app: one function per use case, atomic, checked, audited.

Views and the daily task call these; nothing else changes a referral. State changes go through
the django-fsm-2 transitions of :class:`~orientations.models.Orientation` on a row locked with
``select_for_update`` (``ConcurrentTransitionMixin`` also refuses a concurrent change), and each
one lands in the referral's timeline (:class:`~orientations.models.Evenement`) and in the audit
trail. E-mails leave only once the transaction is committed, and name no one.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from conventions.models import PlaceReservee
from portail import audit
from portail.models import AuditEvent, Role
from portail.permissions import scope

from . import rules, selectors
from .models import (
    AWAITING_STATES,
    Consentement,
    Enfant,
    Evenement,
    Famille,
    Motif,
    Orientation,
    Parent,
    PieceJointe,
    Ponderation,
    Relance,
    RelanceEnvoi,
)
from .signals import orientation_acceptee
from .storage import atomic_with_files

logger = logging.getLogger(__name__)


class OrientationError(Exception):
    """A use case refused: ``message`` (French) is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Ineligible(OrientationError):
    """The request breaks eligibility rules: ``problems`` maps a form field to its French message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("La demande ne remplit pas les conditions de la convention.")
        self.problems = problems


class DoublonDetecte(OrientationError):
    """The same child already has an open referral or pathway: the prescriber must see it first."""

    def __init__(self, doublons: list[selectors.Doublon], blocking: bool):
        message = (
            "Votre structure a déjà une orientation en cours pour cet enfant : complétez-la plutôt "
            "que d'en créer une seconde."
            if blocking else
            "Un enfant portant les mêmes nom, prénom et date de naissance a déjà une demande en cours. "
            "Vérifiez qu'il s'agit bien d'un autre enfant, puis cochez la case de confirmation."
        )
        super().__init__(message)
        self.doublons = doublons
        self.blocking = blocking


# --- Helpers ---------------------------------------------------------------------------------------


def _membership(request):
    return getattr(request, "membership", None)


def _require_prescriber(request):
    membership = _membership(request)
    if membership is None or membership.role != Role.PRESCRIPTEUR or not membership.is_active:
        raise PermissionDenied("Seul un prescripteur peut agir sur ses orientations.")
    return membership


def _require_visible(orientation: Orientation, request) -> None:
    visible = selectors.orientations_visibles(request.user, _membership(request))
    if not visible.filter(pk=orientation.pk).exists():
        raise PermissionDenied("Cette orientation n'est pas dans votre périmètre.")


def _require_coordinator(orientation: Orientation, request) -> None:
    membership = _membership(request)
    if not request.user.is_superuser and (membership is None or membership.role != Role.COORDINATEUR):
        raise PermissionDenied("Seule la coordination répond aux orientations.")
    _require_visible(orientation, request)


def _locked(orientation: Orientation) -> Orientation:
    # ``of=("self",)``: PostgreSQL refuses FOR UPDATE on the nullable side of the convention join.
    locked = Orientation.objects.select_for_update(of=("self",)).select_related("famille", "convention")
    return locked.get(pk=orientation.pk)


def _transition(orientation: Orientation, name: str, who, *, commentaire: str = "", **fields) -> Orientation:
    """Runs transition ``name`` on a locked row, saves, and writes the timeline and the audit trail."""
    method = getattr(orientation, name)
    if not can_proceed(method):
        raise OrientationError(
            f"Cette orientation est « {orientation.get_state_display().lower()} » : "
            "cette action n'est plus possible."
        )
    source = orientation.state
    method()
    for key, value in fields.items():
        setattr(orientation, key, value)
    orientation.save()
    user = getattr(who, "user", who)
    Evenement.objects.create(
        orientation=orientation, source=source, cible=orientation.state,
        auteur=user if user is not None and user.is_authenticated else None, commentaire=commentaire,
    )
    audit.record(who, AuditEvent.Action.TRANSITION, orientation,
                 {"state": [source, orientation.state], "fields": sorted(fields)})
    return orientation


def _link(orientation: Orientation) -> str:
    return settings.PORTAL_BASE_URL + reverse("orientations:detail", kwargs={"pk": orientation.pk})


def _notify_prescriber(orientation: Orientation) -> None:
    """Tells the prescriber of a decision, once committed: the reference and a link, nothing else."""
    email = orientation.prescripteur.email
    context = {"orientation": orientation, "link": _link(orientation)}
    subject = f"Orientation {orientation.reference} : {orientation.get_state_display().lower()}"
    body = render_to_string("orientations/emails/decision.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


def _criteria(orientation: Orientation, famille: Famille, parents, today: date) -> rules.Criteria:
    sent_on = timezone.localdate(orientation.sent_at) if orientation.sent_at else today
    return rules.Criteria(
        monoparentale=famille.monoparentale,
        qpv=famille.qpv,
        urgence=orientation.urgence or Motif.URGENCE_SOCIALE in orientation.motifs,
        minima_sociaux=famille.minima_sociaux,
        insertion=any(p.situation == Parent.Situation.INSERTION or p.parcours_debut for p in parents),
        waiting_weeks=max((today - sent_on).days // 7, 0),
    )


def score(orientation: Orientation, today: date | None = None, weights: rules.Weights | None = None) -> rules.Score:
    """The weighting of ``orientation`` today, with the convention's weights (defaults otherwise)."""
    today = today or timezone.localdate()
    criteria = _criteria(orientation, orientation.famille, list(orientation.famille.parents.all()), today)
    return rules.weigh(criteria, weights or selectors.weights_for(orientation.convention_id))


def _apply_score(orientation: Orientation, today: date, weights: rules.Weights | None = None) -> bool:
    result = score(orientation, today, weights)
    changed = result.total != orientation.ponderation or result.as_json() != orientation.ponderation_detail
    orientation.ponderation, orientation.ponderation_detail = result.total, result.as_json()
    return changed


# --- The prescriber's use cases -------------------------------------------------------------------

FAMILLE_FIELDS = ("commune", "adresse", "qpv", "monoparentale", "enfants_a_charge", "enfant_handicape",
                  "minima_sociaux", "ressources_statut", "ressources_mensuelles")
PARENT_FIELDS = ("prenom", "nom", "telephone", "email", "situation", "parcours_debut", "parcours_duree_mois")
ENFANT_FIELDS = ("prenom", "nom", "date_naissance", "handicap", "maladie_chronique")
ORIENTATION_FIELDS = ("convention", "date_souhaitee", "besoin", "motifs", "urgence")


def check_eligibility(data: dict, partenaire, today: date) -> dict[str, str]:
    """The eligibility problems of the submitted data (see :func:`rules.eligibility_problems`)."""
    convention = data.get("convention")
    request = rules.Request(
        today=today, birth=data["enfant_date_naissance"], start=data["date_souhaitee"],
        commune_id=data["commune"].pk, partner_id=partenaire.pk, partner_authorised=partenaire.habilite,
        pathway_months=tuple(p.get("parcours_duree_mois") for p in data["parents"]),
        convention=selectors.convention_terms(convention) if convention else None,
    )
    problems = rules.eligibility_problems(request)
    if "date_naissance" in problems:
        problems["enfant_date_naissance"] = problems.pop("date_naissance")
    return problems


def enregistrer_orientation(*, request, data: dict, fichiers=(), orientation: Orientation | None = None,
                            envoyer: bool = False) -> Orientation:
    """Saves the family file and the referral (a new draft or an existing one); sends it if asked.

    ``data`` is the cleaned data of ``forms.DossierForm``: household fields, ``parents`` (a list of
    dicts), ``enfant_*`` fields, consent, the referral's fields, ``jeton`` and ``confirmer_doublon``.
    Consent is required for any record. A resubmitted form (same ``jeton``) returns the referral
    already created, so a double click never makes two. Raises :class:`Ineligible` (sending only),
    :class:`DoublonDetecte` or :class:`OrientationError`; nothing is written then.
    """
    membership = _require_prescriber(request)
    partenaire = membership.partenaire
    today = timezone.localdate()
    if not data.get("consentement"):
        raise Ineligible({"consentement": "Le consentement de la famille est obligatoire avant tout envoi."})
    try:
        with atomic_with_files():
            if orientation is None:
                existing = Orientation.objects.filter(jeton=data["jeton"], partenaire=partenaire).first()
                if existing is not None:
                    return existing
            else:
                orientation = _locked(orientation)
                if orientation.partenaire_id != partenaire.pk:
                    raise PermissionDenied("Cette orientation n'est pas celle de votre structure.")
                if orientation.state != Orientation.State.BROUILLON:
                    raise OrientationError(
                        f"Cette orientation a déjà été {orientation.get_state_display().lower()} : "
                        "elle ne peut plus être modifiée."
                    )
            found = selectors.doublons(
                prenom=data["enfant_prenom"], nom=data["enfant_nom"], date_naissance=data["enfant_date_naissance"],
                partenaire_id=partenaire.pk, exclude_orientation_id=orientation.pk if orientation else None,
            )
            if any(d.own for d in found):
                raise DoublonDetecte(found, blocking=True)
            if found and not data.get("confirmer_doublon"):
                raise DoublonDetecte(found, blocking=False)
            if envoyer:
                problems = check_eligibility(data, partenaire, today)
                if problems:
                    raise Ineligible(problems)
            return _save_dossier(request, membership, data, fichiers, orientation, envoyer, bool(found), today)
    except IntegrityError:
        # Two submissions of one form raced: the first one won, show it.
        existing = Orientation.objects.filter(jeton=data["jeton"], partenaire=partenaire).first()
        if existing is None:
            raise
        return existing


def _famille_snapshot(famille: Famille) -> dict:
    return audit.snapshot(famille, [f if f != "commune" else "commune_id" for f in FAMILLE_FIELDS])


def _apply_famille(famille: Famille, data: dict) -> list[str]:
    """Sets and saves the household's fields; returns the names of those that changed."""
    before = _famille_snapshot(famille)
    for name in FAMILLE_FIELDS:
        setattr(famille, name, data.get(name))
    famille.enfants_a_charge = data.get("enfants_a_charge") or 1
    famille.save()
    return audit.changed_fields(before, _famille_snapshot(famille))


def _apply_parents(famille: Famille, parents: list[dict]) -> list[str]:
    """The referent parent, then the second one if any, over the existing rows (pk order); a second
    parent no longer given is removed. Returns ``parent<n>.<field>`` names of what changed."""
    existing = list(famille.parents.order_by("pk"))
    changed = []
    for index, values in enumerate(parents):
        parent = existing[index] if index < len(existing) else Parent(famille=famille)
        before = audit.snapshot(parent, list(PARENT_FIELDS))
        for name in PARENT_FIELDS:
            setattr(parent, name, values[name])
        parent.save()
        changed += [f"parent{index + 1}.{name}" for name in audit.changed_fields(before, values)]
    for index, extra in enumerate(existing[len(parents):], start=len(parents)):
        extra.delete()
        changed.append(f"parent{index + 1}")
    return changed


def _apply_enfant(enfant: Enfant, values: dict) -> list[str]:
    before = audit.snapshot(enfant, list(ENFANT_FIELDS))
    for name in ENFANT_FIELDS:
        setattr(enfant, name, values[name])
    enfant.save()
    return audit.changed_fields(before, values)


def _save_dossier(request, membership, data, fichiers, orientation, envoyer, duplicate, today) -> Orientation:
    creating = orientation is None
    famille = Famille(created_by_partenaire=membership.partenaire) if creating else orientation.famille
    changed = _apply_famille(famille, data)
    audit.record(request, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, famille,
                 {"fields": changed})
    _apply_parents(famille, data["parents"])
    enfant = Enfant(famille=famille) if creating else orientation.enfant
    _apply_enfant(enfant, {name: data[f"enfant_{name}"] for name in ENFANT_FIELDS})

    if not famille.consentements.exists() or data.get("consentement_date") != famille.consentements.first().date:
        Consentement.objects.create(
            famille=famille, date=data["consentement_date"], recueilli_par=request.user,
            finalites="\n".join(data["consentement_finalites"]),
        )

    if creating:
        orientation = Orientation(
            famille=famille, enfant=enfant, partenaire=membership.partenaire, prescripteur=request.user,
            jeton=data["jeton"],
        )
    for name in ORIENTATION_FIELDS:
        setattr(orientation, name, data.get(name))
    orientation.doublon_confirme = duplicate
    orientation.save()
    if creating:
        Evenement.objects.create(orientation=orientation, cible=Orientation.State.BROUILLON, auteur=request.user)
        audit.record(request, AuditEvent.Action.CREATE, orientation, {"state": orientation.state})
    else:
        audit.record(request, AuditEvent.Action.UPDATE, orientation, {"fields": list(ORIENTATION_FIELDS)})
    for fichier in fichiers:
        _store_attachment(orientation, fichier, request)
    if envoyer:
        _send(orientation, request, today)
    return orientation


def _send(orientation: Orientation, request, today: date) -> None:
    delay = orientation.convention.delai_reponse_jours if orientation.convention else None
    orientation.famille = Famille.objects.get(pk=orientation.famille_id)
    _apply_score(orientation, today)
    _transition(orientation, "envoyer", request, sent_at=timezone.now(), echeance=rules.deadline(today, delay),
                ponderation=orientation.ponderation, ponderation_detail=orientation.ponderation_detail)


def _store_attachment(orientation: Orientation, fichier, request) -> PieceJointe:
    """Writes the file at once; inside ``atomic_with_files`` it is deleted if the transaction fails."""
    fichier.seek(0)
    kind = rules.sniff_type(fichier.read(8))
    fichier.seek(0)
    if kind is None or fichier.size > rules.MAX_ATTACHMENT_BYTES:
        raise OrientationError("Seuls les fichiers PDF, JPEG ou PNG de 5 Mo au plus sont acceptés.")
    piece = PieceJointe(orientation=orientation, nom=fichier.name[:200], type_mime=kind, taille=fichier.size,
                        ajoutee_par=request.user)
    piece.fichier.save(uuid.uuid4().hex, fichier, save=False)
    piece.save()
    audit.record(request, AuditEvent.Action.CREATE, piece, {"orientation": orientation.pk})
    return piece


def ajouter_piece_jointe(orientation: Orientation, fichier, *, request) -> PieceJointe:
    """Adds a checked document to one of the partner's open referrals."""
    membership = _require_prescriber(request)
    with atomic_with_files():
        orientation = _locked(orientation)
        if orientation.partenaire_id != membership.partenaire_id:
            raise PermissionDenied("Cette orientation n'est pas celle de votre structure.")
        if not orientation.is_open:
            raise OrientationError("Cette orientation est close : on ne peut plus y joindre de document.")
        return _store_attachment(orientation, fichier, request)


def annuler_orientation(orientation: Orientation, *, request, commentaire: str = "") -> Orientation:
    """The prescriber withdraws the referral before any decision."""
    membership = _require_prescriber(request)
    with transaction.atomic():
        orientation = _locked(orientation)
        if orientation.partenaire_id != membership.partenaire_id:
            raise PermissionDenied("Cette orientation n'est pas celle de votre structure.")
        return _transition(orientation, "annuler", request, commentaire=commentaire)


# --- The coordination's use cases -----------------------------------------------------------------


def modifier_famille(orientation: Orientation, *, request, foyer: dict, parents: list[dict],
                     enfants: dict[int, dict]) -> Famille:
    """A coordinator corrects the family file of a referral: the household, the parents, the children.

    Allowed to the coordinators of the family's conventions, through a referral or a pathway
    (``Famille.access``, the shared policy), and to superusers. ``foyer`` is the cleaned data of
    ``forms.FoyerForm``, ``parents`` its ``parents_data()``, ``enfants`` maps each child's id to
    its fields (without the ``enfant_`` prefix). An anonymised file no longer changes. The
    change is audited (field names only) and the family's awaiting referrals are weighted again.
    """
    membership = _membership(request)
    if not request.user.is_superuser and (
        membership is None or membership.role != Role.COORDINATEUR or not membership.is_active
    ):
        raise PermissionDenied("Seule la coordination corrige le dossier d'une famille.")
    if not scope(Famille.objects.filter(pk=orientation.famille_id), request.user, membership).exists():
        raise PermissionDenied("Cette famille ne relève pas de vos conventions.")
    with transaction.atomic():
        famille = Famille.objects.select_for_update().get(pk=orientation.famille_id)
        if famille.anonymisee_le is not None:
            raise OrientationError("Ce dossier a été anonymisé : il ne se modifie plus.")
        changed = _apply_famille(famille, foyer)
        changed += _apply_parents(famille, parents)
        children = {enfant.pk: enfant for enfant in famille.enfants.select_for_update()}
        if set(enfants) != set(children):
            raise OrientationError("Les enfants du dossier ont changé entre-temps : rechargez la page.")
        for pk, values in enfants.items():
            changed += [f"enfant{pk}.{name}" for name in _apply_enfant(children[pk], values)]
        audit.record(request, AuditEvent.Action.UPDATE, famille, {"fields": changed, "par": "coordination"})
        today = timezone.localdate()
        awaiting = Orientation.objects.filter(famille=famille, state__in=AWAITING_STATES)
        for referral in awaiting.select_related("famille").prefetch_related("famille__parents"):
            if _apply_score(referral, today):
                Orientation.objects.filter(pk=referral.pk).update(
                    ponderation=referral.ponderation, ponderation_detail=referral.ponderation_detail
                )
        return famille



def etudier_orientation(orientation: Orientation, *, request) -> Orientation:
    """A coordinator takes the referral in hand (envoyée → en étude)."""
    _require_coordinator(orientation, request)
    with transaction.atomic():
        return _transition(_locked(orientation), "etudier", request)


def accepter_orientation(orientation: Orientation, *, request, convention, structure,
                         commentaire: str = "") -> Orientation:
    """Accepts the referral on ``convention`` in ``structure`` and opens the family's pathway.

    The pathway is opened by the receivers of ``orientation_acceptee``, in this transaction.
    """
    _require_coordinator(orientation, request)
    membership = _membership(request)
    if membership is not None and not convention.coordinateurs.filter(pk=membership.pk).exists():
        raise OrientationError("Vous ne coordonnez pas cette convention.")
    if not PlaceReservee.objects.filter(convention=convention, structure=structure).exists():
        raise OrientationError(
            f"La structure « {structure} » n'a pas de place réservée pour la convention « {convention} »."
        )
    if convention.fin < timezone.localdate():
        raise OrientationError(f"La convention « {convention} » a pris fin le {convention.fin:%d/%m/%Y}.")
    with transaction.atomic():
        orientation = _locked(orientation)
        _transition(orientation, "accepter", request, commentaire=commentaire, convention=convention,
                    structure=structure, answered_at=timezone.now())
        orientation_acceptee.send(sender=Orientation, orientation=orientation, request=request)
        _notify_prescriber(orientation)
        return orientation


def refuser_orientation(orientation: Orientation, *, request, motif: str, message: str) -> Orientation:
    """Refuses with a reason from the list and a message, both shown to the prescriber."""
    _require_coordinator(orientation, request)
    if not message.strip():
        raise OrientationError("Expliquez le refus au prescripteur.")
    with transaction.atomic():
        orientation = _locked(orientation)
        _transition(orientation, "refuser", request, motif_refus=motif, message_refus=message.strip(),
                    answered_at=timezone.now())
        _notify_prescriber(orientation)
        return orientation


# --- The daily task -------------------------------------------------------------------------------


def traiter_echeances(today: date | None = None) -> dict[str, int]:
    """Reminds the coordination of late referrals and expires those unanswered after 30 days.

    Idempotent: a referral is reminded at most once a day (``Relance`` is unique per day), each
    coordinator gets at most one reminder e-mail a day (``RelanceEnvoi``, written with the sending,
    so a run killed in the middle sends the rest when redone) and an expired referral is no
    longer awaiting, so a second run the same day sends nothing. Also
    refreshes the weighting, whose age criterion grows with the waiting.
    """
    today = today or timezone.localdate()
    expired = reminded = rescored = 0
    limit = timezone.make_aware(timezone.datetime.combine(
        date.fromordinal(today.toordinal() - rules.EXPIRY_DAYS), timezone.datetime.min.time()
    ))
    for pk in Orientation.objects.filter(state__in=AWAITING_STATES, sent_at__lt=limit).values_list("pk", flat=True):
        with transaction.atomic():
            orientation = _locked(Orientation(pk=pk))
            if orientation.state not in AWAITING_STATES:
                continue
            _transition(orientation, "expirer", None, answered_at=timezone.now(),
                        commentaire=f"Sans réponse {rules.EXPIRY_DAYS} jours après l'envoi.")
            _notify_prescriber(orientation)
            expired += 1

    for orientation in selectors.late_referrals(today):
        with transaction.atomic():
            _, created = Relance.objects.get_or_create(orientation=orientation, jour=today)
        reminded += created
    # One e-mail per coordinator counting every referral reminded today, recorded in the
    # transaction that sends it: a run stopped in the middle sends the rest when redone, none twice.
    late_by_user: dict[int, tuple[str, int]] = {}
    coordinators: dict[tuple, list] = {}
    for relance in Relance.objects.filter(jour=today).select_related("orientation").order_by("pk"):
        orientation = relance.orientation
        key = (orientation.convention_id, None if orientation.convention_id else orientation.partenaire_id)
        if key not in coordinators:
            coordinators[key] = list(selectors.coordinators_of(orientation))
        for membership in coordinators[key]:
            email, count = late_by_user.get(membership.user_id, (membership.user.email, 0))
            late_by_user[membership.user_id] = (email, count + 1)
    already = set(RelanceEnvoi.objects.filter(jour=today).values_list("user_id", flat=True))
    for user_id, (email, count) in late_by_user.items():
        if user_id in already:
            continue
        body = render_to_string("orientations/emails/relance.txt", {
            "count": count, "link": settings.PORTAL_BASE_URL + reverse("orientations:file") + "?retard=1",
        })
        try:
            with transaction.atomic():
                RelanceEnvoi.objects.create(user_id=user_id, jour=today)
                send_mail(f"{count} orientation{'s' if count > 1 else ''} en attente de réponse", body, None, [email])
        except IntegrityError:  # sent meanwhile by another run
            continue

    weights: dict[int | None, rules.Weights] = {}
    awaiting = Orientation.objects.filter(state__in=AWAITING_STATES).select_related("famille")
    for orientation in awaiting.prefetch_related("famille__parents").iterator(chunk_size=500):
        if orientation.convention_id not in weights:
            weights[orientation.convention_id] = selectors.weights_for(orientation.convention_id)
        if _apply_score(orientation, today, weights[orientation.convention_id]):
            Orientation.objects.filter(pk=orientation.pk).update(
                ponderation=orientation.ponderation, ponderation_detail=orientation.ponderation_detail
            )
            rescored += 1
    logger.info("traiter_echeances: %d relancées, %d expirées, %d repondérées", reminded, expired, rescored)
    return {"relances": reminded, "expirees": expired, "ponderations": rescored}


def modifier_ponderation(convention, *, request, weights: dict[str, int]) -> None:
    """A coordinator of ``convention`` sets its weights; awaiting referrals are weighted again at once."""
    membership = _membership(request)
    if not request.user.is_superuser and (
        membership is None or membership.role != Role.COORDINATEUR
        or not convention.coordinateurs.filter(pk=membership.pk).exists()
    ):
        raise PermissionDenied("Seule la coordination de la convention fixe sa pondération.")
    with transaction.atomic():
        row, _ = Ponderation.objects.select_for_update().get_or_create(convention=convention)
        before = audit.snapshot(row, list(weights))
        for name, value in weights.items():
            setattr(row, name, value)
        row.save()
        audit.record(request, AuditEvent.Action.UPDATE, row,
                     {"fields": audit.changed_fields(before, audit.snapshot(row, list(weights)))})
        today = timezone.localdate()
        new_weights = row.as_weights()
        awaiting = Orientation.objects.filter(convention=convention, state__in=AWAITING_STATES)
        for orientation in awaiting.select_related("famille").prefetch_related("famille__parents"):
            if _apply_score(orientation, today, new_weights):
                Orientation.objects.filter(pk=orientation.pk).update(
                    ponderation=orientation.ponderation, ponderation_detail=orientation.ponderation_detail
                )
