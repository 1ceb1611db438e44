"""Pages of the referrals: thin views over ``selectors`` (reads) and ``services`` (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portail import audit
from portail.models import Role
from portail.permissions import member_required

from . import rules, selectors, services
from .forms import (
    AccepterForm,
    AnnulerForm,
    DossierForm,
    FiltreForm,
    FoyerForm,
    PieceJointeForm,
    PonderationForm,
    RefuserForm,
    enfants_formset,
)
from .models import AWAITING_STATES, Orientation, PieceJointe, Ponderation

PAGE_SIZE = 25
SEARCH_SESSION_KEY = "orientations_recherche"


def _search_term(request, page: str) -> str:
    """The search term lives in the session, never in the URL: it may be a child's name."""
    terms = request.session.get(SEARCH_SESSION_KEY, {})
    return terms.get(page, "")


def _post_search(request, page: str):
    terms = request.session.get(SEARCH_SESSION_KEY, {})
    terms[page] = "" if "effacer" in request.POST else request.POST.get("q", "").strip()[:100]
    request.session[SEARCH_SESSION_KEY] = terms
    query = request.GET.urlencode()
    return redirect(request.path + (f"?{query}" if query else ""))


def _page(request, queryset):
    return selectors.list_page(queryset, request.GET.get("page"), PAGE_SIZE)


def _filters(request, conventions, states=None):
    form = FiltreForm(request.GET or None, conventions=conventions, states=states)
    values = form.cleaned_data if form.is_valid() else {}
    return form, values.get("etat", ""), values.get("convention"), values.get("retard", False)


def _require_partner_member(request):
    if request.membership is None or request.membership.role != Role.PRESCRIPTEUR:
        raise PermissionDenied("Les orientations se créent depuis un compte de prescripteur.")


@member_required(Role.PRESCRIPTEUR)
def liste(request):
    """« Mes orientations »: the partner's referrals."""
    if request.method == "POST":
        return _post_search(request, "liste")
    q = _search_term(request, "liste")
    conventions = list(selectors.conventions_filtre(request.user, request.membership))
    form, state, convention_id, _ = _filters(request, conventions)
    page = _page(request, selectors.mes_orientations(
        request.user, request.membership, state=state, convention_id=convention_id, q=q))
    return render(request, "orientations/liste.html", {
        "page": page, "filtres": form, "q": q, "today": timezone.localdate(), "querystring": _without_page(request),
    })


@member_required(Role.COORDINATEUR)
def file(request):
    """The coordinators' queue: referrals awaiting an answer, by weighting."""
    if request.method == "POST":
        return _post_search(request, "file")
    q = _search_term(request, "file")
    today = timezone.localdate()
    # The coordinator's conventions, read once: the filter, the weights links and the queue's scope.
    conventions = list(selectors.conventions_filtre(request.user, request.membership))
    states = [Orientation.State(s) for s in AWAITING_STATES]
    form, state, convention_id, late = _filters(request, conventions, states)
    page = _page(request, selectors.file_coordination(
        request.user, request.membership, state=state, convention_id=convention_id, q=q,
        late_on=today if late else None, coordinated_ids=[c.pk for c in conventions]))
    return render(request, "orientations/file.html", {
        "page": page, "filtres": form, "q": q, "today": today, "querystring": _without_page(request),
        "conventions": conventions,
    })


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _visible(request, pk) -> Orientation:
    return get_object_or_404(selectors.orientation_detail(request.user, request.membership), pk=pk)


