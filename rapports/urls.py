from django.urls import path

from . import views

app_name = "rapports"

urlpatterns = [
    path("", views.index, name="index"),
    path("conventions/<int:pk>/", views.convention_report, name="convention_report"),
    path("conventions/<int:pk>/export/", views.export_start, name="export_start"),
    path("observatoire/", views.observatory, name="observatoire"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("conventions/<int:pk>/commission/", views.commission_create, name="commission_create"),
    path("commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/decisions/", views.commission_decide, name="commission_decide"),
    path("commissions/<int:pk>/proces-verbal/", views.commission_minutes, name="commission_minutes"),
    path("propositions/<int:pk>/", views.proposition_update, name="proposition_update"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/etat/", views.export_status, name="export_status"),
    path("exports/<int:pk>/fichier/", views.export_download, name="export_download"),
]
