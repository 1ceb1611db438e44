"""The audit trail: who can browse what; filters; nobody edits or deletes it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portail import audit
from portail.models import AuditEvent, Partenaire
from tests.factories import MembershipFactory, PartenaireFactory, UserFactory
from tests.portail.factories import admin_of
from tests.utils import login, text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def event(actor, action=AuditEvent.Action.UPDATE, obj=None, at=None, membership=None):
    entry = audit.record(actor, action, obj)
    if membership is not None:
        entry.membership = membership
    if at is not None:
        entry.at = at
    entry.save()
    return entry


def listed(response):
    return list(response.context["page"].object_list)


def test_a_superuser_browses_everything_with_filters(client, django_assert_max_num_queries):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    alice, bob = MembershipFactory(), MembershipFactory(partenaire=PartenaireFactory())
    partner = alice.partenaire
    read = event(alice.user, AuditEvent.Action.READ, partner, at=datetime(2026, 11, 2, 9, tzinfo=PARIS))
    change = event(bob.user, AuditEvent.Action.UPDATE, partner, at=datetime(2026, 11, 20, 9, tzinfo=PARIS))
    for _ in range(60):
        event(bob.user, AuditEvent.Action.CREATE, bob)
    login(client, superuser)
    url = reverse("portail:audit")

    with django_assert_max_num_queries(12):
        everything = client.get(url)
    assert everything.context["page"].paginator.count == 62
    assert len(listed(everything)) == 50

    assert listed(client.get(url, {"action": "read"})) == [read]
    assert listed(client.get(url, {"auteur": alice.user.email})) == [read]
    assert listed(client.get(url, {"du": "2026-11-10", "au": "2026-11-21"})) == [change]
    content_type = read.content_type_id
    assert set(listed(client.get(url, {"type": content_type}))) == {read, change}


def test_bad_filters_are_explained_not_crashed(client):
    login(client, UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("portail:audit"), {"du": "32/13/2026", "type": "999999", "au": "2026-01-01"})

    assert response.status_code == 200
    assert "Saisissez une date valide." in text(response)


def test_a_partner_admin_sees_only_their_members_actions(client):
    admin = admin_of()
    colleague = MembershipFactory(partenaire=admin.partenaire)
    stranger = MembershipFactory(partenaire=PartenaireFactory())
    mine = event(colleague.user, obj=colleague.partenaire, membership=colleague)
    event(stranger.user, obj=stranger.partenaire, membership=stranger)
    event(None, obj=stranger.partenaire)
    login(client, admin.user, admin)

    response = client.get(reverse("portail:audit"))

    assert response.status_code == 200
    assert listed(response) == [mine]


@pytest.mark.parametrize("trait", ["prescripteur", "coordinateur", "financeur", "direction"])
def test_other_roles_cannot_browse_the_trail(client, trait):
    membership = MembershipFactory(**{trait: True})
    login(client, membership.user, membership)

    assert client.get(reverse("portail:audit")).status_code == 403


def test_the_trail_has_no_edit_or_delete_page(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    entry = event(superuser, obj=PartenaireFactory())
    login(client, superuser)

    change = client.post(reverse("admin:portail_auditevent_change", args=[entry.pk]), {"action": "delete"})
    delete = client.post(reverse("admin:portail_auditevent_delete", args=[entry.pk]), {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=entry.pk, action=AuditEvent.Action.UPDATE).exists()


def test_changes_to_partners_in_the_django_admin_are_audited(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    partenaire = PartenaireFactory(nom="APIJE", kind=Partenaire.Kind.AUTRE)
    login(client, superuser)

    response = client.post(reverse("admin:portail_partenaire_change", args=[partenaire.pk]), {
        "nom": "APIJE Lunel", "kind": Partenaire.Kind.AUTRE, "is_active": "on", "habilite": "on",
    })

    assert response.status_code == 302
    entry = AuditEvent.objects.get(object_id=str(partenaire.pk), content_type__model="partenaire")
    assert entry.actor == superuser and "nom" in entry.changes["fields"]
