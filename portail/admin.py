"""Django admin (behind the second factor, see urls.py): every change it makes is audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import AuditEvent, Commune, Invitation, Membership, Partenaire, User


class ReadOnlyAdminMixin:
    """Nobody adds, edits or deletes these rows from the admin; they are only looked at."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Records the names of the fields an admin form changed (never their values)."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
            audit.record(request, action, obj, {"fields": sorted(form.changed_data)})

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                audit.record(request, AuditEvent.Action.CREATE, obj, {"fields": ["user", "partenaire", "role"]})
            for obj, fields in formset.changed_objects:
                audit.record(request, AuditEvent.Action.UPDATE, obj, {"fields": sorted(fields)})
            for obj in formset.deleted_objects:
                audit.record(request, AuditEvent.Action.DELETE, obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(request, AuditEvent.Action.DELETE, obj)
            super().delete_model(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("partenaire", "role", "is_active", "deactivated_at")
    autocomplete_fields = ("partenaire",)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
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
class PartenaireAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("nom", "kind", "is_active", "habilite", "habilite_le")
    list_filter = ("kind", "is_active", "habilite")
    search_fields = ("nom",)
    filter_horizontal = ("communes",)
    readonly_fields = ("habilite_par", "habilite_le")

    def save_model(self, request, obj, form, change):
        if "habilite" in form.changed_data:
            obj.habilite_par, obj.habilite_le = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: invitations are sent and cancelled from the partner administrators' pages."""

    list_display = ("email", "partenaire", "role", "created_at", "expires_at", "accepted_at", "cancelled_at")
    list_filter = ("role",)
    search_fields = ("email", "partenaire__nom")
    exclude = ("token_hash",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail."""

    list_display = ("at", "actor", "action", "object_label")
    list_filter = ("action", "content_type")
    search_fields = ("object_label", "actor__email")
    date_hierarchy = "at"
