"""Pages of the pathway: list, detail with its timeline, one form per step, the dashboard."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from conventions.models import Convention
from portail import audit
from portail.models import Role
from portail.permissions import FAMILY_FILE_ROLES, current_membership, member_required, scope

from . import forms, selectors, services
from .models import is_coordinator_of

READERS = tuple(FAMILY_FILE_ROLES)


@member_required(Role.COORDINATEUR, Role.DIRECTION, Role.PRESCRIPTEUR)
def parcours_list(request):
    conventions = scope(Convention.objects.all(), request.user, current_membership(request)).order_by("titre")
    filters = forms.FilterForm(request.GET or None, conventions=conventions)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.parcours_list(
        request, q=data.get("q", ""), state=data.get("state", ""), convention=data.get("convention", "")
    )
    page = selectors.list_page(qs, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "parcours/list.html", {"filters": filters, "page": page, "query": query.urlencode()})


def _detail_context(request, parcours):
    return {
        "parcours": parcours,
        "options": services.transition_options(parcours, request.user),
        "timeline": selectors.timeline(parcours),
        "notes": selectors.visible_notes(request, parcours),
        "presences": selectors.recent_presences(parcours),
        "attribution": selectors.open_attribution(parcours),
        "is_coordinator": is_coordinator_of(parcours, request.user),
        "transition_form": forms.TransitionForm(parcours=parcours),
        "abandon_form": forms.AbandonForm(parcours=parcours),
        "note_form": forms.NoteForm(parcours=parcours),
    }


@member_required(*READERS)
def parcours_detail(request, pk):
    parcours = selectors.parcours_detail(request, pk)
    audit.record_read(request, parcours)
    return render(request, "parcours/detail.html", _detail_context(request, parcours))


TRANSITIONS = {
    "contractualiser": services.contractualiser,
    "commencer_accueil": services.commencer_accueil,
    "tenir_bilan": services.tenir_bilan,
    "sortir": services.sortir,
}


def _refused(request, error):
    messages.error(request, error.message + "".join(f" {reason}" for reason in error.reasons))


@require_POST
@member_required(*READERS)
def parcours_transition(request, pk, name):
    parcours = selectors.parcours_detail(request, pk)
    if name == "abandonner":
        form = forms.AbandonForm(request.POST, parcours=parcours)
    elif name in TRANSITIONS:
        form = forms.TransitionForm(request.POST, parcours=parcours)
    else:
        raise Http404("Transition inconnue.")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("parcours:detail", pk=pk)
    state = form.cleaned_data["expected_state"]
    try:
        if name == "abandonner":
            services.abandonner(parcours_pk=pk, expected_state=state, request=request, motif=form.cleaned_data["motif"])
        else:
            TRANSITIONS[name](parcours_pk=pk, expected_state=state, request=request,
                              comment=form.cleaned_data["comment"])
    except services.ParcoursError as error:
        _refused(request, error)
    else:
        parcours.refresh_from_db()
        messages.success(request, f"Le parcours est maintenant à l'étape « {parcours.get_state_display()} ».")
    return redirect("parcours:detail", pk=pk)


# One page per step record: the form, the service, the existing record, the page title.
STEPS = {
    "reunion": (forms.ReunionForm, services.enregistrer_reunion, "reunion", "Réunion conjointe et engagement"),
    "projet": (forms.ProjetAccueilForm, services.enregistrer_projet_accueil, "projet_accueil",
               "Projet d'accueil individualisé"),
    "adaptation": (forms.AdaptationForm, services.planifier_adaptation, "adaptation", "Adaptation d'une demi-journée"),
    "bilan": (forms.BilanForm, services.enregistrer_bilan, "bilan", "Bilan éducatif et financier"),
    "sortie": (forms.SortieForm, services.enregistrer_sortie, "sortie", "Sortie vers le droit commun"),
}


def _existing(parcours, attname):
    return getattr(parcours, attname, None) if hasattr(parcours, attname) else None


@member_required(Role.COORDINATEUR)
def parcours_step(request, pk, step):
    if step not in STEPS:
        raise Http404("Étape inconnue.")
    form_class, service, attname, title = STEPS[step]
    parcours = selectors.parcours_detail(request, pk)
    instance = _existing(parcours, attname)
    form = form_class(request.POST or None, parcours=parcours, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            service(parcours_pk=pk, expected_state=form.cleaned_data["expected_state"], request=request,
                    data=form.service_data())
        except services.ParcoursError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{title} : enregistré.")
            return redirect("parcours:detail", pk=pk)
    return render(request, "parcours/step_form.html", {"parcours": parcours, "form": form, "title": title,
                                                      "step": step})


@member_required(Role.COORDINATEUR)
def parcours_place(request, pk):
    parcours = selectors.parcours_detail(request, pk)
    form = forms.PlaceForm(request.POST or None, parcours=parcours)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.attribuer(parcours_pk=pk, expected_state=data["expected_state"], request=request,
                               debut=data["debut"], kind=data["kind"], structure=data["structure"])
        except services.ParcoursError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "La place est attribuée.")
            return redirect("parcours:detail", pk=pk)
    return render(request, "parcours/step_form.html", {"parcours": parcours, "form": form,
                                                      "title": "Attribuer une place réservée", "step": "place"})


@member_required(Role.COORDINATEUR)
def parcours_presence(request, pk):
    parcours = selectors.parcours_detail(request, pk)
    form = forms.PresenceForm(request.POST or None, parcours=parcours)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enregistrer_presence(parcours_pk=pk, request=request, date=data["date"],
                                          arrivee=data["arrivee"], depart=data["depart"])
        except services.ParcoursError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Présence du {data['date']:%d/%m/%Y} enregistrée.")
            return redirect("parcours:presence", pk=pk)
    today = timezone.localdate()
    return render(request, "parcours/step_form.html", {
        "parcours": parcours, "form": form, "title": "Saisir une présence", "step": "presence",
        "presences": selectors.recent_presences(parcours),
        "this_month": selectors.monthly_attendance(parcours, today.replace(day=1), today),
    })


@require_POST
@member_required(*READERS)
def parcours_note(request, pk):
    parcours = selectors.parcours_detail(request, pk)
    form = forms.NoteForm(request.POST, parcours=parcours)
    if form.is_valid():
        try:
            services.ajouter_note(parcours_pk=pk, request=request, texte=form.cleaned_data["texte"],
                                  visibilite=form.cleaned_data["visibilite"])
        except services.ParcoursError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "La note est ajoutée au journal de suivi.")
    else:
        messages.error(request, "La note est vide : rien n'a été enregistré.")
    return redirect("parcours:detail", pk=pk)


@member_required(Role.COORDINATEUR)
def dashboard(request):
    context = selectors.dashboard(request, timezone.localdate())
    return render(request, "parcours/dashboard.html", context)
