"""Pages of the family's rights: list of families, one family's data, exports, erasure."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from portail import audit
from portail.models import Role
from portail.pagination import paginate
from portail.permissions import member_required

from . import selectors, services
from .export import family_export
from .forms import ErasureRequestForm, FamilyFilterForm
from .models import DemandeEffacement


@member_required(Role.COORDINATEUR)
def familles(request):
    form = FamilyFilterForm(request.GET or None)
    queryset = selectors.families(request.user, request.membership)
    if form.is_valid():
        if form.cleaned_data["numero"]:
            queryset = queryset.filter(pk=form.cleaned_data["numero"])
        statut = form.cleaned_data["statut"]
        if statut:
            queryset = queryset.filter(anonymisation__isnull=statut == "actives")
    page, query = paginate(request, queryset)
    return render(request, "rgpd/familles.html", {"form": form, "page": page, "query": query})


def _famille(request, pk):
    return get_object_or_404(selectors.families(request.user, request.membership), pk=pk)


def _detail(request, famille, form, status=200):
    prefetched = selectors.with_retention_data(type(famille).objects.filter(pk=famille.pk)).get()
    context = {
        "famille": famille,
        "retention": selectors.retention_of(prefetched),
        "orientations": famille.orientations.select_related("enfant", "convention").order_by("-pk"),
        "parcours": famille.parcours.select_related("enfant", "convention").order_by("-pk"),
        "demandes": selectors.erasure_requests(famille),
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "rgpd/famille.html", context, status=status)


@member_required(Role.COORDINATEUR)
def famille(request, pk):
    famille = _famille(request, pk)
    audit.record_read(request, famille)
    return _detail(request, famille, ErasureRequestForm(initial={"recue_le": timezone.localdate()}))


@require_POST
@member_required(Role.COORDINATEUR)
def effacement(request, pk):
    famille = _famille(request, pk)
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        return _detail(request, famille, form, status=400)
    demande = services.handle_erasure_request(request.user, request.membership, famille, form.cleaned_data["recue_le"])
    if demande.decision == DemandeEffacement.Decision.ACCORDEE:
        messages.success(request, "Demande d'effacement accordée : les données de la famille ont été anonymisées.")
    else:
        messages.warning(request, f"Demande d'effacement refusée : {demande.get_motif_refus_display()}.")
    return redirect("rgpd:famille", pk=famille.pk)


def _export(request, pk, fmt):
    famille = _famille(request, pk)
    services.record_export(request, famille, fmt)
    data = family_export(selectors.family_file(famille.pk))
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
    else:
        from weasyprint import HTML

        html = render_to_string("rgpd/export_pdf.html", {"data": data})
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="famille-{famille.pk}-{stamp}.{fmt}"'
    return response


@require_POST
@member_required(Role.COORDINATEUR)
def export_json(request, pk):
    return _export(request, pk, "json")


@require_POST
@member_required(Role.COORDINATEUR)
def export_pdf(request, pk):
    return _export(request, pk, "pdf")
