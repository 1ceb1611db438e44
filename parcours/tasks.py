"""The daily digest: one e-mail per coordinator of what is due or late, without family names."""

import logging
from types import SimpleNamespace

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portail.models import Membership, Role

from . import selectors
from .models import DigestEnvoi

logger = logging.getLogger(__name__)


def digest_body(context: dict) -> str | None:
    """The text of the digest, or ``None`` when nothing is due or late. File numbers only."""
    lines = []
    for block in context["lists"]:
        if not block.count:
            continue
        lines.append(f"{block.title} : {block.count}")
        noun = "Orientation" if block.key == "orientations_en_retard" else "Parcours"
        lines.extend(f"  - {noun} n° {row.pk}" for row in block.rows)
        if block.count > len(block.rows):
            lines.append(f"  - … et {block.count - len(block.rows)} autre(s)")
    if not lines:
        return None
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("parcours:dashboard")
    return (
        f"Bonjour,\n\nVoici ce qui est à faire ou en retard au {context['today']:%d/%m/%Y} :\n\n"
        + "\n".join(lines) + f"\n\nTableau de bord : {url}\n\nParcours Petite Enfance"
    )


def send_digest(membership: Membership, today) -> bool:
    """Sends ``membership`` its digest of ``today`` unless already sent; ``True`` if sent now."""
    actor = SimpleNamespace(user=membership.user, membership=membership)
    body = digest_body(selectors.dashboard(actor, today))
    if body is None:
        return False
    try:
        with transaction.atomic():
            DigestEnvoi.objects.create(membership=membership, day=today)
            send_mail(f"Parcours : récapitulatif du {today:%d/%m/%Y}", body, None, [membership.user.email])
    except IntegrityError:  # already sent today (a rerun, or two workers at once)
        return False
    return True


@shared_task
def send_daily_digests() -> int:
    """Idempotent per day: a rerun the same day sends nothing twice. Returns how many were sent."""
    today = timezone.localdate()
    coordinators = (
        Membership.objects.active().filter(role=Role.COORDINATEUR).select_related("user").order_by("pk")
    )
    already = set(DigestEnvoi.objects.filter(day=today).values_list("membership_id", flat=True))
    sent = sum(send_digest(m, today) for m in coordinators if m.pk not in already)
    logger.info("send_daily_digests: %d récapitulatifs envoyés", sent)
    return sent
