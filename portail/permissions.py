"""The one permission policy of the portal.

Access is derived from relationships the data already holds, never from a list kept aside:

* a **prescripteur** sees what their partner organisation prescribed;
* a **coordinateur** sees what belongs to the conventions and facilities they are assigned to;
* a **direction de structure** sees what happens in the facilities their partner manages;
* a **financeur** sees the reports of the conventions their partner funds, never a family file;
* an **administrateur du partenaire** manages the members of their partner;
* a superuser sees everything.

Each model that the back office shows declares how its rows relate to those memberships with
an :class:`Access` (ORM lookup paths, so this module imports no app above it), and the
selectors call :func:`scope`. Explicit per-object shares (a file shared with a mediator, a
report shared with a funder) are django-guardian object permissions with direct foreign-key
permission models; :func:`scope` adds them. Objects outside a user's scope answer 404, so
their existence does not leak.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from guardian.utils import get_user_obj_perms_model

from .access import Access
from .models import Membership, Role

# Roles whose members can open a family file: a second factor is mandatory for them.
FAMILY_FILE_ROLES = frozenset({Role.PRESCRIPTEUR, Role.COORDINATEUR, Role.DIRECTION})


def current_membership(request) -> Membership | None:
    return getattr(request, "membership", None)


def has_role(request, *roles: str) -> bool:
    membership = current_membership(request)
    return membership is not None and membership.role in roles


class _AnyOf(In):
    """``column IN (subquery)``, written ``column = ANY(ARRAY(subquery))`` on PostgreSQL.

    The same rows, but PostgreSQL then runs the subquery once and looks the values up in the
    column's index (combining a scope's alternatives with a BitmapOr), instead of testing every
    row of the table against a hashed subquery: a page's cost follows the user's rows, not the
    whole table.
    """

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql" and not self.rhs_is_direct_value():
            return f"= ANY(ARRAY{rhs})"
        return super().get_rhs_op(connection, rhs)


def within(model, path: str, value) -> Q:
    """Rows of ``model`` whose ``path`` reaches ``value``, as a de-duplicating subquery.

    A path that starts with a foreign key filters on that key (``convention_id`` among the user's
    conventions) rather than on the row's own key (``id`` among every row of those conventions):
    the same rows, but the subquery stays as small as the user's conventions, whatever the volume.
    """
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if rest and (field.many_to_one or (field.one_to_one and field.concrete)):
        related = field.related_model
        keys = related._base_manager.filter(within(related, rest, value)).values("pk")
        return Q(_AnyOf(F(field.attname), keys.query))
    return Q(_AnyOf(F("pk"), model._base_manager.filter(**{path: value}).values("pk").query))


def scope(queryset: QuerySet, user, membership: Membership | None) -> QuerySet:
    """The rows of ``queryset`` that ``user``, acting through ``membership``, may see."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    model = queryset.model
    access: Access = model.access
    condition = Q(pk__in=[])
    if membership is not None and membership.is_active:
        role = membership.role
        if role == Role.PRESCRIPTEUR and access.prescripteur:
            condition |= Q(**{access.prescripteur: membership.partenaire_id})
        elif role == Role.COORDINATEUR:
            for path in access.coordinateur:
                condition |= within(model, path, membership)
        elif role == Role.DIRECTION and access.direction:
            condition |= within(model, access.direction, membership.partenaire_id)
        elif role == Role.FINANCEUR and access.financeur:
            condition |= within(model, access.financeur, membership.partenaire_id)
        elif role == Role.ADMIN_PARTENAIRE and access.admin_partenaire:
            condition |= Q(**{access.admin_partenaire: membership.partenaire_id})
    condition |= _shared_with(model, user)
    return queryset.filter(condition)


def _shared_with(model, user) -> Q:
    """Explicit shares: guardian object permissions ``view_<model>`` held by ``user``."""
    perm_model = get_user_obj_perms_model(model)
    if perm_model.objects.is_generic():
        return Q(pk__in=[])
    codename = f"view_{model._meta.model_name}"
    shared = perm_model.objects.filter(user=user, permission__codename=codename).values("content_object")
    return Q(_AnyOf(F("pk"), shared.query))


def member_required(*roles: str):
    """View decorator: a signed-in user acting through one of ``roles`` (or a superuser).

    Without ``roles``, any active membership will do.

    Anonymous users go to the sign-in page; a signed-in user without the role gets a 403 (the
    page exists for other roles, so nothing leaks). Object-level checks are the selectors' job.
    A user who must pass a second factor (see :func:`second_factor_redirect`) and has not yet
    done so in this session goes to the enrolment or the verification page first.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            pending = second_factor_redirect(request)
            if pending is not None:
                return pending
            membership = current_membership(request)
            allowed = request.user.is_superuser or (
                membership is not None and (not roles or membership.role in roles)
            )
            if not allowed:
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def second_factor_redirect(request):
    """A redirect to the second-factor pages when this session still owes one, else ``None``.

    Users acting through a role that opens family files, and superusers, must have verified a
    second factor in the session: without a confirmed device they go to the enrolment page,
    otherwise to the verification page, and come back to the page they asked for.
    ``settings.MFA_DISABLED_FOR_DEMO`` (local demo only) switches this off.
    """
    from . import mfa

    user = request.user
    if not mfa.second_factor_required(user, current_membership(request)) or mfa.is_verified(user):
        return None
    target = "portail:mfa_verify" if mfa.has_confirmed_device(user) else "portail:mfa_enrol"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def signed_in_required(view):
    """View decorator for pages of every signed-in user (home, role switch), second factor included."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return second_factor_redirect(request) or view(request, *args, **kwargs)

    return wrapped
