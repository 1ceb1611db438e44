"""Hardening headers that Django's own middleware does not set.

:class:`HardeningMiddleware` sits right after django-csp's ``CSPMiddleware`` in ``MIDDLEWARE`` (so
its response hook runs first) and:

* marks every response that may carry personal data ``Cache-Control: no-store``: the paths under
  ``settings.NO_STORE_PATH_PREFIXES`` (the back office, the Django and Wagtail admins) and every
  response to a signed-in user, so neither the browser nor a shared proxy keeps a family file;
* relaxes the Content-Security-Policy for ``settings.CSP_RELAXED_PATH_PREFIXES`` only (Wagtail's
  admin renders inline ``<script>`` blocks in its panels and date widgets), everywhere else the
  strict policy of ``settings.CONTENT_SECURITY_POLICY`` applies;
* adds a ``Permissions-Policy`` that switches off the browser features the portal never uses.

``X-Frame-Options``, ``Referrer-Policy``, ``X-Content-Type-Options``, HSTS and the secure cookies
are Django settings (see ``portail/settings.py``).
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

RELAXED_DIRECTIVES = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}


def holds_personal_data(request) -> bool:
    """True for a request whose answer may show personal data."""
    if request.path_info.startswith(tuple(settings.NO_STORE_PATH_PREFIXES)):
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class HardeningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if holds_personal_data(request):
            add_never_cache_headers(response)
        if request.path_info.startswith(tuple(settings.CSP_RELAXED_PATH_PREFIXES)):
            response._csp_update = RELAXED_DIRECTIVES
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
