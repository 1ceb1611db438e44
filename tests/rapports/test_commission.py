"""The allocation commission: anonymised requests, proposals and decisions, names after the decision."""

import pytest
from django.test import TestCase
from django.urls import reverse

from orientations.models import Orientation
from portail.models import AuditEvent, Role
from rapports.models import Commission, Proposition
from tests.factories import MembershipFactory
from tests.rapports.factories import ConventionFactory, D, coordinator_of, referral
from tests.utils import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(db):
    """A Levignac-like convention with two waiting requests weighted 30 and 10, and an elected member."""
    convention = ConventionFactory(places=2, titre="Convention SIVOM de la Save")
    coordinator = coordinator_of(convention)
    elected = MembershipFactory(role=Role.FINANCEUR)
    pmi = coordinator.partenaire
    low = referral(convention, pmi, sent=D(2026, 3, 2), ponderation=10,
                   ponderation_detail=[{"critere": "qpv", "libelle": "Réside en QPV", "points": 10}])
    high = referral(convention, pmi, sent=D(2026, 3, 5), ponderation=30, urgence=True,
                    ponderation_detail=[{"critere": "monoparentale", "libelle": "Famille monoparentale", "points": 30}])
    referral(convention, pmi, sent=D(2026, 1, 5), state=Orientation.State.ACCEPTEE, answered=D(2026, 1, 6))
    high.enfant.prenom, high.enfant.nom = "Zoé", "Belkacem"
    high.enfant.save()
    return convention, coordinator, elected, high, low


def create(client, convention, coordinator, elected):
    login(client, coordinator.user, coordinator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("rapports:commission_create", args=[convention.pk]), {
            "date": "2026-04-14", "territoire": "SIVOM de la vallée de la Save", "places": "1",
            "membres": [elected.pk, coordinator.pk],
        })
    assert response.status_code == 302, response.content.decode()
    return Commission.objects.get()


def test_requests_are_coded_by_weighting_and_shown_without_names(client, setting):
    convention, coordinator, elected, high, low = setting
    commission = create(client, convention, coordinator, elected)
    codes = dict(commission.propositions.values_list("orientation", "code"))
    assert codes == {high.pk: "D-01", low.pk: "D-02"}
    login(client, elected.user, elected)
    page = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert "D-01" in page and "Famille monoparentale : 30 pts" in page and "Trois matinées par semaine" in page
    for personal in ("Zoé", "Belkacem", "Lina", "Dupré"):
        assert personal not in page
    pdf = client.get(reverse("rapports:commission_minutes", args=[commission.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_members_decide_and_only_the_coordination_sees_names_afterwards(client, setting):
    convention, coordinator, elected, _high, _low = setting
    commission = create(client, convention, coordinator, elected)
    first, second = commission.propositions.order_by("code")
    login(client, elected.user, elected)
    client.post(reverse("rapports:proposition_update", args=[first.pk]),
                {"proposition": "attribuee", "decision": "attribuee", "observations": "Urgence sociale"})
    client.post(reverse("rapports:proposition_update", args=[second.pk]),
                {"proposition": "liste_attente", "decision": "liste_attente"})
    # The elected member cannot close the decisions; the coordination can.
    client.post(reverse("rapports:commission_decide", args=[commission.pk]))
    assert Commission.objects.get().decidee_le is None
    login(client, coordinator.user, coordinator)
    before = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert "Belkacem" not in before
    client.post(reverse("rapports:commission_decide", args=[commission.pk]))
    assert Commission.objects.get().decidee_le is not None
    after = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert "Zoé Belkacem" in after
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(commission.pk)).exists()
    login(client, elected.user, elected)
    member_view = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert "Belkacem" not in member_view and "Place attribuée" in member_view
    minutes = client.get(reverse("rapports:commission_minutes", args=[commission.pk]))
    assert minutes.status_code == 200
    # Decisions are final: a later change is refused.
    client.post(reverse("rapports:proposition_update", args=[first.pk]),
                {"proposition": "ajournee", "decision": "ajournee"})
    assert Proposition.objects.get(pk=first.pk).decision == "attribuee"


def test_more_places_granted_than_available_is_refused(client, setting):
    convention, coordinator, elected, _high, _low = setting
    commission = create(client, convention, coordinator, elected)
    commission.propositions.update(decision="attribuee", proposition="attribuee")
    response = client.post(reverse("rapports:commission_decide", args=[commission.pk]), follow=True)
    assert "Plus de places attribuées que de places à attribuer." in response.content.decode()
    assert Commission.objects.get().decidee_le is None


def test_strangers_get_404(client, setting):
    convention, coordinator, elected, _high, _low = setting
    commission = create(client, convention, coordinator, elected)
    stranger = coordinator_of(ConventionFactory())
    login(client, stranger.user, stranger)
    assert client.get(reverse("rapports:commission_detail", args=[commission.pk])).status_code == 404
    assert client.get(reverse("rapports:commission_create", args=[convention.pk])).status_code == 404
