"""URL map: Wagtail's public site at /, its admin at /cms/, the back office under /espace/."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from . import views

# The Django admin asks for the second factor too (a session verified in the portal is accepted).
admin.site.__class__ = OTPAdminSite

espace_patterns = (
    [
        path("", views.home, name="home"),
        path("connexion/", views.LoginView.as_view(), name="login"),
        path("deconnexion/", views.LogoutView.as_view(), name="logout"),
        path("role/", views.switch_membership, name="switch_membership"),
        path("double-authentification/", views.mfa_recovery_codes, name="mfa_status"),
        path("double-authentification/activation/", views.mfa_enrol, name="mfa_enrol"),
        path("double-authentification/verification/", views.mfa_verify, name="mfa_verify"),
        path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
        path("mot-de-passe/modifie/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
        path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
        path("mot-de-passe/oublie/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
        path(
            "mot-de-passe/reinitialisation/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "mot-de-passe/reinitialise/", views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
        path("membres/", views.members, name="members"),
        path("membres/inviter/", views.member_invite, name="member_invite"),
        path("membres/<int:pk>/desactiver/", views.member_deactivate, name="member_deactivate"),
        path("membres/<int:pk>/reactiver/", views.member_reactivate, name="member_reactivate"),
        path("invitations/<int:pk>/annuler/", views.invitation_cancel, name="invitation_cancel"),
        path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
        path("partenaires/", views.partners, name="partners"),
        path("partenaires/nouveau/", views.partner_edit, name="partner_create"),
        path("partenaires/<int:pk>/", views.partner_detail, name="partner_detail"),
        path("partenaires/<int:pk>/modifier/", views.partner_edit, name="partner_update"),
        path("partenaires/<int:pk>/habilitation/", views.partner_habilitation, name="partner_habilitation"),
        path("journal/", views.audit_log, name="audit"),
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
    path("espace/rapports/", include("rapports.urls")),
    path("espace/donnees-personnelles/", include("rgpd.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include(wagtail_urls)),
]
