from celery import shared_task

from . import services


@shared_task
def anonymise_expired():
    """Daily: anonymise the families and delete the attachments past their retention date."""
    return services.anonymise_expired()
