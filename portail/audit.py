"""Writes the audit trail: every change, every state change, every read of a family file.

Views and services call :func:`record` (or :func:`record_read`) inside the same transaction as
the change they describe, so a rolled-back change leaves no entry and a change never lacks one.
Only field names are kept for changes, never the personal values.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def _actor_and_membership(who):
    """``who`` is a request, a user or ``None`` (a scheduled task)."""
    if who is None:
        return None, None
    user = getattr(who, "user", who)
    membership = getattr(who, "membership", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return user, membership


def label(obj) -> str:
    """A label for the trail that names the kind of object and its number, not a person."""
    return f"{obj._meta.verbose_name} n° {obj.pk}"


def record(who, action: str, obj=None, changes: dict | None = None) -> AuditEvent:
    user, membership = _actor_and_membership(who)
    return AuditEvent.objects.create(
        actor=user,
        membership=membership,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=label(obj) if obj is not None else "",
        changes=changes or {},
    )


def record_read(request, obj) -> AuditEvent:
    return record(request, AuditEvent.Action.READ, obj)


def changed_fields(before: dict, after: dict) -> list[str]:
    """Names of the fields whose value differs between two ``{field: value}`` snapshots."""
    return sorted(name for name in after if before.get(name) != after.get(name))


def snapshot(obj, fields=None) -> dict:
    """The concrete field values of ``obj`` (foreign keys by id), for :func:`changed_fields`."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: getattr(obj, name) for name in names}
