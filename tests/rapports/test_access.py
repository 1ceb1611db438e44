"""Who opens which report: coordinators their conventions, funders only what their partner funds."""

import pytest
from django.urls import reverse

from conventions.models import Financement, Signataire
from portail.models import Partenaire, Role
from tests.factories import MembershipFactory, PartenaireFactory
from tests.rapports.factories import ConventionFactory, coordinator_of, funder_of
from tests.utils import login

pytestmark = pytest.mark.django_db


def report_url(convention):
    return reverse("rapports:convention_report", args=[convention.pk]) + "?kind=semestre&annee=2026&semestre=1"


def test_a_funder_of_convention_a_cannot_open_convention_b(client, scenario):
    funder = funder_of(scenario.convention)
    other = ConventionFactory(places=1)
    funder_of(other)
    login(client, funder.user, funder)
    assert client.get(report_url(scenario.convention)).status_code == 200
    assert client.get(report_url(other)).status_code == 404
    listing = client.get(reverse("rapports:index")).content.decode()
    assert scenario.convention.titre in listing and other.titre not in listing


def test_a_partner_signing_without_funding_sees_no_report(client, scenario):
    partner = PartenaireFactory(kind=Partenaire.Kind.PLIE)
    Signataire.objects.create(convention=scenario.convention, partenaire=partner,
                              role=Signataire.RoleConvention.PRESCRIPTEUR)
    member = MembershipFactory(partenaire=partner, role=Role.FINANCEUR)
    login(client, member.user, member)
    assert client.get(report_url(scenario.convention)).status_code == 404


def test_a_funding_line_without_the_signature_opens_nothing(client, scenario):
    partner = Financement.objects.filter(convention=scenario.convention, annee=2026).first().partenaire
    member = MembershipFactory(partenaire=partner, role=Role.FINANCEUR)
    login(client, member.user, member)
    assert client.get(report_url(scenario.convention)).status_code == 404
    funder_of(scenario.convention, partner)
    assert client.get(report_url(scenario.convention)).status_code == 200


def test_coordinators_see_their_conventions_only(client, scenario):
    mine = coordinator_of(scenario.convention)
    stranger = coordinator_of(ConventionFactory())
    login(client, mine.user, mine)
    assert client.get(report_url(scenario.convention)).status_code == 200
    login(client, stranger.user, stranger)
    assert client.get(report_url(scenario.convention)).status_code == 404


def test_prescribers_have_no_report_page(client, scenario):
    prescriber = MembershipFactory(partenaire=scenario.pmi, role=Role.PRESCRIPTEUR)
    login(client, prescriber.user, prescriber)
    assert client.get(report_url(scenario.convention)).status_code == 403


def test_a_bad_period_is_a_french_error_not_a_500(client, scenario):
    mine = coordinator_of(scenario.convention)
    login(client, mine.user, mine)
    url = reverse("rapports:convention_report", args=[scenario.convention.pk])
    response = client.get(url + "?kind=personnalisee&debut=2026-05-01&fin=2026-04-01")
    assert response.status_code == 200
    assert "La fin de la période doit suivre son début." in response.content.decode()
    response = client.get(url + "?kind=mois&annee=abc")
    assert response.status_code == 200 and "Choisissez le mois." in response.content.decode()


def test_list_and_report_pages_cost_a_fixed_number_of_queries(client, scenario, django_assert_max_num_queries):
    for _ in range(5):
        ConventionFactory(places=1).coordinateurs.add(mine := coordinator_of(scenario.convention))
    login(client, mine.user, mine)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("rapports:index")).status_code == 200
    with django_assert_max_num_queries(35):
        assert client.get(report_url(scenario.convention)).status_code == 200
