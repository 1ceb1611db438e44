"""The writes of the data-protection work: anonymisation, deleted attachments, erasure requests,
exports. Each runs in one transaction and leaves an audit entry (field names only)."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from orientations.models import Enfant, Evenement, Famille, Orientation, Parent, PieceJointe
from parcours.models import (
    Adaptation,
    Bilan,
    NoteSuivi,
    Parcours,
    ProjetAccueil,
    ReunionConjointe,
    Sortie,
    TransitionLog,
)
from portail import audit
from portail.models import AuditEvent, Role
from portail.permissions import scope

from . import selectors
from .models import Anonymisation, DemandeEffacement

logger = logging.getLogger(__name__)

ANONYMISED = "Anonyme"

# What goes, model by model: names, contacts, addresses and free text. What the convention reports
# need (birth dates for ages in months, commune, criteria, dates, states, hours, amounts) stays.
ERASED_FIELDS = {
    Famille: {"adresse": ""},
    Parent: {"prenom": ANONYMISED, "nom": ANONYMISED, "telephone": "", "email": ""},
    Enfant: {"prenom": ANONYMISED, "nom": ANONYMISED, "cle_doublon": ""},
    Orientation: {"besoin": "", "message_refus": ""},
    Evenement: {"commentaire": ""},
    Parcours: {"motif_abandon": ""},
    TransitionLog: {"comment": ""},
    ReunionConjointe: {"autres_participants": "", "objectifs_detail": ""},
    ProjetAccueil: {"rythme": "", "besoins": ""},
    Adaptation: {"observations": ""},
    Bilan: {"developpement_enfant": "", "progres_parent": ""},
    Sortie: {"commentaire": ""},
}
FAMILY_PATH = {
    Famille: "pk",
    Parent: "famille",
    Enfant: "famille",
    Orientation: "famille",
    Evenement: "orientation__famille",
    Parcours: "famille",
    TransitionLog: "parcours__famille",
    ReunionConjointe: "parcours__famille",
    ProjetAccueil: "parcours__famille",
    Adaptation: "parcours__famille",
    Bilan: "parcours__famille",
    Sortie: "parcours__famille",
}


def _check_may_answer(user, membership, famille) -> None:
    """Only a coordinator of the family's conventions (or a superuser) answers for its data."""
    if user.is_superuser:
        return
    if membership is None or membership.role != Role.COORDINATEUR:
        raise PermissionDenied("Seule la coordination répond aux demandes d'une famille sur ses données.")
    if not scope(Famille.objects.filter(pk=famille.pk), user, membership).exists():
        raise PermissionDenied("Cette famille ne relève pas de vos conventions.")


def _delete_files(pieces) -> int:
    files = [(piece.fichier.storage, piece.fichier.name) for piece in pieces]
    PieceJointe.objects.filter(pk__in=[piece.pk for piece in pieces]).delete()

    def remove():
        for storage, name in files:
            if name and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(remove)
    return len(files)


def anonymise_family(famille: Famille, cause: str, who=None) -> bool:
    """Remove the family's names, contacts, addresses, free text, notes and attachments.

    Idempotent: returns ``False`` and changes nothing when the family is already anonymised.
    """
    with transaction.atomic():
        famille = Famille.objects.select_for_update().get(pk=famille.pk)
        if Anonymisation.objects.filter(famille=famille).exists():
            return False
        for model, values in ERASED_FIELDS.items():
            model.objects.filter(**{FAMILY_PATH[model]: famille.pk}).update(**values)
        notes = NoteSuivi.objects.filter(parcours__famille=famille).delete()[0]
        pieces = _delete_files(list(PieceJointe.objects.filter(orientation__famille=famille)))
        Anonymisation.objects.create(famille=famille, cause=cause)
        audit.record(who, AuditEvent.Action.UPDATE, famille, {
            "anonymisation": cause,
            "fields": sorted(f"{m._meta.model_name}.{name}" for m, values in ERASED_FIELDS.items() for name in values),
            "notes_supprimees": notes,
            "pieces_supprimees": pieces,
        })
    return True


def purge_attachments(today: date, dry_run: bool = False) -> int:
    """Delete the attachments of referrals that never led to care, 3 months after their closure."""
    with transaction.atomic():
        pieces = list(selectors.attachments_due(today).select_related("orientation"))
        if dry_run or not pieces:
            return len(pieces)
        for orientation in {piece.orientation for piece in pieces}:
            audit.record(None, AuditEvent.Action.DELETE, orientation, {
                "pieces_jointes": sum(1 for piece in pieces if piece.orientation_id == orientation.pk),
            })
        return _delete_files(pieces)


def anonymise_expired(today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """The daily retention run: anonymise the families past their date, delete the attachments
    past theirs. Returns (and logs) counts only."""
    today = today or timezone.localdate()
    due = selectors.families_due(today)
    counts = {"familles": 0, "pieces_jointes": purge_attachments(today, dry_run=dry_run)}
    if dry_run:
        counts["familles"] = len(due)
    else:
        counts["familles"] = sum(anonymise_family(f, Anonymisation.Cause.RETENTION) for f in due)
    logger.info(
        "rgpd: %s familles anonymisées, %s pièces jointes supprimées%s",
        counts["familles"], counts["pieces_jointes"], " (simulation)" if dry_run else "",
    )
    return counts


def handle_erasure_request(user, membership, famille: Famille, received_on: date) -> DemandeEffacement:
    """Answer a family's erasure request: granted (the data are anonymised now) or refused with
    its legal reason and, when known, the first day erasure will be possible."""
    _check_may_answer(user, membership, famille)
    with transaction.atomic():
        famille = selectors.with_retention_data(Famille.objects.select_for_update()).get(pk=famille.pk)
        retention = selectors.retention_of(famille)
        today = timezone.localdate()
        decision, motif, possible = DemandeEffacement.Decision.ACCORDEE, "", None
        if Anonymisation.objects.filter(famille=famille).exists():
            decision, motif = DemandeEffacement.Decision.REFUSEE, DemandeEffacement.MotifRefus.DEJA_ANONYMISEE
        elif retention.open_files:
            decision, motif = DemandeEffacement.Decision.REFUSEE, DemandeEffacement.MotifRefus.EN_COURS
        elif retention.cared and not retention.due(today):
            decision, motif = DemandeEffacement.Decision.REFUSEE, DemandeEffacement.MotifRefus.CONSERVATION
            possible = retention.due_on
        demande = DemandeEffacement.objects.create(
            famille=famille, recue_le=received_on, decision=decision, motif_refus=motif, possible_le=possible,
            traitee_par=user, membership=membership,
        )
        audit.record(_Actor(user, membership), AuditEvent.Action.CREATE, demande,
                     {"decision": decision, "motif_refus": motif})
        if decision == DemandeEffacement.Decision.ACCORDEE:
            anonymise_family(famille, Anonymisation.Cause.EFFACEMENT, _Actor(user, membership))
    return demande


def record_export(request, famille: Famille, fmt: str) -> None:
    """Check that the coordinator may export the family's file and record the export."""
    _check_may_answer(request.user, getattr(request, "membership", None), famille)
    audit.record(request, AuditEvent.Action.EXPORT, famille, {"format": fmt})


class _Actor:
    """A user acting through a membership, as :func:`portail.audit.record` reads a request."""

    def __init__(self, user, membership):
        self.user = user
        self.membership = membership
