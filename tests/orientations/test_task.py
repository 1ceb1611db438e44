"""The daily deadline task: reminders of late referrals, expiry after 30 days, idempotence."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from orientations import tasks
from orientations.models import Orientation

from .factories import OrientationFactory

pytestmark = pytest.mark.django_db


def sent_on(monde, day: date, **kwargs):
    return OrientationFactory(
        state=Orientation.State.ENVOYEE, sent_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        echeance=day + timedelta(days=10), convention=monde.convention_pmi,
        famille__created_by_partenaire=monde.pmi, **kwargs,
    )


def run(day: str, capture):
    with freeze_time(f"{day} 07:00"), capture(execute=True):
        return tasks.traiter_echeances.delay().get()


def test_a_late_referral_is_reminded_once_a_day(monde, django_capture_on_commit_callbacks):
    sent_on(monde, date(2026, 11, 1))   # answer due 11/11
    sent_on(monde, date(2026, 11, 15))  # still within its delay on 22/11
    first = run("2026-11-22", django_capture_on_commit_callbacks)
    assert first["relances"] == 1 and first["expirees"] == 0
    [reminder] = mail.outbox
    assert reminder.to == [monde.coord_orleans.user.email]
    assert reminder.subject == "1 orientation en attente de réponse"
    assert "/espace/orientations/file/?retard=1" in reminder.body

    again = run("2026-11-22", django_capture_on_commit_callbacks)
    assert again["relances"] == 0 and len(mail.outbox) == 1   # twice a day: nothing twice

    run("2026-11-23", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2                               # the next day, reminded again


def test_unanswered_after_30_days_expires_and_tells_the_prescriber(monde, django_capture_on_commit_callbacks):
    old = sent_on(monde, date(2026, 10, 22))
    day_29 = run("2026-11-20", django_capture_on_commit_callbacks)
    assert day_29["expirees"] == 0
    mail.outbox.clear()

    result = run("2026-11-22", django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert result["expirees"] == 1 and old.state == Orientation.State.EXPIREE
    assert [m.to for m in mail.outbox] == [[old.prescripteur.email]]
    assert "30 jours" in mail.outbox[0].body and old.enfant.nom not in mail.outbox[0].body
    assert old.evenements.get().auteur is None

    again = run("2026-11-22", django_capture_on_commit_callbacks)
    assert again == {"relances": 0, "expirees": 0, "ponderations": 0} and len(mail.outbox) == 1


def test_the_age_of_a_request_raises_its_weighting(monde, django_capture_on_commit_callbacks):
    waiting = sent_on(monde, date(2026, 11, 1))
    run("2026-11-14", django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert waiting.ponderation == 1 * 1
    assert waiting.ponderation_detail == [
        {"critere": "anciennete", "libelle": "Ancienneté de la demande (1 semaine)", "points": 1}]
    run("2026-11-15", django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert waiting.ponderation == 2


def test_a_run_killed_while_sending_sends_the_rest_when_redone_and_none_twice(
    monde, django_capture_on_commit_callbacks
):
    """A worker killed after recording the day's reminders, having e-mailed no coordinator yet:
    the task, handed out again, finds every referral reminded but still owes the e-mails."""
    from orientations.models import Relance, RelanceEnvoi

    late = sent_on(monde, date(2026, 11, 1))
    Relance.objects.create(orientation=late, jour=date(2026, 11, 22))  # what the killed run left

    redone = run("2026-11-22", django_capture_on_commit_callbacks)
    assert redone["relances"] == 0                     # the referral was already reminded today
    [reminder] = mail.outbox                           # but its coordinator had not been told
    assert reminder.to == [monde.coord_orleans.user.email]
    assert reminder.subject == "1 orientation en attente de réponse"
    assert RelanceEnvoi.objects.filter(user=monde.coord_orleans.user, jour=date(2026, 11, 22)).exists()

    run("2026-11-22", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1                       # redone once more: nothing twice
