from django.urls import path

from . import views

app_name = "orientations"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("file/", views.file, name="file"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/famille/", views.famille, name="famille"),
    path("<int:pk>/annuler/", views.annuler, name="annuler"),
    path("<int:pk>/etudier/", views.etudier, name="etudier"),
    path("<int:pk>/accepter/", views.accepter, name="accepter"),
    path("<int:pk>/refuser/", views.refuser, name="refuser"),
    path("<int:pk>/pieces-jointes/", views.ajouter_piece_jointe, name="ajouter_piece_jointe"),
    path("pieces-jointes/<int:pk>/", views.piece_jointe, name="piece_jointe"),
    path("ponderation/<int:pk>/", views.ponderation, name="ponderation"),
]
