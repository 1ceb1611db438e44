"""On PostgreSQL: many coordinators at once try to take the last place of a convention."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections, transaction

from conventions import selectors, services
from conventions.models import Attribution, PlaceReservee
from tests.conventions.factories import Actor, ConventionFactory, coordinateur, parcours_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="verrous de ligne, contrainte d'exclusion et connexions concurrentes : PostgreSQL seulement",
    ),
]
ATTEMPTS = 8


@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_concurrent_attempts_takes_the_last_place():
    coord = coordinateur()
    convention = ConventionFactory(places=2, coordinateur=coord)
    actor = Actor(coord)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 3, 2), kind="reguliere", request=actor)
    candidates = [parcours_for(convention) for _ in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list = []

    def attempt(parcours):
        try:
            barrier.wait()
            services.attribuer_place(parcours=parcours, debut=date(2026, 4, 1), kind="reguliere", request=actor)
            outcomes.append("ok")
        except services.AttributionRefusee as refusal:
            outcomes.append(refusal.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(parcours,)) for parcours in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} == {services.COMPLET.format(kind="d'accueil régulier")}
    occupancy = selectors.yearly_occupancy(2026, conventions=[convention])[convention.pk]
    assert max(occupancy["occupied"]) == 2 == occupancy["reserved"]


@pytest.mark.django_db
def test_the_database_refuses_two_attributions_of_one_slot_on_overlapping_days():
    convention = ConventionFactory(places=1)
    place = PlaceReservee.objects.get(convention=convention)
    user = coordinateur().user
    Attribution.objects.create(place=place, parcours=parcours_for(convention), debut=date(2026, 3, 2), created_by=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.create(
            place=place, parcours=parcours_for(convention), debut=date(2026, 5, 1), fin=date(2026, 5, 2),
            created_by=user,
        )
