"""Every write of the reports: export jobs, their production, the monthly reports to funders."""

from __future__ import annotations

import logging
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from conventions.models import Convention, Signataire
from orientations.models import AWAITING_STATES, Orientation
from orientations.services import OrientationError, accepter_orientation
from portail import audit
from portail.models import AuditEvent, Membership, Role

from . import exports, rules, selectors
from .models import EXPORT_RETENTION, Commission, ExportJob, Proposition, RapportMensuel
from .presentation import present

logger = logging.getLogger(__name__)

EXPORT_DIR = "rapports"


class ExportRefuse(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def request_export(*, request, convention: Convention, period: rules.Period, fmt: str,
                   detail: bool = False) -> ExportJob:
    """Queues the export of ``convention``'s report for ``period``; the task runs after commit.

    The caller must have found ``convention`` in :func:`selectors.reports_conventions`. The
    anonymised list of pathways is for the coordination only, and only in the XLSX workbook.
    """
    user, membership = request.user, getattr(request, "membership", None)
    if not selectors.reports_conventions(user, membership).filter(pk=convention.pk).exists():
        raise ExportRefuse("Vous n'avez pas accès au rapport de cette convention.")
    secrecy = selectors.secrecy_applies(user, membership)
    if detail and (secrecy or fmt != ExportJob.Format.XLSX):
        raise ExportRefuse("La liste anonymisée des parcours n'existe qu'en XLSX, pour la coordination.")
    with transaction.atomic():
        job = ExportJob.objects.create(
            convention=convention, period_start=period.start, period_end=period.end, period_label=period.label,
            format=fmt, secrecy=secrecy, detail=detail, requested_by=user, membership=membership,
            expires_at=timezone.now() + EXPORT_RETENTION,
        )
        audit.record(request, AuditEvent.Action.EXPORT, job, {"format": fmt, "convention": convention.pk})
        from .tasks import run_export

        transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def _set_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=percent)


def build_export(job_id: int) -> ExportJob | None:
    """Produces the file of export ``job_id``. Idempotent: a finished job is left as it is."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("convention").filter(pk=job_id).first()
        if job is None or job.state == ExportJob.State.DONE:
            return job
        job.state, job.progress = ExportJob.State.RUNNING, 1
        job.save(update_fields=["state", "progress"])
    period = rules.Period(job.period_start, job.period_end, job.period_label)
    report = selectors.convention_report(job.convention, period, today=timezone.localdate())
    sections = present(report, job.secrecy)
    folder = settings.PRIVATE_MEDIA_ROOT / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{EXPORT_DIR}/{job.pk}-{uuid.uuid4().hex}.{job.format}"
    path = settings.PRIVATE_MEDIA_ROOT / relative
    try:
        if job.format == ExportJob.Format.CSV:
            path.write_bytes(exports.to_csv(report, sections))
        elif job.format == ExportJob.Format.PDF:
            path.write_bytes(exports.to_pdf(report, sections, secrecy=job.secrecy))
        else:
            detail = selectors.detail_rows(job.convention, period) if job.detail else None
            exports.to_xlsx(report, sections, path, detail=detail,
                            progress=lambda percent: _set_progress(job.pk, percent))
    except Exception:
        logger.exception("Échec de l'export n° %s", job.pk)
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error="La production du fichier a échoué.", finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, progress=100, file=relative, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def purge_expired_exports(now=None) -> int:
    """Deletes the files of the exports past their seven days; the job rows stay for the trail."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(file="")
    count = 0
    for job in expired.only("pk", "file"):
        (settings.PRIVATE_MEDIA_ROOT / job.file).unlink(missing_ok=True)
        count += 1
    expired.update(file="")
    return count


def funder_memberships(convention: Convention):
    """The active members, role *financeur*, of the partners funding ``convention``."""
    partners = Signataire.objects.filter(
        convention=convention, role=Signataire.RoleConvention.FINANCEUR
    ).values("partenaire")
    return Membership.objects.active().filter(role=Role.FINANCEUR, partenaire__in=partners).select_related("user")


