"""URL map: Wagtail's public site at /, its admin at /cms/, the back office under /espace/."""

from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from . import views

espace_patterns = (
    [
        path("", views.home, name="home"),
        path("connexion/", views.LoginView.as_view(), name="login"),
        path("deconnexion/", views.LogoutView.as_view(), name="logout"),
        path("role/", views.switch_membership, name="switch_membership"),
        path("double-authentification/", views.mfa_recovery_codes, name="mfa_status"),
        path("double-authentification/activation/", views.mfa_enrol, name="mfa_enrol"),
        path("double-authentification/verification/", views.mfa_verify, name="mfa_verify"),
    ],
    "portail",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("espace/", include(espace_patterns)),
    path("espace/conventions/", include("conventions.urls")),
    path("espace/orientations/", include("orientations.urls")),
    path("espace/parcours/", include("parcours.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include(wagtail_urls)),
]