@member_required(Role.PRESCRIPTEUR, Role.COORDINATEUR)
def detail(request, pk):
    orientation = _visible(request, pk)
    audit.record_read(request, orientation)
    membership = request.membership
    is_prescriber = membership is not None and membership.role == Role.PRESCRIPTEUR
    is_coordinator = request.user.is_superuser or (membership is not None and membership.role == Role.COORDINATEUR)
    today = timezone.localdate()
    return render(request, "orientations/detail.html", {
        "orientation": orientation,
        "famille": orientation.famille,
        "enfant": orientation.enfant,
        "parents": list(orientation.famille.parents.all()),
        "consentements": list(orientation.famille.consentements.all()),
        "evenements": list(orientation.evenements.all()),
        "pieces": list(orientation.pieces_jointes.all()),
        "age": rules.age_label(orientation.enfant.date_naissance, orientation.date_souhaitee),
        "visite_medicale": orientation.enfant.visite_medicale_requise(orientation.date_souhaitee),
        "can_edit": is_prescriber and orientation.state == Orientation.State.BROUILLON,
        "can_cancel": is_prescriber and orientation.is_open,
        "can_attach": is_prescriber and orientation.is_open,
        "can_study": is_coordinator and orientation.state == Orientation.State.ENVOYEE,
        # A referral "à décider" is seen by coordinators who do not hold the family's file yet.
        "can_edit_famille": is_coordinator and (request.user.is_superuser or orientation.convention_id is not None)
        and orientation.famille.anonymisee_le is None,
        "can_answer": is_coordinator and orientation.is_awaiting,
        "late": orientation.is_awaiting and orientation.echeance and orientation.echeance < today,
        "annuler_form": AnnulerForm(),
        "piece_form": PieceJointeForm(),
    })


def _dossier(request, orientation=None):
    _require_partner_member(request)
    if request.method == "POST":
        form = DossierForm(request.POST, request.FILES)
        envoyer = request.POST.get("action") == "envoyer"
        if form.is_valid():
            try:
                saved = services.enregistrer_orientation(
                    request=request, data=form.service_data(), fichiers=form.cleaned_data["pieces_jointes"],
                    orientation=orientation, envoyer=envoyer,
                )
            except services.Ineligible as error:
                for field, message in error.problems.items():
                    form.add_error(field if field in form.fields else None, message)
            except services.DoublonDetecte as error:
                form.add_error("confirmer_doublon" if not error.blocking else None, error.message)
                return render(request, "orientations/form.html", {
                    "form": form, "orientation": orientation, "doublons": error.doublons,
                })
            except services.OrientationError as error:
                messages.error(request, error.message)
                if orientation is not None:
                    return redirect("orientations:detail", pk=orientation.pk)
                form.add_error(None, error.message)
            else:
                if saved.state == Orientation.State.BROUILLON:
                    messages.success(request, f"Le brouillon {saved.reference} est enregistré.")
                else:
                    messages.success(request, f"L'orientation {saved.reference} est envoyée à la coordination.")
                return redirect("orientations:detail", pk=saved.pk)
    else:
        initial = DossierForm.initial_from(orientation) if orientation else {"consentement_date": timezone.localdate()}
        form = DossierForm(initial=initial)
    return render(request, "orientations/form.html", {"form": form, "orientation": orientation})


@member_required(Role.PRESCRIPTEUR)
def nouvelle(request):
    return _dossier(request)


@member_required(Role.PRESCRIPTEUR)
def modifier(request, pk):
    orientation = _visible(request, pk)
    if orientation.state != Orientation.State.BROUILLON:
        messages.info(request, f"Cette orientation est « {orientation.get_state_display().lower()} » : "
                               "elle ne se modifie plus.")
        return redirect("orientations:detail", pk=pk)
    if request.method == "GET":
        audit.record_read(request, orientation)
    return _dossier(request, orientation)


@member_required(Role.PRESCRIPTEUR)
@require_POST
def annuler(request, pk):
    orientation = _visible(request, pk)
    form = AnnulerForm(request.POST)
    form.is_valid()
    try:
        services.annuler_orientation(orientation, request=request,
                                     commentaire=form.cleaned_data.get("commentaire", ""))
    except services.OrientationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"L'orientation {orientation.reference} est annulée.")
    return redirect("orientations:detail", pk=pk)


@member_required(Role.PRESCRIPTEUR)
@require_POST
def ajouter_piece_jointe(request, pk):
    orientation = _visible(request, pk)
    form = PieceJointeForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("fichier", []):
            messages.error(request, error)
        return redirect("orientations:detail", pk=pk)
    try:
        services.ajouter_piece_jointe(orientation, form.cleaned_data["fichier"], request=request)
    except services.OrientationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le document est joint à l'orientation.")
    return redirect("orientations:detail", pk=pk)


