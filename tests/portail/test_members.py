"""Partner administrators' pages: their members, search, deactivation and reactivation."""

import pytest
from django.urls import reverse

from portail.models import AuditEvent, Invitation, Role
from tests.factories import MembershipFactory, PartenaireFactory, UserFactory
from tests.portail.factories import InvitationFactory, admin_of
from tests.utils import login, text

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_admins_partner(client, django_assert_max_num_queries):
    admin = admin_of()
    for _ in range(30):
        MembershipFactory(partenaire=admin.partenaire)
    outsider = MembershipFactory(partenaire=PartenaireFactory(), user=UserFactory(email="ailleurs@exemple.fr"))
    login(client, admin.user, admin)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("portail:members"))

    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 31
    assert len(page.object_list) == 25
    assert outsider.user.email not in text(response)
    second = client.get(reverse("portail:members"), {"page": 2})
    assert len(second.context["page"].object_list) == 6


def test_search_and_filters(client):
    admin = admin_of()
    wanted = MembershipFactory(partenaire=admin.partenaire, role=Role.COORDINATEUR,
                               user=UserFactory(last_name="Zébulon", email="z@exemple.fr"))
    MembershipFactory(partenaire=admin.partenaire, role=Role.PRESCRIPTEUR)
    gone = MembershipFactory(partenaire=admin.partenaire, is_active=False)
    login(client, admin.user, admin)

    by_name = client.get(reverse("portail:members"), {"q": "zébul"}).context["page"].object_list
    by_role = client.get(reverse("portail:members"), {"role": Role.COORDINATEUR}).context["page"].object_list
    inactive = client.get(reverse("portail:members"), {"statut": "inactif"}).context["page"].object_list
    nonsense = client.get(reverse("portail:members"), {"role": "pirate", "page": "abc"})

    assert list(by_name) == [wanted]
    assert list(by_role) == [wanted]
    assert list(inactive) == [gone]
    assert nonsense.status_code == 200


def test_deactivate_and_reactivate_a_member_are_audited(client):
    admin = admin_of()
    member = MembershipFactory(partenaire=admin.partenaire)
    login(client, admin.user, admin)

    response = client.post(reverse("portail:member_deactivate", args=[member.pk]))
    member.refresh_from_db()
    assert response.status_code == 302
    assert not member.is_active and member.deactivated_at is not None

    client.post(reverse("portail:member_reactivate", args=[member.pk]))
    member.refresh_from_db()
    assert member.is_active and member.deactivated_at is None

    events = AuditEvent.objects.filter(object_id=str(member.pk), content_type__model="membership")
    assert events.count() == 2
    assert all(e.actor == admin.user and e.changes["fields"] == ["is_active", "deactivated_at"] for e in events)


def test_an_admin_cannot_deactivate_themself(client):
    admin = admin_of()
    login(client, admin.user, admin)

    response = client.post(reverse("portail:member_deactivate", args=[admin.pk]), follow=True)

    assert "Vous ne pouvez pas désactiver votre propre accès." in text(response)
    admin.refresh_from_db()
    assert admin.is_active
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", ["portail:member_deactivate", "portail:member_reactivate"])
def test_another_partners_member_or_a_forged_id_answers_404(client, name):
    admin = admin_of()
    other = MembershipFactory(partenaire=PartenaireFactory())
    login(client, admin.user, admin)

    assert client.post(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse(name, args=[999999])).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    assert not AuditEvent.objects.exists()


def test_a_get_cannot_deactivate(client):
    admin = admin_of()
    member = MembershipFactory(partenaire=admin.partenaire)
    login(client, admin.user, admin)

    assert client.get(reverse("portail:member_deactivate", args=[member.pk])).status_code == 405
    member.refresh_from_db()
    assert member.is_active


def test_pending_invitations_are_listed_and_can_be_cancelled(client):
    admin = admin_of()
    mine = InvitationFactory(partenaire=admin.partenaire, email="attendue@exemple.fr")
    theirs = InvitationFactory(email="autre.partenaire@exemple.fr")
    InvitationFactory(partenaire=admin.partenaire, email="perimee@exemple.fr", expiree=True)
    login(client, admin.user, admin)

    page = client.get(reverse("portail:members")).content.decode()
    assert "attendue@exemple.fr" in page
    assert "autre.partenaire@exemple.fr" not in page and "perimee@exemple.fr" not in page

    assert client.post(reverse("portail:invitation_cancel", args=[theirs.pk])).status_code == 404
    client.post(reverse("portail:invitation_cancel", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.cancelled_at is not None
    assert not Invitation.objects.pending().filter(pk=mine.pk).exists()


@pytest.mark.parametrize("role", [Role.PRESCRIPTEUR, Role.COORDINATEUR, Role.FINANCEUR, Role.DIRECTION])
def test_other_roles_cannot_manage_members(client, role):
    membership = MembershipFactory(role=role)
    colleague = MembershipFactory(partenaire=membership.partenaire)
    login(client, membership.user, membership)

    assert client.get(reverse("portail:members")).status_code == 403
    assert client.post(reverse("portail:member_deactivate", args=[colleague.pk])).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


def test_a_superuser_sees_every_partners_members(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    first, second = MembershipFactory(), MembershipFactory(partenaire=PartenaireFactory())
    login(client, superuser)

    listed = set(client.get(reverse("portail:members")).context["page"].object_list)

    assert {first, second} <= listed
