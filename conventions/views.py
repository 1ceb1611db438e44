"""Back-office pages of facilities and conventions: thin, scoped, paginated."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portail.models import Role
from portail.permissions import member_required, scope

from . import selectors, services
from .forms import (
    AttribuerForm,
    ConventionForm,
    FermetureFormSet,
    FinancementFormSet,
    HoraireFormSet,
    LibererForm,
    ReserverPlacesForm,
    SignataireFormSet,
    StructureForm,
)
from .models import Attribution, DemandePlace, PlaceReservee, Structure

PAGE_SIZE = 25
READERS_STRUCTURES = (Role.COORDINATEUR, Role.DIRECTION)
READERS_CONVENTIONS = (Role.PRESCRIPTEUR, Role.COORDINATEUR, Role.DIRECTION, Role.FINANCEUR)
EDITORS = (Role.COORDINATEUR,)


def _membership(request):
    return getattr(request, "membership", None)


def _can_edit(request) -> bool:
    membership = _membership(request)
    return request.user.is_superuser or (membership is not None and membership.role == Role.COORDINATEUR)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request) -> str:
    """The list's filters, to keep them from page to page (``…&page=N``)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode() + "&" if params else ""


# --- Facilities ----------------------------------------------------------------------------------


@member_required(*READERS_STRUCTURES)
def structure_list(request):
    queryset = selectors.structures_for(request.user, _membership(request))
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "")
    if q:
        queryset = queryset.filter(Q(nom__icontains=q) | Q(commune__nom__icontains=q))
    if kind in Structure.Kind.values:
        queryset = queryset.filter(kind=kind)
    if request.GET.get("deficit") == "1":
        rows = [s for s in queryset if selectors.insertion_guarantee(s)["shortfall"]]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = _page(request, queryset)
    for structure in page:
        structure.guarantee = selectors.insertion_guarantee(structure)
    return render(request, "conventions/structure_list.html", {
        "page": page, "q": q, "kind": kind, "kinds": Structure.Kind.choices,
        "deficit": request.GET.get("deficit") == "1", "can_edit": _can_edit(request),
        "querystring": _querystring(request),
    })


@member_required(*READERS_STRUCTURES)
def structure_detail(request, pk):
    today = timezone.localdate()
    structure = get_object_or_404(
        selectors.structures_for(request.user, _membership(request), day=today)
        .prefetch_related("horaires", "fermetures"),
        pk=pk,
    )
    places = (
        PlaceReservee.objects.filter(structure=structure).select_related("convention")
        .order_by("convention__titre", "kind", "numero")
    )
    return render(request, "conventions/structure_detail.html", {
        "structure": structure, "guarantee": selectors.insertion_guarantee(structure), "places": places,
        "upcoming_closures": [f for f in structure.fermetures.all() if f.fin >= today],
        "can_edit": _can_edit(request), "today": today,
    })


def _structure_form(request, structure=None):
    instance = structure or Structure()
    form = StructureForm(request.POST or None, instance=instance)
    horaires = HoraireFormSet(request.POST or None, instance=instance, prefix="horaires")
    fermetures = FermetureFormSet(request.POST or None, instance=instance, prefix="fermetures")
    if request.method == "POST" and form.is_valid() and horaires.is_valid() and fermetures.is_valid():
        structure = services.enregistrer_structure(form, request=request, formsets=(horaires, fermetures))
        messages.success(request, "La structure est enregistrée.")
        return redirect("conventions:structure_detail", pk=structure.pk)
    return render(request, "conventions/structure_form.html", {
        "form": form, "formsets": (("Horaires d'ouverture", horaires), ("Fermetures", fermetures)),
        "structure": structure,
    })


@member_required(*EDITORS)
def structure_create(request):
    return _structure_form(request)


@member_required(*EDITORS)
def structure_update(request, pk):
    structure = get_object_or_404(selectors.structures_for(request.user, _membership(request)), pk=pk)
    return _structure_form(request, structure)


# --- Conventions ---------------------------------------------------------------------------------


@member_required(*READERS_CONVENTIONS)
def convention_list(request):
    today = timezone.localdate()
    queryset = selectors.conventions_for(request.user, _membership(request), day=today)
    q = request.GET.get("q", "").strip()
    periode = request.GET.get("periode", "")
    if q:
        queryset = queryset.filter(titre__icontains=q)
    if periode == "en_cours":
        queryset = queryset.filter(debut__lte=today, fin__gte=today)
    elif periode == "terminees":
        queryset = queryset.filter(fin__lt=today)
    return render(request, "conventions/convention_list.html", {
        "page": _page(request, queryset), "q": q, "periode": periode, "can_edit": _can_edit(request),
        "today": today, "querystring": _querystring(request),
    })


@member_required(*READERS_CONVENTIONS)
def convention_detail(request, pk):
    today = timezone.localdate()
    convention = get_object_or_404(
        selectors.conventions_for(request.user, _membership(request), day=today).prefetch_related(
            "signataires__partenaire", "financements__partenaire", "communes"
        ),
        pk=pk,
    )
    context = {
        "convention": convention, "today": today, "rows": selectors.occupancy_rows(convention, today),
        "can_edit": _can_edit(request),
    }
    if _can_edit(request):
        context |= _management_context(request, convention, today)
    return render(request, "conventions/convention_detail.html", context)


def _management_context(request, convention, today, **forms):
    structures = Structure.objects.filter(places_reservees__convention=convention).distinct()
    return {
        "attributions": selectors.current_attributions(convention, today),
        "waiting": selectors.waiting_list(convention),
        "attribuer_form": forms.get("attribuer_form") or AttribuerForm(
            parcours=_open_parcours(convention), structures=structures, initial={"debut": today}
        ),
        "reserver_form": forms.get("reserver_form") or ReserverPlacesForm(
            structures=selectors.structures_for(request.user, _membership(request))
        ),
        "liberer_form": LibererForm(initial={"fin": today}),
    }