@member_required(Role.PRESCRIPTEUR, Role.COORDINATEUR)
def piece_jointe(request, pk):
    """Serves an attachment to whoever may see its referral; 404 for anyone else."""
    visible = selectors.orientations_visibles(request.user, request.membership)
    piece = get_object_or_404(PieceJointe.objects.filter(orientation__in=visible.values("pk")), pk=pk)
    audit.record_read(request, piece)
    try:
        handle = piece.fichier.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Ce document n'est plus disponible.") from missing
    response = FileResponse(handle, content_type=piece.type_mime, as_attachment=True,
                            filename=f"piece-jointe-{piece.pk}.{piece.get_type_mime_display().lower()}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required(Role.COORDINATEUR)
def famille(request, pk):
    """The coordination corrects the family file of a referral: household, parents, children."""
    orientation = _visible(request, pk)
    famille = get_object_or_404(selectors.familles_visibles(request.user, request.membership),
                                pk=orientation.famille_id)
    if famille.anonymisee_le is not None:
        messages.info(request, "Ce dossier a été anonymisé : il ne se modifie plus.")
        return redirect("orientations:detail", pk=pk)
    enfants = list(famille.enfants.order_by("pk"))
    data = request.POST if request.method == "POST" else None
    foyer = FoyerForm(data, initial=FoyerForm.initial_from(famille))
    formset = enfants_formset(enfants, data)
    if data is None:
        audit.record_read(request, orientation)
    elif all([foyer.is_valid(), formset.is_valid()]):
        try:
            services.modifier_famille(
                orientation, request=request, foyer=foyer.cleaned_data, parents=foyer.parents_data(),
                enfants={enfant.pk: form.enfant_data() for enfant, form in zip(enfants, formset.forms, strict=True)},
            )
        except services.OrientationError as error:
            foyer.add_error(None, error.message)
        else:
            messages.success(request, "Le dossier de la famille est corrigé.")
            return redirect("orientations:detail", pk=pk)
    return render(request, "orientations/famille.html", {
        "orientation": orientation, "form": foyer, "enfants_formset": formset,
    })


@member_required(Role.COORDINATEUR)
@require_POST
def etudier(request, pk):
    orientation = _visible(request, pk)
    try:
        services.etudier_orientation(orientation, request=request)
    except services.OrientationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"L'orientation {orientation.reference} est en étude.")
    return redirect("orientations:detail", pk=pk)


@member_required(Role.COORDINATEUR)
def accepter(request, pk):
    orientation = _visible(request, pk)
    form = AccepterForm(
        request.POST or None,
        conventions=selectors.conventions_coordonnees(request.membership),
        structures=selectors.structures_coordonnees(request.membership),
        initial={"convention": orientation.convention_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accepter_orientation(orientation, request=request, **form.cleaned_data)
        except services.OrientationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"L'orientation {orientation.reference} est acceptée : le parcours est ouvert.")
            return redirect("orientations:detail", pk=pk)
    return render(request, "orientations/decision.html", {
        "orientation": orientation, "form": form, "decision": "accepter",
    })


@member_required(Role.COORDINATEUR)
def refuser(request, pk):
    orientation = _visible(request, pk)
    form = RefuserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refuser_orientation(orientation, request=request, **form.cleaned_data)
        except services.OrientationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"L'orientation {orientation.reference} est refusée ; le prescripteur est prévenu."
            )
            return redirect("orientations:detail", pk=pk)
    return render(request, "orientations/decision.html", {
        "orientation": orientation, "form": form, "decision": "refuser",
    })


@member_required(Role.COORDINATEUR)
def ponderation(request, pk):
    """The weights of one of the coordinator's conventions."""
    convention = get_object_or_404(selectors.conventions_coordonnees(request.membership), pk=pk)
    row = Ponderation.objects.filter(convention=convention).first() or Ponderation(convention=convention)
    form = PonderationForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.modifier_ponderation(convention, request=request, weights={
            name: form.cleaned_data[name] for name in PonderationForm.Meta.fields})
        messages.success(request, "La pondération est enregistrée ; les orientations en attente sont repondérées.")
        return redirect("orientations:ponderation", pk=pk)
    return render(request, "orientations/ponderation.html", {"convention": convention, "form": form})
