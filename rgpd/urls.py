from django.urls import path

from . import views

app_name = "rgpd"

urlpatterns = [
    path("", views.familles, name="familles"),
    path("familles/<int:pk>/", views.famille, name="famille"),
    path("familles/<int:pk>/export.json", views.export_json, name="export_json"),
    path("familles/<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("familles/<int:pk>/effacement/", views.effacement, name="effacement"),
]
