"""The allocation commission: anonymised requests, proposals and decisions, names after the decision;
the decisions act: a granted place accepts the referral in the decided facility."""

import pytest
import weasyprint
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from conventions.models import PlaceReservee
from orientations.models import Orientation
from parcours.models import Parcours
from portail.models import AuditEvent, Role
from rapports.models import Commission, Proposition
from tests.factories import MembershipFactory
from tests.rapports.factories import ConventionFactory, D, StructureFactory, coordinator_of, referral
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


def create(client, convention, coordinator, elected, places=1):
    login(client, coordinator.user, coordinator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("rapports:commission_create", args=[convention.pk]), {
            "date": "2026-04-14", "territoire": "SIVOM de la vallée de la Save", "places": str(places),
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
    structure = PlaceReservee.objects.filter(convention=convention).first().structure
    client.post(reverse("rapports:proposition_update", args=[first.pk]),
                {"proposition": "attribuee", "decision": "attribuee", "structure": structure.pk,
                 "observations": "Urgence sociale"})
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


# --- The decisions act ------------------------------------------------------------------------

NAMES = ("Zoé", "Belkacem", "Lina", "Dupré")


def decide(client, proposition, decision, structure=None):
    data = {"proposition": decision, "decision": decision}
    if structure is not None:
        data["structure"] = structure.pk
    return client.post(reverse("rapports:proposition_update", args=[proposition.pk]), data, follow=True)


def close(client, commission):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("rapports:commission_decide", args=[commission.pk]), follow=True)


@pytest.fixture
def sitting(client, setting):
    """A commission with two places to grant in the convention's facility."""
    convention, coordinator, elected, _high, _low = setting
    commission = create(client, convention, coordinator, elected, places=2)
    structure = PlaceReservee.objects.filter(convention=convention).first().structure
    first, second = commission.propositions.order_by("code")
    return commission, structure, first, second


def test_a_granted_place_needs_a_facility(client, sitting):
    _commission, _structure, first, _second = sitting
    page = decide(client, first, "attribuee").content.decode()
    assert "D-01 : choisissez la structure de la place attribuée." in page
    assert Proposition.objects.get(pk=first.pk).decision == "a_examiner"


def test_a_facility_outside_the_convention_is_refused(client, sitting):
    commission, _structure, first, _second = sitting
    elsewhere = StructureFactory(nom="Crèche hors convention")
    ConventionFactory(places=1, places__structure=elsewhere)
    page = decide(client, first, "attribuee", elsewhere).content.decode()
    assert "Cette structure n&#x27;a pas de place réservée pour la convention de la commission." in page
    assert Proposition.objects.get(pk=first.pk).structure is None
    form = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert "Crèche hors convention" not in form


def test_closing_accepts_the_granted_referrals_and_opens_their_pathways(client, setting, sitting, monkeypatch):
    _convention, _coordinator, elected, high, low = setting
    commission, structure, first, second = sitting
    login(client, elected.user, elected)
    decide(client, first, "attribuee", structure)
    decide(client, second, "liste_attente", structure)
    assert Proposition.objects.get(pk=second.pk).structure is None
    member_page = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert structure.nom in member_page
    login(client, setting[1].user, setting[1])
    mail.outbox.clear()
    page = close(client, commission).content.decode()
    assert "Décisions arrêtées." in page
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.state, high.structure, high.convention_id) == (
        Orientation.State.ACCEPTEE, structure, commission.convention_id
    )
    assert low.state == Orientation.State.ENVOYEE
    assert list(Parcours.objects.values_list("orientation", "state")) == [(high.pk, Parcours.State.REPERAGE)]
    assert [message.to for message in mail.outbox] == [[high.prescripteur.email]]
    assert "acceptée" in mail.outbox[0].body
    for name in NAMES:
        assert name not in mail.outbox[0].subject + mail.outbox[0].body
    # The coordination sees each referral's state and a link to it.
    link = reverse("orientations:detail", args=[high.pk])
    assert "Zoé Belkacem" in page
    assert f'<a href="{link}">Orientation de D-01</a> : acceptée' in page
    assert f'<a href="{reverse("orientations:detail", args=[low.pk])}">Orientation de D-02</a> : envoyée' in page
    assert client.get(link).status_code == 200
    # Members see the facility, never the names; nor does the PDF carry them.
    login(client, elected.user, elected)
    member_page = client.get(reverse("rapports:commission_detail", args=[commission.pk])).content.decode()
    assert structure.nom in member_page and link not in member_page
    for name in NAMES:
        assert name not in member_page
    printed = []
    real_html = weasyprint.HTML

    def html(*, string):
        printed.append(string)
        return real_html(string=string)

    monkeypatch.setattr(weasyprint, "HTML", html)
    assert client.get(reverse("rapports:commission_minutes", args=[commission.pk])).content.startswith(b"%PDF")
    assert "Place attribuée : " + structure.nom in printed[0]
    for name in NAMES:
        assert name not in printed[0]


def test_a_referral_cancelled_meanwhile_leaves_everything_as_it_was(client, setting, sitting):
    _convention, _coordinator, _elected, high, low = setting
    commission, structure, first, second = sitting
    decide(client, first, "attribuee", structure)
    decide(client, second, "attribuee", structure)
    Orientation.objects.filter(pk=low.pk).update(state=Orientation.State.ANNULEE)
    mail.outbox.clear()
    page = close(client, commission).content.decode()
    assert "Décisions non arrêtées, rien n&#x27;a été enregistré." in page
    assert "D-02 : Cette orientation est « annulée » : cette action n&#x27;est plus possible." in page
    assert "D-01 :" not in page
    high.refresh_from_db()
    assert high.state == Orientation.State.ENVOYEE and high.structure is None
    assert not Parcours.objects.exists() and mail.outbox == []
    assert Commission.objects.get().decidee_le is None


def test_closing_twice_accepts_nothing_twice(client, setting, sitting):
    high = setting[3]
    commission, structure, first, second = sitting
    decide(client, first, "attribuee", structure)
    decide(client, second, "ajournee")
    close(client, commission)
    closed_at = Commission.objects.get().decidee_le
    mail.outbox.clear()
    close(client, commission)
    assert Commission.objects.get().decidee_le == closed_at
    assert Parcours.objects.filter(orientation=high).count() == 1 and mail.outbox == []


def test_a_member_who_does_not_coordinate_cannot_close(client, setting, sitting):
    _convention, _coordinator, elected, high, _low = setting
    commission, structure, first, second = sitting
    decide(client, first, "attribuee", structure)
    decide(client, second, "liste_attente")
    prescriber = MembershipFactory(role=Role.PRESCRIPTEUR)
    commission.membres.add(prescriber)
    for member in (elected, prescriber):
        login(client, member.user, member)
        page = close(client, commission).content.decode()
        assert "Seule la coordination de la convention arrête les décisions." in page
    high.refresh_from_db()
    assert high.state == Orientation.State.ENVOYEE and not Parcours.objects.exists()
    assert Commission.objects.get().decidee_le is None
