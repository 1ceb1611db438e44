from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from . import mfa, selectors, services
from .forms import (
    AuditFilterForm,
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    MemberFilterForm,
    MembershipChoiceForm,
    PartenaireFilterForm,
    PartenaireForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    TokenForm,
)
from .middleware import SESSION_KEY
from .models import Invitation, Membership, Partenaire, Role
from .pagination import paginate
from .permissions import member_required, scope, second_factor_redirect, signed_in_required


class LoginView(auth_views.LoginView):
    template_name = "portail/login.html"
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


# --- Password reset and change (Django's views, French templates) -------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link to the address if an active account has it; says the same either way."""

    template_name = "portail/password/reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "portail/emails/password_reset.txt"
    subject_template_name = "portail/emails/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.WAGTAIL_SITE_NAME}
    success_url = reverse_lazy("portail:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portail/password/reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password (CNIL rules) and lifts a lockout of the account."""

    template_name = "portail/password/reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("portail:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_lockout(username=form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portail/password/reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portail/password/change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("portail:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            pending = second_factor_redirect(request)
            if pending is not None:
                return pending
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portail/password/change_done.html"


def _safe_next(request, default="portail:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _redirect_with_next(name, target):
    return redirect(f"{reverse(name)}?{urlencode({'next': target})}")


@signed_in_required
def home(request):
    """The signed-in user's home: what their current role has to do today."""
    membership = request.membership
    template = f"portail/home/{membership.role}.html" if membership else "portail/home/none.html"
    return render(request, "portail/home.html", {"role_template": template})


@signed_in_required
@require_POST
def switch_membership(request):
    """Acts from now on through another of the user's memberships (shown in the header)."""
    form = MembershipChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = next((m for m in request.memberships if m.pk == form.cleaned_data["membership"]), None)
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.pk
    messages.success(request, f"Vous agissez maintenant en tant que « {membership} ».")
    return redirect(_safe_next(request))


@login_required
def mfa_enrol(request):
    """Enrols a TOTP application: QR code and secret, then a first code confirms it."""
    if mfa.has_confirmed_device(request.user) and not mfa.is_verified(request.user):
        return _redirect_with_next("portail:mfa_verify", _safe_next(request))
    device = mfa.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_enrolment(request, device, form.cleaned_data["token"])
        if codes is not None:
            messages.success(request, "Votre application d'authentification est enregistrée.")
            return render(request, "portail/mfa_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("token", "Ce code est incorrect ou a expiré. Saisissez le code affiché maintenant.")
    return render(request, "portail/mfa_enrol.html", {
        "form": form, "qr_svg": mfa.qr_code_svg(device), "secret": mfa.secret_text(device),
        "next": _safe_next(request, default=""),
    })


@login_required
def mfa_verify(request):
    """Asks for the code of the application (or a recovery code) once per session."""
    if not mfa.has_confirmed_device(request.user):
        return redirect("portail:mfa_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["token"]):
            remaining = mfa.remaining_recovery_codes(request.user)
            if remaining <= 3:
                messages.warning(
                    request, f"Il vous reste {remaining} code{'s' if remaining > 1 else ''} de secours : "
                    "générez-en de nouveaux depuis la page « Double authentification ».",
                )
            return redirect(_safe_next(request))
        form.add_error("token", "Ce code est incorrect, a expiré ou a déjà servi.")
    return render(request, "portail/mfa_verify.html", {"form": form, "next": _safe_next(request, default="")})


@signed_in_required
def mfa_recovery_codes(request):
    """Shows how many recovery codes remain; a POST replaces them (shown once)."""
    if not mfa.is_verified(request.user):
        return _redirect_with_next("portail:mfa_verify", request.get_full_path())
    if request.method == "POST":
        codes = mfa.regenerate_recovery_codes(request)
        messages.success(request, "Vos nouveaux codes de secours remplacent les précédents.")
        return render(request, "portail/mfa_codes.html", {"codes": codes, "next": ""})
    return render(request, "portail/mfa_status.html", {"remaining": mfa.remaining_recovery_codes(request.user)})


# --- Members of a partner (partner administrators) ---------------------------------------------


@member_required(Role.ADMIN_PARTENAIRE)
def members(request):
    """The members of the partner(s) the user administers: search, filters, pagination."""
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.members(
        request.user, request.membership,
        q=filters.get("q", ""), role=filters.get("role", ""), status=filters.get("statut", ""),
    )
    page, query = paginate(request, queryset)
    return render(request, "portail/members.html", {
        "form": form, "page": page, "query": query,
        "invitations": selectors.pending_invitations(request.user, request.membership),
    })


@member_required(Role.ADMIN_PARTENAIRE)
def member_invite(request):
    partenaires = list(selectors.administered_partenaires(request.user, request.membership))
    form = InvitationForm(request.POST or None, partenaires=Partenaire.objects.filter(
        pk__in=[p.pk for p in partenaires]
    ))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite(request, data["partenaire"], data["email"], data["role"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, "L'invitation est envoyée ; le lien est valable 7 jours.")
            return redirect("portail:members")
    return render(request, "portail/member_invite.html", {"form": form})


def _scoped_membership(request, pk):
    return get_object_or_404(scope(Membership.objects.select_related("user", "partenaire"),
                                   request.user, request.membership), pk=pk)


@member_required(Role.ADMIN_PARTENAIRE)
@require_POST
def member_deactivate(request, pk):
    membership = _scoped_membership(request, pk)
    try:
        services.set_membership_active(request, membership, active=False)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"L'accès de {membership.user} est désactivé.")
    return redirect("portail:members")


@member_required(Role.ADMIN_PARTENAIRE)
@require_POST
def member_reactivate(request, pk):
    membership = _scoped_membership(request, pk)
    services.set_membership_active(request, membership, active=True)
    messages.success(request, f"L'accès de {membership.user} est réactivé.")
    return redirect("portail:members")


@member_required(Role.ADMIN_PARTENAIRE)
@require_POST
def invitation_cancel(request, pk):
    invitation = get_object_or_404(scope(Invitation.objects.select_related("partenaire"),
                                         request.user, request.membership), pk=pk)
    services.cancel_invitation(request, invitation)
    messages.success(request, "L'invitation est annulée : son lien ne fonctionne plus.")
    return redirect("portail:members")


def invitation_accept(request, token):
    """The invited person's page: a new account sets a name and a password, then enrols TOTP;
    a signed-in account with the invited address just accepts."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(request, "portail/invitation_invalid.html", {"message": str(error)}, status=410)
    user = request.user if request.user.is_authenticated else None
    form = None if user is not None else InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        fields = form.cleaned_data if form is not None else {}
        try:
            membership = services.accept_invitation(
                token, user, first_name=fields.get("first_name", ""), last_name=fields.get("last_name", ""),
                password=fields.get("password1", ""),
            )
        except services.InvitationError as error:
            return render(request, "portail/invitation_invalid.html", {"message": str(error)}, status=410)
        if user is None:
            auth_login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = membership.pk
        messages.success(request, f"Bienvenue : vous êtes maintenant « {membership} ».")
        if mfa.has_confirmed_device(membership.user):
            return redirect("portail:home")
        return _redirect_with_next("portail:mfa_enrol", reverse("portail:home"))
    return render(request, "portail/invitation_accept.html", {"invitation": invitation, "form": form})


# --- Partners and habilitation (platform administrators) ---------------------------------------


def _superuser_only(request):
    if not request.user.is_superuser:
        raise PermissionDenied("Réservé aux administrateurs de la plateforme.")


@member_required()
def partners(request):
    _superuser_only(request)
    form = PartenaireFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.partenaires(
        q=filters.get("q", ""), kind=filters.get("kind", ""), habilite=filters.get("habilite", "")
    )
    page, query = paginate(request, queryset)
    return render(request, "portail/partners.html", {"form": form, "page": page, "query": query})


@member_required()
def partner_detail(request, pk):
    _superuser_only(request)
    partenaire = get_object_or_404(Partenaire.objects.select_related("habilite_par"), pk=pk)
    return render(request, "portail/partner_detail.html", {
        "partenaire": partenaire,
        "communes": partenaire.communes.all(),
        "memberships": selectors.members(request.user, request.membership, partenaire=partenaire)[:50],
        "history": selectors.partner_history(partenaire)[:20],
    })


@member_required()
def partner_edit(request, pk=None):
    _superuser_only(request)
    partenaire = get_object_or_404(Partenaire, pk=pk) if pk is not None else Partenaire()
    form = PartenaireForm(request.POST or None, instance=partenaire)
    if request.method == "POST" and form.is_valid():
        partenaire = services.save_partenaire(request, form.save(commit=False), form.cleaned_data["communes"])
        messages.success(request, f"Le partenaire « {partenaire} » est enregistré.")
        return redirect("portail:partner_detail", pk=partenaire.pk)
    return render(request, "portail/partner_form.html", {"form": form, "partenaire": partenaire})


@member_required()
@require_POST
def partner_habilitation(request, pk):
    _superuser_only(request)
    partenaire = get_object_or_404(Partenaire, pk=pk)
    decision = request.POST.get("habilite")
    if decision not in ("oui", "non"):
        messages.error(request, "Choisissez d'habiliter ou de retirer l'habilitation.")
        return redirect("portail:partner_detail", pk=pk)
    partenaire = services.set_habilitation(request, partenaire, decision == "oui")
    messages.success(
        request,
        f"« {partenaire} » est habilité à prescrire." if partenaire.habilite
        else f"« {partenaire} » n'est plus habilité à prescrire.",
    )
    return redirect("portail:partner_detail", pk=pk)


# --- Audit trail (read-only) ------------------------------------------------------------------


@member_required(Role.ADMIN_PARTENAIRE)
def audit_log(request):
    """The audit trail: all of it for superusers; a partner admin sees their members' actions."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.audit_events(
        request.user, request.membership, action=filters.get("action", ""), content_type=filters.get("type"),
        actor=filters.get("auteur", ""), start=filters.get("du"), end=filters.get("au"),
    )
    page, query = paginate(request, queryset, per_page=50)
    return render(request, "portail/audit_log.html", {"form": form, "page": page, "query": query})
