"""Demo data of the reports: last month's reports prepared, and an April allocation commission.

Idempotent: the monthly reports are unique per convention and month, the commission per
convention and date; running the seed twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from conventions.models import Convention, Signataire
from portail.models import Membership, Role

from . import services
from .models import Commission


@dataclass
class _Actor:
    user: object
    membership: object


def seed(stdout):
    services.prepare_monthly_reports(timezone.localdate())
    convention = Convention.objects.filter(coordinateurs__isnull=False).order_by("pk").first()
    if convention is None:
        return
    day = date(timezone.localdate().year, 4, 14)  # April, for the September intake (seed 004)
    if Commission.objects.filter(convention=convention, date=day).exists():
        return
    coordinator = convention.coordinateurs.filter(role=Role.COORDINATEUR).select_related("user").first()
    funders = Membership.objects.active().filter(
        role=Role.FINANCEUR,
        partenaire__in=Signataire.objects.filter(convention=convention, role=Signataire.RoleConvention.FINANCEUR)
        .values("partenaire"),
    )
    services.create_commission(
        request=_Actor(coordinator.user, coordinator), convention=convention, day=day,
        territoire="Territoire de la convention", places=2, membres=[coordinator, *funders],
    )
    stdout.write("  commission d'attribution de démonstration créée")
