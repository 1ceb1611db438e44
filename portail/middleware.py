"""Sets ``request.membership``: the role the signed-in user is acting through right now; keeps an
idle session's 30 minutes running without writing the session on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

from .permissions import second_factor_redirect

SESSION_KEY = "portail_membership_id"
REFRESHED_KEY = "portail_refreshed_at"


class IdleSessionMiddleware:
    """Restarts the session's idle countdown (``SESSION_COOKIE_AGE``) at most once every
    ``SESSION_REFRESH_SECONDS``.

    Saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``) costs every page a write
    and a commit; marking it modified once a minute keeps the idle logout to within that minute
    (after 29 to 30 minutes without a request) for a fraction of the writes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return self.get_response(request)


class CurrentMembershipMiddleware:
    """Chooses the current membership and signs out a member deactivated meanwhile.

    The chosen membership lives in the session; without a choice, the first active one is used.
    When the membership a user was acting through has been deactivated (or its partner), the
    next request signs them out with a message: they cannot keep a session they no longer have
    a right to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(user.memberships.active().select_related("partenaire"))
            chosen_id = request.session.get(SESSION_KEY)
            if chosen_id is not None and not any(m.pk == chosen_id for m in memberships):
                if not memberships and not user.is_superuser:
                    logout(request)
                    messages.warning(
                        request,
                        "Votre accès a été désactivé. Adressez-vous à l'administrateur de votre partenaire.",
                    )
                    return self.get_response(request)
                chosen_id = None
            request.membership = next((m for m in memberships if m.pk == chosen_id), None) or (
                memberships[0] if memberships else None
            )
            request.memberships = memberships
            if request.membership is not None and request.session.get(SESSION_KEY) != request.membership.pk:
                request.session[SESSION_KEY] = request.membership.pk
        return self.get_response(request)


class CmsSecondFactorMiddleware:
    """The Wagtail editor (``/cms/``) asks for the second factor like the back office does.

    Wagtail has its own sign-in page: without this, a superuser could reach ``/cms/`` with a
    password alone. Whoever owes a second factor (see ``portail.permissions.second_factor_redirect``)
    is sent to the verification (or enrolment) page first; signing out stays possible.
    """

    PREFIX = "/cms/"
    OPEN = ("/cms/logout/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.PREFIX) and not request.path.startswith(self.OPEN):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                pending = second_factor_redirect(request)
                if pending is not None:
                    return pending
        return self.get_response(request)
