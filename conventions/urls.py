from django.urls import path

from . import views

app_name = "conventions"

urlpatterns = [
    path("", views.convention_list, name="convention_list"),
    path("nouvelle/", views.convention_create, name="convention_create"),
    path("<int:pk>/", views.convention_detail, name="convention_detail"),
    path("<int:pk>/modifier/", views.convention_update, name="convention_update"),
    path("<int:pk>/places/", views.convention_reserve, name="convention_reserve"),
    path("<int:pk>/attribuer/", views.attribution_create, name="attribution_create"),
    path("attributions/<int:pk>/liberer/", views.attribution_release, name="attribution_release"),
    path("liste-attente/<int:pk>/retirer/", views.waiting_remove, name="waiting_remove"),
    path("structures/", views.structure_list, name="structure_list"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:pk>/modifier/", views.structure_update, name="structure_update"),
]
