"""The coordinator's dashboard and the daily digest."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from orientations.models import Orientation
from parcours.models import DigestEnvoi, Parcours
from parcours.tasks import send_daily_digests
from tests.parcours import factories as f
from tests.utils import login

State = Parcours.State
pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 20)


def pathway(convention, state=State.ACCUEIL, **dates):
    parcours = f.ParcoursFactory(orientation__convention=convention)
    Parcours.objects.filter(pk=parcours.pk).update(state=state, **dates)
    return parcours


@pytest.fixture
def world():
    convention = f.ConventionFactory()
    coordinateur = f.coordinator_of(convention)
    other = f.ConventionFactory()
    w = {
        "coordinateur": coordinateur,
        "due": pathway(convention, bilan_prevu_le=datetime.date(2026, 7, 5),
                       premier_accueil_le=datetime.date(2026, 1, 5), fin_gratuite_le=datetime.date(2026, 7, 4)),
        "overdue": pathway(convention, bilan_prevu_le=datetime.date(2026, 6, 1),
                           premier_accueil_le=datetime.date(2025, 12, 1)),
        "far": pathway(convention, bilan_prevu_le=datetime.date(2026, 9, 1),
                       premier_accueil_le=datetime.date(2026, 6, 1)),
        "elsewhere": pathway(other, bilan_prevu_le=datetime.date(2026, 6, 1)),
    }
    f.presence(w["due"], datetime.date(2026, 5, 4))
    f.presence(w["due"], datetime.date(2026, 5, 18))
    f.presence(w["overdue"], datetime.date(2026, 5, 4))
    late = f.OrientationFactory(convention=convention)
    Orientation.objects.filter(pk=late.pk).update(state="envoyee", echeance=datetime.date(2026, 6, 10))
    w["late_referral"] = late
    place = f.PlaceFactory(convention=convention)
    f.PlaceFactory(convention=convention, structure=place.structure)
    f.attribution(w["due"], debut=datetime.date(2026, 1, 5), place=place)
    return w


def blocks(response):
    return {block.key: block for block in response.context["lists"]}


@freeze_time(TODAY)
def test_dashboard_lists_what_is_due_and_late_for_own_conventions_only(client, world, django_assert_max_num_queries):
    login(client, world["coordinateur"].user, world["coordinateur"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("parcours:dashboard"))
    lists = blocks(response)
    assert [p.pk for p in lists["bilans_a_venir"].rows] == [world["due"].pk]
    assert [p.pk for p in lists["bilans_en_retard"].rows] == [world["overdue"].pk]
    assert [p.pk for p in lists["gratuites"].rows] == [world["due"].pk]
    assert [p.pk for p in lists["frequentation"].rows] == [world["overdue"].pk]
    assert [o.pk for o in lists["orientations_en_retard"].rows] == [world["late_referral"].pk]
    [occupancy] = response.context["occupancy"]
    assert (occupancy.total, occupancy.occupied, occupancy.free) == (2, 1, 1)
    content = response.content.decode()
    assert reverse("parcours:detail", args=[world["due"].pk]) in content
    assert f"Parcours n° {world['elsewhere'].pk}<" not in content


@freeze_time(TODAY)
def test_dashboard_query_count_does_not_grow_with_pathways(client, world, django_assert_num_queries):
    login(client, world["coordinateur"].user, world["coordinateur"])
    client.get(reverse("parcours:dashboard"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("parcours:dashboard"))
    convention = world["due"].convention
    for _ in range(12):
        pathway(convention, bilan_prevu_le=datetime.date(2026, 6, 2), premier_accueil_le=datetime.date(2026, 1, 1))
    with django_assert_num_queries(len(before)):
        response = client.get(reverse("parcours:dashboard"))
    lists = blocks(response)
    # Totals count every row, not only the ten shown (the attendance list counts in its own query).
    assert (lists["bilans_en_retard"].count, len(lists["bilans_en_retard"].rows)) == (13, 10)
    assert (lists["frequentation"].count, len(lists["frequentation"].rows)) == (13, 10)
    assert [row.venues for row in lists["frequentation"].rows] == [0] * 10


@freeze_time(TODAY)
def test_coordinator_home_shows_the_dashboard(client, world):
    login(client, world["coordinateur"].user, world["coordinateur"])
    response = client.get(reverse("portail:home"))
    assert "Bilans en retard" in response.content.decode()


@freeze_time("2026-06-20 07:30")
def test_daily_digest_is_sent_once_a_day_without_family_names(world):
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world["coordinateur"].user.email]
    assert f"Parcours n° {world['overdue'].pk}" in message.body
    assert f"Parcours n° {world['elsewhere'].pk}\n" not in message.body
    for parcours in (world["due"], world["overdue"]):
        assert parcours.enfant.prenom not in message.body
        assert parcours.enfant.nom not in message.body
    assert DigestEnvoi.objects.filter(day=datetime.date(2026, 6, 20)).count() == 1
    with freeze_time("2026-06-21 07:30"):
        assert send_daily_digests() == 1
    assert len(mail.outbox) == 2


@freeze_time("2026-06-20 07:30")
def test_no_digest_when_nothing_is_due():
    f.coordinator_of(f.ConventionFactory())
    assert send_daily_digests() == 0
    assert not mail.outbox
