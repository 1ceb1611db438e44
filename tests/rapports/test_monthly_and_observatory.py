"""The monthly task telling funders their report is ready, and the observatory."""

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from portail.models import Role
from rapports import rules, selectors
from rapports.models import RapportMensuel
from rapports.tasks import send_monthly_reports
from tests.factories import CommuneFactory, MembershipFactory
from tests.rapports.factories import ConventionFactory, D, StructureFactory, coordinator_of, funder_of, referral
from tests.utils import login

pytestmark = pytest.mark.django_db


@freeze_time("2026-03-01 06:00:00")
def test_the_monthly_task_tells_each_funder_once_without_personal_data(scenario):
    funder = funder_of(scenario.convention)
    colleague = MembershipFactory(partenaire=funder.partenaire, role=Role.FINANCEUR)
    MembershipFactory(partenaire=funder.partenaire, role=Role.PRESCRIPTEUR)  # not a funder member
    ConventionFactory(debut=D(2026, 3, 1))  # not running in February: no report
    assert send_monthly_reports.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([funder.user.email, colleague.user.email])
    message = mail.outbox[0]
    assert "février 2026" in message.subject
    url = reverse("rapports:convention_report", args=[scenario.convention.pk])
    assert f"{url}?kind=mois&annee=2026&mois=2" in message.body
    assert "Dupré" not in message.body and "Lina" not in message.body
    assert RapportMensuel.objects.get().notified == 2
    # Run twice: nothing more is sent.
    assert send_monthly_reports.delay().get() == 0
    assert len(mail.outbox) == 2


def test_the_monthly_link_opens_the_february_report(client, scenario):
    funder = funder_of(scenario.convention)
    login(client, funder.user, funder)
    url = reverse("rapports:convention_report", args=[scenario.convention.pk]) + "?kind=mois&annee=2026&mois=2"
    assert "février 2026" in client.get(url).content.decode()


@pytest.fixture
def territory(scenario):
    """Two communes: Levignac (2 referrals sent in 2026, one waiting since 1 June, 1 QPV family) and
    Léguevin (1 referral sent on 1 March 2026, still waiting); a facility of 2 places in Levignac."""
    levignac = CommuneFactory(nom="Levignac", code_insee="31300", code_postal="31530")
    leguevin = CommuneFactory(nom="Léguevin", code_insee="31291", code_postal="31490")
    structure = StructureFactory(commune=levignac, en_qpv=True)
    convention = ConventionFactory(places=2, places__structure=structure)
    referral(convention, scenario.pmi, sent=D(2026, 2, 3), commune=levignac, qpv=True,
             state="acceptee", answered=D(2026, 2, 5))
    referral(convention, scenario.pmi, sent=D(2026, 6, 1), commune=levignac)
    referral(convention, scenario.plie, sent=D(2026, 3, 1), commune=leguevin)
    return convention


@freeze_time("2026-07-01 10:00:00")
def test_observatory_by_commune_qpv_and_month(territory):
    data = selectors.observatory(
        selectors.Convention.objects.filter(pk=territory.pk), rules.year(2026)
    )
    rows = {row["label"]: row for row in data["communes"]}
    assert (rows["Levignac"]["requests"], rows["Levignac"]["offers"], rows["Levignac"]["waiting"]) == (2, 2, 1)
    assert rows["Levignac"]["longest_wait"] == 30
    assert (rows["Léguevin"]["requests"], rows["Léguevin"]["offers"], rows["Léguevin"]["longest_wait"]) == (1, 0, 122)
    qpv = {row["label"]: row for row in data["qpv"]}
    assert qpv["En quartier prioritaire (QPV)"]["requests"] == 1
    assert qpv["En quartier prioritaire (QPV)"]["offers"] == 2
    assert qpv["Hors QPV"]["requests"] == 2
    assert [m["requests"] for m in data["months"]][:6] == [0, 1, 1, 0, 0, 1]
    # Waiting since 1 March (122 days) and 1 June (30 days): median 76 days.
    assert data["median_wait_days"] == pytest.approx(76, abs=0.1)


@freeze_time("2026-07-01 10:00:00")
def test_observatory_page_has_accessible_charts_and_masks_for_funders(client, territory, django_assert_max_num_queries):
    coordinator = coordinator_of(territory)
    login(client, coordinator.user, coordinator)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("rapports:observatoire")).content.decode()
    assert page.count('role="img"') == 2
    assert '<title id="graphique-communes-titre">' in page and "<desc id=" in page
    assert 'stroke-dasharray="6 4"' in page  # the second series differs by its dash, not only its colour
    assert '<table class="table table-sm" id="table-communes">' in page and '<th scope="row">Levignac</th>' in page
    funder = funder_of(territory)
    login(client, funder.user, funder)
    page = client.get(reverse("rapports:observatoire") + "?kind=annee&annee=2026").content.decode()
    assert "&lt; 5" in page and "représentés à 0" in page
    assert "Dupré" not in page