CLOSED_PARCOURS_STATES = ("sortie", "abandon")


def _open_parcours(convention):
    """The convention's pathways still open (the pathway app's states, named without importing it)."""
    return convention.parcours.exclude(state__in=CLOSED_PARCOURS_STATES).order_by("pk")


def _editable_convention(request, pk):
    return get_object_or_404(selectors.conventions_for(request.user, _membership(request)), pk=pk)


def _convention_form(request, convention=None):
    form = ConventionForm(request.POST or None, instance=convention)
    instance = form.instance
    signataires = SignataireFormSet(request.POST or None, instance=instance, prefix="signataires")
    financements = FinancementFormSet(request.POST or None, instance=instance, prefix="financements")
    if request.method == "POST" and form.is_valid() and signataires.is_valid() and financements.is_valid():
        convention = services.enregistrer_convention(form, request=request, formsets=(signataires, financements))
        messages.success(request, "La convention est enregistrée.")
        return redirect("conventions:convention_detail", pk=convention.pk)
    return render(request, "conventions/convention_form.html", {
        "form": form, "formsets": (("Signataires", signataires), ("Financements", financements)),
        "convention": convention,
    })


@member_required(*EDITORS)
def convention_create(request):
    return _convention_form(request)


@member_required(*EDITORS)
def convention_update(request, pk):
    return _convention_form(request, _editable_convention(request, pk))


def _refuse(request, convention, message, **forms):
    """Show the convention page again with the refusal (status 400, nothing written)."""
    messages.error(request, message)
    today = timezone.localdate()
    # Read again with its occupancy of the day (the caller may hold a bare row, e.g. an attribution's).
    convention = selectors.conventions_for(request.user, _membership(request), day=today).get(pk=convention.pk)
    context = {
        "convention": convention, "today": today, "rows": selectors.occupancy_rows(convention, today),
        "can_edit": True,
    } | _management_context(request, convention, today, **forms)
    return render(request, "conventions/convention_detail.html", context, status=400)


@require_POST
@member_required(*EDITORS)
def convention_reserve(request, pk):
    convention = _editable_convention(request, pk)
    form = ReserverPlacesForm(request.POST, structures=selectors.structures_for(request.user, _membership(request)))
    if not form.is_valid():
        return _refuse(request, convention, "Les places n'ont pas été réservées.", reserver_form=form)
    try:
        services.reserver_places(
            convention, structure=form.cleaned_data["structure"], kind=form.cleaned_data["kind"],
            nombre=form.cleaned_data["nombre"], request=request,
        )
    except services.AttributionRefusee as refusal:
        return _refuse(request, convention, refusal.message, reserver_form=form)
    messages.success(request, "Les places sont réservées.")
    return redirect("conventions:convention_detail", pk=convention.pk)


@require_POST
@member_required(*EDITORS)
def attribution_create(request, pk):
    convention = _editable_convention(request, pk)
    structures = Structure.objects.filter(places_reservees__convention=convention).distinct()
    form = AttribuerForm(request.POST, parcours=_open_parcours(convention), structures=structures)
    if not form.is_valid():
        return _refuse(request, convention, "La place n'a pas été attribuée.", attribuer_form=form)
    data = form.cleaned_data
    try:
        services.attribuer_place(
            parcours=data["parcours"], debut=data["debut"], kind=data["kind"], request=request,
            structure=data["structure"],
        )
    except services.AttributionRefusee as refusal:
        if refusal.message.startswith("Aucune place") and data["liste_attente"]:
            return _enqueue(request, convention, data, refusal, form)
        return _refuse(request, convention, refusal.message, attribuer_form=form)
    messages.success(request, f"Une place est attribuée au parcours n° {data['parcours'].pk}.")
    return redirect("conventions:convention_detail", pk=convention.pk)


def _enqueue(request, convention, data, refusal, form):
    try:
        services.inscrire_liste_attente(
            parcours=data["parcours"], souhaitee_le=data["debut"], kind=data["kind"], request=request
        )
    except services.AttributionRefusee as second:
        return _refuse(request, convention, f"{refusal.message} {second.message}", attribuer_form=form)
    messages.warning(request, f"{refusal.message} Le parcours est inscrit sur la liste d'attente.")
    return redirect("conventions:convention_detail", pk=convention.pk)


@require_POST
@member_required(*EDITORS)
def attribution_release(request, pk):
    attribution = get_object_or_404(
        scope(Attribution.objects.select_related("place__convention"), request.user, _membership(request)),
        pk=pk,
    )
    convention = attribution.place.convention
    form = LibererForm(request.POST)
    if not form.is_valid():
        return _refuse(request, convention, "Indiquez le dernier jour d'accueil.")
    try:
        services.liberer_place(attribution, fin=form.cleaned_data["fin"], request=request)
    except services.AttributionRefusee as refusal:
        return _refuse(request, convention, refusal.message)
    messages.success(request, f"La place sera libre le {form.cleaned_data['fin'] + timedelta(days=1):%d/%m/%Y}.")
    return redirect("conventions:convention_detail", pk=convention.pk)


@require_POST
@member_required(*EDITORS)
def waiting_remove(request, pk):
    demande = get_object_or_404(
        scope(DemandePlace.objects.select_related("convention"), request.user, _membership(request)), pk=pk
    )
    try:
        services.retirer_liste_attente(demande, request=request)
    except services.AttributionRefusee as refusal:
        return _refuse(request, demande.convention, refusal.message)
    messages.success(request, "La demande est retirée de la liste d'attente.")
    return redirect("conventions:convention_detail", pk=demande.convention_id)

