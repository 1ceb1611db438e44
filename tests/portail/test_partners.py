"""Platform administrators: partner pages and the habilitation of prescribers."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from portail.models import AuditEvent, Partenaire
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory, UserFactory
from tests.utils import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(email="plateforme@exemple.fr", is_superuser=True, is_staff=True)
    login(client, user)
    client.user = user
    return client


def test_partner_list_with_search_filters_and_pagination(admin_client, django_assert_max_num_queries):
    for n in range(30):
        PartenaireFactory(nom=f"CCAS numéro {n:02d}")
    PartenaireFactory(nom="CAF de l'Hérault", kind=Partenaire.Kind.CAF, non_habilite=True)

    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("portail:partners"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 31
    assert len(response.context["page"].object_list) == 25
    found = admin_client.get(reverse("portail:partners"), {"q": "hérault"}).context["page"].object_list
    assert [p.nom for p in found] == ["CAF de l'Hérault"]
    not_authorised = admin_client.get(reverse("portail:partners"), {"habilite": "non"}).context["page"].object_list
    assert [p.nom for p in not_authorised] == ["CAF de l'Hérault"]


def test_authorising_a_prescriber_records_who_and_when(admin_client):
    partenaire = PartenaireFactory(nom="APIJE", non_habilite=True)

    with freeze_time("2026-11-22 10:30:00"):
        response = admin_client.post(
            reverse("portail:partner_habilitation", args=[partenaire.pk]), {"habilite": "oui"}, follow=True
        )

    partenaire.refresh_from_db()
    assert partenaire.habilite
    assert partenaire.habilite_par == admin_client.user
    assert partenaire.habilite_le.isoformat().startswith("2026-11-22T10:30")
    assert "« APIJE » est habilité à prescrire." in text(response)
    assert "22/11/2026" in text(response)
    event = AuditEvent.objects.get(object_id=str(partenaire.pk), content_type__model="partenaire")
    assert event.actor == admin_client.user and event.changes["habilite"] is True


def test_withdrawing_the_habilitation(admin_client):
    partenaire = PartenaireFactory()

    admin_client.post(reverse("portail:partner_habilitation", args=[partenaire.pk]), {"habilite": "non"})

    partenaire.refresh_from_db()
    assert not partenaire.habilite
    assert partenaire.habilite_par == admin_client.user
    assert AuditEvent.objects.filter(changes__habilite=False).count() == 1


@pytest.mark.parametrize("value", ["", "peut-être"])
def test_a_bad_habilitation_value_changes_nothing(admin_client, value):
    partenaire = PartenaireFactory()

    response = admin_client.post(
        reverse("portail:partner_habilitation", args=[partenaire.pk]), {"habilite": value}, follow=True
    )

    assert "Choisissez d'habiliter ou de retirer l'habilitation." in text(response)
    partenaire.refresh_from_db()
    assert partenaire.habilite
    assert not AuditEvent.objects.exists()


def test_habilitation_of_a_missing_partner_is_404(admin_client):
    response = admin_client.post(reverse("portail:partner_habilitation", args=[987654]), {"habilite": "oui"})
    assert response.status_code == 404


def test_a_partner_admin_cannot_authorise_their_own_partner(client):
    membership = MembershipFactory(admin_partenaire=True, partenaire__non_habilite=True)
    login(client, membership.user, membership)

    response = client.post(
        reverse("portail:partner_habilitation", args=[membership.partenaire_id]), {"habilite": "oui"}
    )

    assert response.status_code == 403
    membership.partenaire.refresh_from_db()
    assert not membership.partenaire.habilite


def test_create_and_update_a_partner_are_audited(admin_client):
    lunel = CommuneFactory(nom="Lunel", code_insee="34145", code_postal="34400")

    created = admin_client.post(reverse("portail:partner_create"), {
        "nom": "Mission locale de Lunel", "kind": Partenaire.Kind.MISSION_LOCALE,
        "communes": [lunel.pk], "is_active": "on",
    })
    partenaire = Partenaire.objects.get(nom="Mission locale de Lunel")
    assert created.url == reverse("portail:partner_detail", args=[partenaire.pk])
    assert list(partenaire.communes.all()) == [lunel]

    admin_client.post(reverse("portail:partner_update", args=[partenaire.pk]), {
        "nom": "Mission locale Petite Camargue", "kind": Partenaire.Kind.MISSION_LOCALE, "communes": [lunel.pk],
    })
    partenaire.refresh_from_db()
    assert partenaire.nom == "Mission locale Petite Camargue" and not partenaire.is_active

    actions = list(
        AuditEvent.objects.filter(object_id=str(partenaire.pk)).order_by("pk").values_list("action", "changes")
    )
    assert actions[0][0] == AuditEvent.Action.CREATE
    assert actions[1] == (AuditEvent.Action.UPDATE, {"fields": ["is_active", "nom"]})


def test_bad_partner_input_writes_nothing(admin_client):
    PartenaireFactory(nom="CCAS d'Orléans")

    response = admin_client.post(reverse("portail:partner_create"), {
        "nom": "CCAS d'Orléans", "kind": "inconnu", "communes": ["999999"],
    })

    assert response.status_code == 200
    page = text(response)
    assert "Un partenaire porte déjà ce nom." in page
    assert Partenaire.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_partner_detail_shows_members_and_history(admin_client, django_assert_max_num_queries):
    partenaire = PartenaireFactory(nom="PLIE Est Héraultais")
    MembershipFactory(partenaire=partenaire, user=UserFactory(email="sophie.roux@exemple.fr"))
    admin_client.post(reverse("portail:partner_habilitation", args=[partenaire.pk]), {"habilite": "non"})

    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("portail:partner_detail", args=[partenaire.pk]))

    page = text(response)
    assert "sophie.roux@exemple.fr" in page
    assert "Modification par" in page
    assert admin_client.get(reverse("portail:partner_detail", args=[424242])).status_code == 404
