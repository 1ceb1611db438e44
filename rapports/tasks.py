"""Celery tasks of the reports: idempotent, they take ids."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def run_export(job_id: int) -> str | None:
    job = services.build_export(job_id)
    return job.state if job else None


@shared_task
def send_monthly_reports() -> int:
    return services.prepare_monthly_reports(timezone.localdate())


@shared_task
def purge_expired_exports() -> int:
    return services.purge_expired_exports()
