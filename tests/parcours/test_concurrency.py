"""Two coordinators move the same pathway at the same time: one wins, the other is told."""

import threading

import pytest
from django.db import connection, connections, transaction

from parcours import services
from parcours.models import Parcours, TransitionLog
from tests.parcours import factories as f

State = Parcours.State


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks and concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_one_wins_the_other_gets_the_stale_message():
    parcours = f.ParcoursFactory()
    first = f.coordinator_of(parcours.convention)
    second = f.coordinator_of(parcours.convention)
    f.reunion(parcours)
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, membership, call):
        try:
            barrier.wait(timeout=10)
            call(membership)
            outcomes[name] = "ok"
        except services.StalePage as stale:
            outcomes[name] = stale.message
        finally:
            connections.close_all()

    def contractualise(membership):
        services.contractualiser(parcours_pk=parcours.pk, expected_state=State.REPERAGE,
                                 request=f.request_for(membership))

    def abandon(membership):
        services.abandonner(parcours_pk=parcours.pk, expected_state=State.REPERAGE,
                            request=f.request_for(membership), motif="La famille se retire")

    threads = [threading.Thread(target=act, args=("contractualiser", first, contractualise)),
               threading.Thread(target=act, args=("abandonner", second, abandon))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["abandonner", "contractualiser"]
    assert list(outcomes.values()).count("ok") == 1
    assert [v for v in outcomes.values() if v != "ok"] == [services.STALE_MESSAGE]
    parcours.refresh_from_db()
    winner = next(name for name, v in outcomes.items() if v == "ok")
    assert parcours.state == {"contractualiser": State.CONTRACTUALISATION, "abandonner": State.ABANDON}[winner]
    assert TransitionLog.objects.filter(parcours=parcours).count() == 1


@pytest.mark.django_db
def test_a_second_copy_loaded_before_the_change_cannot_overwrite_it():
    """ConcurrentTransitionMixin: saving a transition from an outdated copy fails."""
    from django_fsm import ConcurrentTransition

    parcours = f.ParcoursFactory()
    f.reunion(parcours)
    stale_copy = Parcours.objects.get(pk=parcours.pk)
    parcours.abandonner(motif="Déménagement")
    parcours.save()
    stale_copy.contractualiser()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale_copy.save()
    assert Parcours.objects.get(pk=parcours.pk).state == State.ABANDON
