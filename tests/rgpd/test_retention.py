"""Retention and anonymisation (seed 003 §3.2.2 and §4.3), over the boundaries of each date."""

import datetime
import logging

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from orientations.models import Enfant, Famille, Orientation, Parent, PieceJointe
from parcours.models import Bilan, NoteSuivi, Presence, Sortie, TransitionLog
from portail.models import AuditEvent
from rgpd import rules, services
from rgpd.models import Anonymisation

from .factories import ADDRESS, FAMILY_NAME, PARENT_EMAIL, cared_family, refused_referral

D = datetime.date


@pytest.mark.parametrize(
    ("last_day", "expiry"),
    [(D(2026, 7, 31), D(2033, 1, 1)), (D(2026, 1, 1), D(2033, 1, 1)), (D(2026, 12, 31), D(2033, 1, 1))],
)
def test_a_care_file_is_kept_six_years_after_the_last_year_of_care(last_day, expiry):
    assert rules.care_file_expiry(last_day, 6) == expiry


def test_referral_and_attachment_dates_clamp_to_the_end_of_a_shorter_month():
    assert rules.referral_expiry(D(2024, 2, 29), 2) == D(2026, 2, 28)
    assert rules.attachments_expiry(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert rules.attachments_expiry(D(2026, 3, 10), 3) == D(2026, 6, 10)


def test_a_family_with_an_open_file_has_no_date():
    assert rules.family_expiry([D(2030, 1, 1), None]) is None
    assert rules.family_expiry([D(2030, 1, 1), D(2028, 5, 2)]) == D(2030, 1, 1)


def _run(day):
    with freeze_time(day):
        return services.anonymise_expired()


@pytest.mark.django_db
def test_a_cared_family_is_anonymised_on_the_first_of_january_seven_years_after(
    private_media, django_capture_on_commit_callbacks
):
    parcours = cared_family(D(2026, 7, 31))
    famille = parcours.famille
    stored = PieceJointe.objects.get(orientation__famille=famille).fichier.name

    assert _run(D(2032, 12, 31))["familles"] == 0
    assert Parent.objects.get(famille=famille).nom == FAMILY_NAME

    with django_capture_on_commit_callbacks(execute=True):
        assert _run(D(2033, 1, 1))["familles"] == 1
    parent = Parent.objects.get(famille=famille)
    assert (parent.prenom, parent.nom, parent.telephone, parent.email) == ("Anonyme", "Anonyme", "", "")
    enfant = Enfant.objects.get(famille=famille)
    assert (enfant.prenom, enfant.nom, enfant.cle_doublon) == ("Anonyme", "Anonyme", "")
    assert Famille.objects.get(pk=famille.pk).adresse == ""
    assert not NoteSuivi.objects.filter(parcours=parcours).exists()
    assert not PieceJointe.objects.filter(orientation__famille=famille).exists()
    assert not (private_media / stored).exists()
    assert Sortie.objects.get(parcours=parcours).commentaire == ""
    assert TransitionLog.objects.get(parcours=parcours, target="sortie").comment == ""
    assert Orientation.objects.get(famille=famille).besoin == ""
    # What the reports need stays: dates, hours, outcomes, amounts, the birth date, the commune.
    assert Presence.objects.filter(parcours=parcours).count() == 2
    assert Sortie.objects.get(parcours=parcours).date == D(2026, 7, 31)
    assert Bilan.objects.get(parcours=parcours).developpement_enfant == ""
    assert enfant.date_naissance == D(2024, 6, 1)
    assert Anonymisation.objects.get(famille=famille).cause == Anonymisation.Cause.RETENTION

    # The day after: nothing left to do, nothing done twice.
    events = AuditEvent.objects.count()
    assert _run(D(2033, 1, 2)) == {"familles": 0, "pieces_jointes": 0}
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_refused_referral_loses_its_attachments_after_three_months_and_its_family_after_two_years():
    orientation = refused_referral(D(2026, 3, 10))
    famille = orientation.famille

    assert _run(D(2026, 6, 9)) == {"familles": 0, "pieces_jointes": 0}
    assert PieceJointe.objects.filter(orientation=orientation).count() == 1
    assert _run(D(2026, 6, 10)) == {"familles": 0, "pieces_jointes": 1}
    assert not PieceJointe.objects.filter(orientation=orientation).exists()
    assert Parent.objects.get(famille=famille).email == PARENT_EMAIL

    assert _run(D(2028, 3, 9))["familles"] == 0
    assert _run(D(2028, 3, 10))["familles"] == 1
    assert Orientation.objects.get(pk=orientation.pk).message_refus == ""
    assert _run(D(2028, 3, 11))["familles"] == 0


@pytest.mark.django_db
def test_a_change_after_closure_does_not_restart_the_two_years():
    """Retention counts from the day the referral was closed (its timeline), not its last update."""
    orientation = refused_referral(D(2026, 3, 10))
    with freeze_time(D(2027, 1, 15)):
        Orientation.objects.get(pk=orientation.pk).save()  # e.g. a technical update of the row
    assert _run(D(2026, 6, 10))["pieces_jointes"] == 1
    assert _run(D(2028, 3, 10))["familles"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Orientation.State.ANNULEE, Orientation.State.EXPIREE])
