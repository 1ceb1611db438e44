from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from . import mfa
from .forms import EmailAuthenticationForm, MembershipChoiceForm, TokenForm
from .middleware import SESSION_KEY
from .permissions import signed_in_required


class LoginView(auth_views.LoginView):
    template_name = "portail/login.html"
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
