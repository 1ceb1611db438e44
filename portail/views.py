from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import EmailAuthenticationForm, MembershipChoiceForm
from .middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "portail/login.html"
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    """The signed-in user's home: what their current role has to do today."""
    membership = request.membership
    template = f"portail/home/{membership.role}.html" if membership else "portail/home/none.html"
    return render(request, "portail/home.html", {"role_template": template})


@login_required
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
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "portail:home"
    return redirect(target)