def monthly_report_url(convention: Convention, period: rules.Period) -> str:
    query = urlencode({"kind": rules.PeriodKind.MONTH, "annee": period.start.year, "mois": period.start.month})
    return f"{settings.PORTAL_BASE_URL}{reverse('rapports:convention_report', args=[convention.pk])}?{query}"


def prepare_monthly_reports(today: date) -> int:
    """Prepares each running convention's report of the past month and tells its funders once.

    Safe to run twice: a month already prepared for a convention is skipped. The e-mail holds
    the convention's title, the month and a link; no figure, no personal data.
    """
    period = rules.previous_month(today)
    sent = 0
    conventions = Convention.objects.filter(debut__lte=period.end, fin__gte=period.start).order_by("pk")
    for convention in conventions:
        with transaction.atomic():
            monthly, created = RapportMensuel.objects.get_or_create(convention=convention, mois=period.start)
            if not created:
                continue
            selectors.convention_report(convention, period, today=today)
            recipients = [m.user.email for m in funder_memberships(convention)]
            for email in sorted(set(recipients)):
                send_mail(
                    f"Rapport de {period.label} disponible",
                    (
                        f"Bonjour,\n\nLe rapport de la convention « {convention.titre} » pour {period.label} "
                        f"est disponible sur le portail Parcours Petite Enfance :\n"
                        f"{monthly_report_url(convention, period)}\n\n"
                        "Ce message ne contient aucune donnée personnelle. Connectez-vous pour consulter le rapport."
                    ),
                    None, [email],
                )
                sent += 1
            monthly.notified = len(set(recipients))
            monthly.save(update_fields=["notified"])
            audit.record(None, AuditEvent.Action.CREATE, monthly, {"destinataires": monthly.notified})
    return sent


# --- Allocation commission --------------------------------------------------------------------


def create_commission(*, request, convention: Convention, day: date, territoire: str, places: int,
                      membres) -> Commission:
    """Opens a commission and inscribes, anonymised, the convention's referrals awaiting an answer.

    Each request gets a code (``D-01``, ``D-02``…) in the order of its weighting: the code tells
    nothing of the family. Only a coordinator of the convention (or a superuser) may do it.
    """
    if not selectors.coordinates(request.user, getattr(request, "membership", None), convention):
        raise ExportRefuse("Seule la coordination de la convention peut réunir sa commission.")
    with transaction.atomic():
        commission = Commission.objects.create(
            convention=convention, date=day, territoire=territoire, places_a_attribuer=places,
            created_by=request.user,
        )
        commission.membres.set(membres)
        waiting = Orientation.objects.filter(convention=convention, state__in=AWAITING_STATES).order_by(
            "-ponderation", "sent_at", "pk"
        )
        Proposition.objects.bulk_create(
            Proposition(commission=commission, orientation=orientation, code=f"D-{index:02d}")
            for index, orientation in enumerate(waiting, start=1)
        )
        audit.record(request, AuditEvent.Action.CREATE, commission, {"demandes": waiting.count()})
    return commission


def record_proposal(*, request, proposition: Proposition, proposal: str, decision: str,
                    observations: str, structure=None) -> Proposition:
    """A member records the proposal and, until the decisions are closed, the decision.

    A granted place names its facility, one where the convention has reserved places; any other
    decision names none.
    """
    if decision == Proposition.Decision.ATTRIBUEE:
        if structure is None:
            raise ExportRefuse(f"{proposition.code} : choisissez la structure de la place attribuée.")
        if not selectors.commission_structures(proposition.commission).filter(pk=structure.pk).exists():
            raise ExportRefuse(
                f"{proposition.code} : la structure « {structure.nom} » n'a pas de place réservée "
                "pour la convention de cette commission."
            )
    else:
        structure = None
    with transaction.atomic():
        if Commission.objects.select_for_update().get(pk=proposition.commission_id).decidee_le is not None:
            raise ExportRefuse("Les décisions de cette commission sont arrêtées.")
        fields = ["proposition", "decision", "observations", "structure"]
        before = audit.snapshot(proposition, fields)
        proposition.proposition, proposition.decision, proposition.observations = proposal, decision, observations
        proposition.structure = structure
        proposition.save(update_fields=fields)
        changes = audit.changed_fields(before, audit.snapshot(proposition, fields))
        audit.record(request, AuditEvent.Action.UPDATE, proposition, {"champs": changes})
    return proposition


