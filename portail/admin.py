from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, Commune, Membership, Partenaire, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("partenaire", "role", "is_active", "deactivated_at")
    autocomplete_fields = ("partenaire",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "password1", "password2")}),
    )
    inlines = [MembershipInline]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("nom", "code_insee", "code_postal")
    search_fields = ("nom", "code_insee", "code_postal")


@admin.register(Partenaire)
class PartenaireAdmin(admin.ModelAdmin):
    list_display = ("nom", "kind", "is_active", "habilite", "habilite_le")
    list_filter = ("kind", "is_active", "habilite")
    search_fields = ("nom",)
    filter_horizontal = ("communes",)
    readonly_fields = ("habilite_par", "habilite_le")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail."""

    list_display = ("at", "actor", "action", "object_label")
    list_filter = ("action", "content_type")
    search_fields = ("object_label", "actor__email")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
