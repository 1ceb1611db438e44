from django.contrib import admin

from .models import Ponderation


@admin.register(Ponderation)
class PonderationAdmin(admin.ModelAdmin):
    """The weights of each convention's priority criteria, set by the platform's administrators."""

    list_display = ("convention", "monoparentale", "qpv", "urgence", "minima_sociaux", "insertion", "anciennete")
    autocomplete_fields = ()
