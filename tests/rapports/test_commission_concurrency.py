"""Two coordinators close the same commission at the same time: its referrals are accepted once."""

import threading

import pytest
from django.db import connection, connections

from conventions.models import PlaceReservee
from orientations.models import Evenement, Orientation
from parcours.models import Parcours
from portail.models import Role
from rapports import services
from rapports.models import Commission, Proposition
from tests.factories import MembershipFactory
from tests.parcours.factories import request_for
from tests.rapports.factories import ConventionFactory, D, coordinator_of, referral


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks and concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_closings_accept_each_granted_referral_once():
    convention = ConventionFactory(places=1)
    first, second = coordinator_of(convention), coordinator_of(convention)
    granted = referral(convention, first.partenaire, sent=D(2026, 3, 2))
    commission = Commission.objects.create(
        convention=convention, date=D(2026, 4, 14), territoire="Save", places_a_attribuer=1, created_by=first.user,
    )
    commission.membres.add(MembershipFactory(role=Role.FINANCEUR))
    Proposition.objects.create(
        commission=commission, orientation=granted, code="D-01", decision=Proposition.Decision.ATTRIBUEE,
        structure=PlaceReservee.objects.get(convention=convention).structure,
    )
    barrier = threading.Barrier(2)
    outcomes = {}

    def close(name, membership):
        try:
            barrier.wait(timeout=10)
            services.close_decisions(request=request_for(membership), commission=Commission.objects.get())
            outcomes[name] = "ok"
        except services.ExportRefuse as refusal:
            outcomes[name] = refusal.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(name, membership))
               for name, membership in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {"first": "ok", "second": "ok"}
    assert Orientation.objects.get(pk=granted.pk).state == Orientation.State.ACCEPTEE
    assert Parcours.objects.filter(orientation=granted).count() == 1
    assert Evenement.objects.filter(orientation=granted, cible=Orientation.State.ACCEPTEE).count() == 1
