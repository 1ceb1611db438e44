"""Side by side, on the same rows for the same user: our pages against the generic tools.

A. The coordinator's pathway list (``parcours:list``, permission-scoped selector, 25 a page)
   against Django admin's changelist of the same pathways: a ``ModelAdmin`` built here with the
   same columns and the same scope (``portail.permissions.scope`` in ``get_queryset``), on an
   admin site of the bench's own (the product has no admin for pathways), whose URLs are put in
   place of the product's ``/admin/`` only while the bench calls it. Both views are called directly on a
   ``RequestFactory`` request carrying the user and the membership, without the middleware, so
   that the pair differs only by the view.
B. The prescriber's « Mes orientations » (first page of 25 and the total, through
   ``orientations.selectors.mes_orientations``: the partner's referrals) against django-guardian's
   ``get_objects_for_user`` over generic object permissions: the same user receives a
   ``view_orientation`` object permission on each of the same referrals (``UserObjectPermission``
   rows, bulk-inserted, added as the world grows), and its first page of 25 and total are read.

Both members of a pair must return the same rows, or the run stops.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import get_urlconf, path, set_urlconf
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_objects_for_user

from orientations.models import Orientation
from orientations.selectors import mes_orientations
from parcours import selectors as parcours_selectors
from parcours import views as parcours_views
from parcours.models import Parcours
from portail.permissions import scope

PAGE = 25


class ScopedParcoursAdmin(admin.ModelAdmin):
    """What Django admin would give for the pathway list: same columns, same scope."""

    list_display = ("__str__", "enfant_initiales", "convention", "partenaire", "state", "bilan_prevu_le",
                    "created_at")
    list_select_related = ("convention", "enfant", "orientation__partenaire")
    list_filter = ("state",)
    list_per_page = PAGE
    ordering = ("-created_at", "-pk")

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, request.membership)

    def has_view_permission(self, request, obj=None):
        return True

    has_module_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return False

    has_add_permission = has_delete_permission = has_change_permission

    @admin.display(description="enfant")
    def enfant_initiales(self, obj):
        return obj.enfant.initiales

    @admin.display(description="prescripteur")
    def partenaire(self, obj):
        return obj.orientation.partenaire.nom


bench_site = admin.AdminSite(name="admin")
bench_site.register(Parcours, ScopedParcoursAdmin)


class _BenchURLs:
    """The product's URLs with the bench's admin site at ``/admin/`` (the templates reverse ``admin:…``)."""

    def __init__(self):
        from portail import urls

        self.urlpatterns = [
            *(p for p in urls.urlpatterns if getattr(p, "app_name", None) != "admin"
              and getattr(p, "namespace", None) != "admin"),
            path("admin/", bench_site.urls),
        ]


def changelist(request):
    urlconf = get_urlconf()
    set_urlconf(BENCH_URLS)
    try:
        return _rendered(bench_site._registry[Parcours].changelist_view(request))
    finally:
        set_urlconf(urlconf)


def _request(path: str, membership):
    request = RequestFactory().get(path)
    user = membership.user
    user.is_verified = lambda: True  # the session passed the second factor (as django_otp's middleware says)
    request.user = user
    request.membership = membership
    request.session = SessionStore()
    request._messages = default_storage(request)
    return request


def _rendered(response):
    if hasattr(response, "render"):
        response.render()
    assert response.status_code == 200, response.status_code
    return response


def _grant_views(user, referral_ids) -> None:
    """Generic object permissions ``view_orientation`` for ``user`` on each referral (bulk, added once)."""
    content_type = ContentType.objects.get_for_model(Orientation)
    permission = Permission.objects.get(content_type=content_type, codename="view_orientation")
    have = set(UserObjectPermission.objects.filter(user=user, permission=permission).values_list("object_pk",
                                                                                                   flat=True))
    UserObjectPermission.objects.bulk_create(
        (UserObjectPermission(user=user, permission=permission, content_type=content_type, object_pk=str(pk))
         for pk in referral_ids if str(pk) not in have),
        batch_size=10_000,
    )


BENCH_URLS = _BenchURLs()


def run(report, world) -> None:
    pathways = Parcours.objects.count()
    coordinator = world.coordinator
    ours = lambda: _rendered(parcours_views.parcours_list(_request("/espace/parcours/", coordinator)))  # noqa: E731
    theirs = lambda: changelist(_request("/admin/parcours/parcours/", coordinator))  # noqa: E731
    ours_rows = [p.pk for p in parcours_selectors.parcours_list(_request("/", coordinator))[:PAGE]]
    admin_rows = [p.pk for p in theirs().context_data["cl"].result_list]
    assert ours_rows == admin_rows, "la liste et le changelist ne montrent pas les mêmes parcours"
    report.measure("comparaison A1 – liste des parcours (coordination) : notre vue page 1", ours,
                   rows=pathways, target_ms=50)
    report.measure("comparaison A2 – liste des parcours (coordination) : changelist de Django admin page 1",
                   theirs, rows=pathways)

    prescriber = world.prescriber
    user = prescriber.user
    ours_qs = mes_orientations(user, prescriber)
    _grant_views(user, ours_qs.values_list("pk", flat=True))

    def ours_page():
        qs = mes_orientations(user, prescriber)
        return [o.pk for o in qs[:PAGE]], qs.count()

    def guardian_page():
        qs = get_objects_for_user(user, "orientations.view_orientation", klass=Orientation,
                                  accept_global_perms=False).order_by("-created_at", "-pk")
        return [o.pk for o in qs[:PAGE]], qs.count()

    mine, theirs_ = ours_page(), guardian_page()
    assert mine[1] == theirs_[1], f"{mine[1]} orientations d'un côté, {theirs_[1]} de l'autre"
    report.measure("comparaison B1 – « Mes orientations » : notre sélecteur page 1 + total ; lignes : "
                   "orientations du partenaire", ours_page, rows=mine[1], target_ms=50)
    report.measure("comparaison B2 – « Mes orientations » : django-guardian get_objects_for_user page 1 + total ; "
                   "lignes : permissions objet", guardian_page, rows=theirs_[1])
