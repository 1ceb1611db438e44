"""Scheduled work of the referrals: the daily deadline run."""

from celery import shared_task

from . import services


@shared_task
def traiter_echeances() -> dict[str, int]:
    """Reminds coordinators of late referrals, expires those unanswered after 30 days. Safe to run twice."""
    return services.traiter_echeances()
