"""The portal itself: settings, accounts, partners, the permission policy and the audit trail."""

from .celery import app as celery_app

__all__ = ("celery_app",)
