from django.urls import path

from . import views

app_name = "parcours"

urlpatterns = [
    path("", views.parcours_list, name="list"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.parcours_detail, name="detail"),
    path("<int:pk>/transition/<slug:name>/", views.parcours_transition, name="transition"),
    path("<int:pk>/etape/<slug:step>/", views.parcours_step, name="step"),
    path("<int:pk>/place/", views.parcours_place, name="place"),
    path("<int:pk>/presences/", views.parcours_presence, name="presence"),
    path("<int:pk>/notes/", views.parcours_note, name="note"),
]
