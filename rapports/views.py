"""Pages of the reports: the list of reports, a convention's report, its exports."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from conventions.models import Convention
from portail import audit
from portail.models import AuditEvent, Commune, Membership, Role
from portail.permissions import current_membership, member_required, scope

from . import charts, forms, rules, selectors, services
from .models import ExportJob, Proposition
from .presentation import fmt, present, secret, show
from .selectors import Cell

REPORT_READERS = (Role.COORDINATEUR, Role.FINANCEUR)


@member_required(*REPORT_READERS)
def index(request):
    conventions = selectors.reports_conventions(request.user, current_membership(request)).order_by("-debut", "titre")
    q = request.GET.get("q", "").strip()
    if q:
        conventions = conventions.filter(titre__icontains=q)
    page = Paginator(conventions, 25).get_page(request.GET.get("page"))
    return render(request, "rapports/index.html", {"page": page, "q": q, "querystring": f"q={q}&" if q else ""})


def _period_form(request, data):
    today = timezone.localdate()
    form = forms.PeriodForm(data or None, today=today)
    if form.is_valid():
        return form, form.cleaned_data["period"]
    return form, (None if data else rules.year(today.year))


@member_required(*REPORT_READERS)
def convention_report(request, pk):
    membership = current_membership(request)
    convention = get_object_or_404(selectors.reports_conventions(request.user, membership), pk=pk)
    form, period = _period_form(request, request.GET)
    context = {"convention": convention, "form": form, "period": period,
               "secrecy": selectors.secrecy_applies(request.user, membership)}
    if period is not None:
        report = selectors.convention_report(convention, period, today=timezone.localdate())
        context.update(
            report=report, sections=present(report, context["secrecy"]),
            export_form=forms.ExportForm(), query=request.GET.urlencode(),
        )
    return render(request, "rapports/convention_report.html", context)


@require_POST
@member_required(*REPORT_READERS)
def export_start(request, pk):
    membership = current_membership(request)
    convention = get_object_or_404(selectors.reports_conventions(request.user, membership), pk=pk)
    _form, period = _period_form(request, request.POST)
    export_form = forms.ExportForm(request.POST)
    if period is None or not export_form.is_valid():
        messages.error(request, "Choisissez une période valide et un format d'export.")
        return redirect("rapports:convention_report", pk=convention.pk)
    try:
        job = services.request_export(
            request=request, convention=convention, period=period,
            fmt=export_form.cleaned_data["format"], detail=export_form.cleaned_data["detail"],
        )
    except services.ExportRefuse as refusal:
        messages.error(request, refusal.message)
        return redirect("rapports:convention_report", pk=convention.pk)
    return redirect("rapports:export_detail", pk=job.pk)


def _own_job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.select_related("convention"), pk=pk, requested_by=request.user)


@member_required(*REPORT_READERS)
def export_detail(request, pk):
    return render(request, "rapports/export_detail.html", {"job": _own_job(request, pk)})


@member_required(*REPORT_READERS)
def export_status(request, pk):
    """The progress fragment polled by HTMX every two seconds until the file is ready."""
    return render(request, "rapports/_export_status.html", {"job": _own_job(request, pk)})


@member_required(*REPORT_READERS)
def export_download(request, pk):
    job = _own_job(request, pk)
    if not job.is_available:
        raise Http404("Cet export n'est pas ou plus disponible.")
    path = settings.PRIVATE_MEDIA_ROOT / job.file
    if not path.exists():
        raise Http404("Cet export n'est plus disponible.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename)


@member_required(*REPORT_READERS)
def observatory(request):
    membership = current_membership(request)
    conventions = selectors.reports_conventions(request.user, membership)
    communes = Commune.objects.filter(
        Q(famille__orientations__convention__in=conventions)
        | Q(structure__places_reservees__convention__in=conventions)
    ).distinct().order_by("nom")
    today = timezone.localdate()
    form = forms.ObservatoryForm(request.GET or None, today=today, communes=communes)
    context = {"form": form, "secrecy": selectors.secrecy_applies(request.user, membership)}
    if not request.GET or form.is_valid():
        period = form.cleaned_data["period"] if request.GET else rules.year(today.year)
        commune = form.cleaned_data.get("commune") if request.GET else None
        data = selectors.observatory(conventions, period, communes=[commune] if commune else None)
        context.update(period=period, commune=commune, **observatory_view(data, context["secrecy"]))
    return render(request, "rapports/observatory.html", context)


def observatory_view(data: dict, secrecy: bool) -> dict:
    """Tables (masked for funders) and the charts beside them; the charts draw masked cells as 0
    and say so, so that a bar never reveals a hidden count."""
    people = ("requests", "entries", "exits", "waiting")

    def mask(row):
        shown = dict(row)
        for key in (k for k in people if k in row):
            shown[f"{key}_text"] = show(Cell(row[key]), secrecy).text
            shown[f"{key}_chart"] = 0 if secret(Cell(row[key]), secrecy) else row[key]
        return shown

    communes = [mask(row) for row in data["communes"]]
    months = [mask(row) for row in data["months"]]
    qpv = [mask(row) for row in data["qpv"]]
    note = " Les effectifs de moins de 5 personnes sont représentés à 0." if secrecy else ""
    return {
        "communes": communes, "months": months, "qpv": qpv,
        "median_wait": fmt(data["median_wait_days"], "days") if not (
            secrecy and rules.is_secret(data["waiting_referrals"])) else rules.SECRET_LABEL,
        "communes_chart": charts.bar_chart(
            "graphique-communes", "Demandes, entrées et sorties par commune",
            "Barres horizontales groupées par commune ; les valeurs sont écrites au bout de chaque barre "
            "et reprises dans le tableau qui suit." + note,
            [row["label"] for row in communes],
            {"Demandes": [r["requests_chart"] for r in communes], "Entrées": [r["entries_chart"] for r in communes],
             "Sorties": [r["exits_chart"] for r in communes]},
        ),
        "months_chart": charts.line_chart(
            "graphique-mois", "Demandes et entrées par mois",
            "Deux courbes : demandes en trait plein avec des ronds, entrées en tirets avec des carrés ; "
            "chaque point porte sa valeur, reprise dans le tableau qui suit." + note,
            [row["short"] for row in months],
            {"Demandes": [r["requests_chart"] for r in months], "Entrées": [r["entries_chart"] for r in months]},
        ),
    }


# --- Allocation commission --------------------------------------------------------------------

COMMISSION_ROLES = tuple(Role)


@member_required(*COMMISSION_ROLES)
def commission_list(request):
    membership = current_membership(request)
    commissions = selectors.commissions_for(request.user, membership)
    page = Paginator(commissions, 25).get_page(request.GET.get("page"))
    conventions = []
    if request.user.is_superuser or (membership and membership.role == Role.COORDINATEUR):
        conventions = scope(Convention.objects.all(), request.user, membership).order_by("titre")
    return render(request, "rapports/commission_list.html", {"page": page, "conventions": conventions})


@member_required(Role.COORDINATEUR)
def commission_create(request, pk):
    membership = current_membership(request)
    convention = get_object_or_404(scope(Convention.objects.all(), request.user, membership), pk=pk)
    membres = Membership.objects.active().select_related("user", "partenaire").order_by("partenaire__nom")
    form = forms.CommissionForm(request.POST or None, membres=membres)
    if request.method == "POST" and form.is_valid():
        try:
            commission = services.create_commission(
                request=request, convention=convention, day=form.cleaned_data["date"],
                territoire=form.cleaned_data["territoire"], places=form.cleaned_data["places"],
                membres=form.cleaned_data["membres"],
            )
        except services.ExportRefuse as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Commission créée : les demandes en attente y sont inscrites, anonymisées.")
            return redirect("rapports:commission_detail", pk=commission.pk)
    return render(request, "rapports/commission_form.html", {"form": form, "convention": convention})


def _commission_context(request, commission):
    membership = current_membership(request)
    coordinator = selectors.coordinates(request.user, membership, commission.convention)
    reveal = coordinator and commission.decidee_le is not None
    revealed = selectors.revealed_requests(commission) if reveal else {}
    if reveal:
        audit.record(request, AuditEvent.Action.READ, commission, {"noms_reveles": len(revealed)})
    rows = [{**row, "revele": revealed.get(row["pk"])} for row in selectors.anonymised_requests(commission)]
    structures = [] if commission.decidee_le else list(selectors.commission_structures(commission))
    return {"commission": commission, "rows": rows, "coordinator": coordinator, "reveal": reveal,
            "structures": structures, "decisions": dict(Proposition.Decision.choices),
            "attribuee": Proposition.Decision.ATTRIBUEE}


@member_required(*COMMISSION_ROLES)
def commission_detail(request, pk):
    commission = get_object_or_404(selectors.commissions_for(request.user, current_membership(request)), pk=pk)
    return render(request, "rapports/commission_detail.html", _commission_context(request, commission))


@require_POST
@member_required(*COMMISSION_ROLES)
def proposition_update(request, pk):
    commissions = selectors.commissions_for(request.user, current_membership(request))
    proposition = get_object_or_404(
        Proposition.objects.select_related("commission").filter(commission__in=commissions), pk=pk
    )
    form = forms.PropositionForm(request.POST, structures=selectors.commission_structures(proposition.commission))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{proposition.code} : {error}")
    else:
        try:
            services.record_proposal(
                request=request, proposition=proposition, proposal=form.cleaned_data["proposition"],
                decision=form.cleaned_data["decision"], observations=form.cleaned_data["observations"],
                structure=form.cleaned_data["structure"],
            )
            messages.success(request, f"Demande {proposition.code} enregistrée.")
        except services.ExportRefuse as refusal:
            messages.error(request, refusal.message)
    return redirect("rapports:commission_detail", pk=proposition.commission_id)


@require_POST
@member_required(*COMMISSION_ROLES)
def commission_decide(request, pk):
    commission = get_object_or_404(selectors.commissions_for(request.user, current_membership(request)), pk=pk)
    try:
        services.close_decisions(request=request, commission=commission)
        messages.success(request, "Décisions arrêtées.")
    except services.ExportRefuse as refusal:
        messages.error(request, refusal.message)
    return redirect("rapports:commission_detail", pk=commission.pk)


@member_required(*COMMISSION_ROLES)
def commission_minutes(request, pk):
    """The minutes as a PDF: anonymised for everyone, the coordination included."""
    from weasyprint import HTML

    commission = get_object_or_404(selectors.commissions_for(request.user, current_membership(request)), pk=pk)
    html = render_to_string("rapports/commission_pdf.html", {
        "commission": commission, "rows": selectors.anonymised_requests(commission),
        "decisions": dict(Proposition.Decision.choices),
        "membres": commission.membres.select_related("partenaire").order_by("partenaire__nom"),
    })
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proces-verbal-commission-{commission.pk}.pdf"'
    return response
