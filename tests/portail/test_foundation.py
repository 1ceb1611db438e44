"""The foundation as a user meets it: the demo world, the role home, switching roles, housekeeping."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portail.models import Membership, Partenaire, Role, User
from portail.tasks import purge_expired_sessions
from tests.factories import MembershipFactory, PartenaireFactory
from tests.utils import login


def counts():
    return (User.objects.count(), Partenaire.objects.count(), Membership.objects.count())


def test_seed_demo_builds_the_seeds_partners_once(db):
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    first = counts()
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert counts() == first
    assert Partenaire.objects.filter(nom="PLIE Est Héraultais", kind=Partenaire.Kind.PLIE, habilite=True).exists()
    assert Partenaire.objects.get(nom="CAF de l'Hérault").habilite is False
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_home_says_who_acts_for_which_partner(client, db):
    membership = MembershipFactory(role=Role.COORDINATEUR, partenaire__nom="CCAS d'Orléans")
    login(client, membership.user, membership)
    response = client.get(reverse("portail:home"))
    assert response.status_code == 200
    assert "coordinateur" in response.content.decode()
    assert "CCAS d&#x27;Orléans" in response.content.decode()


def test_a_user_switches_to_another_of_their_memberships(client, db):
    first = MembershipFactory(role=Role.PRESCRIPTEUR, partenaire__nom="PLIE Est Héraultais")
    second = MembershipFactory(user=first.user, role=Role.ADMIN_PARTENAIRE, partenaire__nom="APIJE")
    login(client, first.user, first)

    response = client.post(reverse("portail:switch_membership"), {"membership": second.pk}, follow=True)

    assert response.context["current_membership"] == second
    assert "APIJE" in response.content.decode()


def test_nobody_switches_to_someone_elses_membership(client, db):
    mine = MembershipFactory()
    theirs = MembershipFactory(partenaire=PartenaireFactory())
    login(client, mine.user, mine)
    response = client.post(reverse("portail:switch_membership"), {"membership": theirs.pk})
    assert response.status_code == 404
    assert client.get(reverse("portail:home")).context["current_membership"] == mine


def test_the_daily_housekeeping_purges_expired_sessions_only(db):
    expired = Session.objects.create(session_key="a" * 32, session_data="", expire_date=timezone.now() - timedelta(1))
    alive = Session.objects.create(session_key="b" * 32, session_data="", expire_date=timezone.now() + timedelta(1))
    assert purge_expired_sessions.delay().get() == 1
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=alive.pk).exists()
    assert "portail.tasks.purge_expired_sessions" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "portail.settings", "DEBUG": "0", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_postgresql_sessions_run_without_the_jit_compiler(db):
    """The portal's queries are short: PostgreSQL's JIT compilation only made them slower."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("réglage propre à PostgreSQL : jambe PostgreSQL de .ci/run")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
