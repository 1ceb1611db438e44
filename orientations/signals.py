"""Signals the referral app sends to the apps above it (which it must not import).

``orientation_acceptee`` is sent inside the acceptance transaction, with ``orientation`` and
``request`` (or ``None`` from a task): the pathway app opens the family's pathway on it, so an
accepted referral and its pathway are written together or not at all.
"""

from django.dispatch import Signal

orientation_acceptee = Signal()
