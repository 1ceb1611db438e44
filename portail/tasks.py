"""Scheduled housekeeping of the portal itself."""

import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def purge_expired_sessions() -> int:
    """Deletes expired sessions (idle sessions end after 30 minutes); safe to run twice."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("purge_expired_sessions: %d sessions supprimées", deleted)
    return deleted
