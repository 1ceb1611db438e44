from django.urls import path

from . import views

app_name = "rapports"

urlpatterns = [
    path("", views.index, name="index"),
    path("conventions/<int:pk>/", views.convention_report, name="convention_report"),
    path("conventions/<int:pk>/export/", views.export_start, name="export_start"),
    path("observatoire/", views.observatory, name="observatoire"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/etat/", views.export_status, name="export_status"),
    path("exports/<int:pk>/fichier/", views.export_download, name="export_download"),
]
