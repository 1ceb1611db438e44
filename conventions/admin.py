"""Administration of the CNAF barème: the platform's administrators enter each new dated barème.

Facilities, conventions and attributions are managed from the back office (``/espace/``), where
the services check permissions and write the audit trail.
"""

from django.contrib import admin

from .models import Bareme, TauxEffort


class TauxEffortInline(admin.TabularInline):
    model = TauxEffort
    extra = 0


@admin.register(Bareme)
class BaremeAdmin(admin.ModelAdmin):
    """A barème may give only what changes (a new ceiling): the rest is taken from earlier ones."""

    list_display = ("effective_from", "plancher", "plafond", "max_enfants", "source")
    ordering = ("-effective_from",)
    inlines = [TauxEffortInline]