def _grant(request, commission: Commission, proposition: Proposition) -> str:
    """Accepts the referral of a granted request in its own savepoint; returns why it could not be."""
    if proposition.structure is None:
        return "la structure de la place attribuée n'est pas choisie."
    try:
        with transaction.atomic():
            accepter_orientation(
                proposition.orientation, request=request, convention=commission.convention,
                structure=proposition.structure,
                commentaire=f"Place attribuée par la commission du {commission.date:%d/%m/%Y} ({proposition.code}).",
            )
    except (OrientationError, PermissionDenied) as refusal:
        return str(refusal)
    return ""


def close_decisions(*, request, commission: Commission) -> Commission:
    """Closes the decisions and acts them, all or nothing.

    Each referral granted a place is accepted on the commission's convention in the decided
    facility (``orientations.services.accepter_orientation``: the family's pathway opens, the
    prescriber is told). If one cannot be, nothing is written and the refusal names the codes.
    Requests kept on the waiting list or adjourned stay as they are. From now on the
    coordination may see who the codes are. Closing a closed commission does nothing.
    """
    if not selectors.coordinates(request.user, getattr(request, "membership", None), commission.convention):
        raise ExportRefuse("Seule la coordination de la convention arrête les décisions.")
    with transaction.atomic():
        commission = Commission.objects.select_for_update(of=("self",)).select_related("convention").get(
            pk=commission.pk
        )
        if commission.decidee_le is not None:
            return commission
        undecided = commission.propositions.filter(decision=Proposition.Decision.A_EXAMINER).count()
        if undecided:
            raise ExportRefuse(f"{undecided} demande(s) restent à examiner.")
        granted = list(
            commission.propositions.filter(decision=Proposition.Decision.ATTRIBUEE)
            .select_related("orientation", "structure").order_by("code")
        )
        if len(granted) > commission.places_a_attribuer:
            raise ExportRefuse("Plus de places attribuées que de places à attribuer.")
        failures = [
            f"{proposition.code} : {reason}"
            for proposition in granted if (reason := _grant(request, commission, proposition))
        ]
        if failures:
            # Raised inside the transaction: the referrals accepted before are rolled back too.
            raise ExportRefuse("Décisions non arrêtées, rien n'a été enregistré. " + " ".join(failures))
        commission.decidee_le = timezone.now()
        commission.save(update_fields=["decidee_le"])
        audit.record(request, AuditEvent.Action.UPDATE, commission,
                     {"champs": ["decidee_le"], "orientations_acceptees": len(granted)})
    return commission
    undecided = commission.propositions.filter(decision=Proposition.Decision.A_EXAMINER).count()
    if undecided:
        raise ExportRefuse(f"{undecided} demande(s) restent à examiner.")
    granted = commission.propositions.filter(decision=Proposition.Decision.ATTRIBUEE).count()
    if granted > commission.places_a_attribuer:
        raise ExportRefuse("Plus de places attribuées que de places à attribuer.")
    with transaction.atomic():
        commission.decidee_le = timezone.now()
        commission.save(update_fields=["decidee_le"])
        audit.record(request, AuditEvent.Action.UPDATE, commission, {"champs": ["decidee_le"]})
    return commission