def test_cancelled_and_expired_referrals_follow_the_two_year_rule(state):
    orientation = refused_referral(D(2026, 3, 10), state=state)
    assert _run(D(2028, 3, 10))["familles"] == 1
    assert Anonymisation.objects.filter(famille=orientation.famille).exists()


@pytest.mark.django_db
def test_an_open_referral_keeps_the_whole_family():
    closed = refused_referral(D(2020, 1, 10))
    with freeze_time(D(2020, 2, 1)):
        from tests.parcours.factories import OrientationFactory

        OrientationFactory(famille=closed.famille, enfant=closed.enfant)  # still a draft
    assert _run(D(2030, 1, 1))["familles"] == 0
    assert Famille.objects.get(pk=closed.famille.pk).adresse == ADDRESS


@pytest.mark.django_db
def test_the_command_counts_without_changing_anything_in_dry_run(capsys):
    orientation = refused_referral(D(2026, 3, 10))
    with freeze_time(D(2028, 3, 10)):
        call_command("anonymiser", "--dry-run")
    assert "1 famille(s) seraient anonymisée(s), 1 pièce(s) jointe(s) seraient supprimée(s)." in capsys.readouterr().out
    assert Parent.objects.get(famille=orientation.famille).nom == FAMILY_NAME
    assert PieceJointe.objects.filter(orientation=orientation).exists()
    with freeze_time(D(2028, 3, 10)):
        call_command("anonymiser")
    assert "1 famille(s) ont été anonymisée(s)" in capsys.readouterr().out
    assert Parent.objects.get(famille=orientation.famille).nom == "Anonyme"


@pytest.mark.django_db
def test_the_command_refuses_an_impossible_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("anonymiser", "--date", "2026-02-30")


@pytest.mark.django_db
def test_the_task_logs_counts_and_never_a_name(caplog):
    refused_referral(D(2026, 3, 10))
    caplog.set_level(logging.INFO, logger="rgpd")
    with freeze_time(D(2028, 3, 10)):
        from rgpd.tasks import anonymise_expired

        anonymise_expired.delay()
    assert "1 familles anonymisées, 1 pièces jointes supprimées" in caplog.text
    assert FAMILY_NAME not in caplog.text and PARENT_EMAIL not in caplog.text


@pytest.mark.django_db
def test_the_audit_entry_names_fields_never_values():
    orientation = refused_referral(D(2026, 3, 10))
    _run(D(2028, 3, 10))
    event = AuditEvent.objects.filter(object_id=str(orientation.famille.pk), changes__anonymisation="retention").get()
    assert "parent.nom" in event.changes["fields"]
    assert FAMILY_NAME not in str(event.changes) and FAMILY_NAME not in event.object_label


def test_the_beat_schedule_runs_the_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["rgpd-anonymisation"]
    assert entry["task"] == "rgpd.tasks.anonymise_expired"
    assert entry["schedule"].hour == {2}
