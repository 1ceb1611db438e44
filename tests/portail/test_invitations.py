"""Invitations: a partner admin invites a colleague; the link is valid 7 days and serves once."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from portail.models import AuditEvent, Invitation, Membership, Role, User
from portail.services import INVITATION_VALIDITY, hash_token, invite
from tests.factories import MembershipFactory, UserFactory
from tests.portail.factories import InvitationFactory, admin_of
from tests.utils import login, text

pytestmark = pytest.mark.django_db

STRONG = "Bienvenue-Creche-2026!"


def accept_url(token):
    return reverse("portail:invitation_accept", kwargs={"token": token})


def new_account(first="Léa", last="Fontaine", password=STRONG):
    return {"first_name": first, "last_name": last, "password1": password, "password2": password}


def test_a_partner_admin_invites_a_colleague_by_email(client, django_capture_on_commit_callbacks):
    admin = admin_of()
    login(client, admin.user, admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portail:member_invite"), {
            "email": " Nouvelle.Collegue@Exemple.fr ", "role": Role.PRESCRIPTEUR, "partenaire": admin.partenaire_id,
        })

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.partenaire) == (
        "nouvelle.collegue@exemple.fr", Role.PRESCRIPTEUR, admin.partenaire
    )
    assert invitation.expires_at - invitation.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    token = re.search(r"/espace/invitation/([^/\s]+)/", body).group(1)
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert "valable 7 jours" in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(invitation.pk)).exists()


def test_a_partner_admin_cannot_invite_for_another_partner(client):
    admin, other = admin_of(), admin_of()
    login(client, admin.user, admin)

    response = client.post(reverse("portail:member_invite"), {
        "email": "x@exemple.fr", "role": Role.PRESCRIPTEUR, "partenaire": other.partenaire_id,
    })

    assert response.status_code == 200
    assert "Ce partenaire n'existe pas ou vous ne l'administrez pas." in text(response)
    assert not Invitation.objects.exists()


def test_inviting_someone_who_already_has_the_role_says_so(client):
    admin = admin_of()
    member = MembershipFactory(partenaire=admin.partenaire, role=Role.COORDINATEUR)
    login(client, admin.user, admin)

    response = client.post(reverse("portail:member_invite"), {
        "email": member.user.email.upper(), "role": Role.COORDINATEUR, "partenaire": admin.partenaire_id,
    })

    assert "Cette personne a déjà ce rôle chez ce partenaire." in text(response)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("data", [
    {"email": "pas-une-adresse", "role": Role.PRESCRIPTEUR},
    {"email": "a@exemple.fr", "role": "pirate"},
    {"email": "", "role": ""},
])
def test_bad_invitation_input_is_refused_in_french(client, data):
    admin = admin_of()
    login(client, admin.user, admin)

    response = client.post(reverse("portail:member_invite"), {**data, "partenaire": admin.partenaire_id})

    assert response.status_code == 200
    assert "Le formulaire contient" in text(response)
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_pending_one():
    first = InvitationFactory()
    admin = admin_of(first.partenaire)
    request = RequestFactory().post("/")
    request.user, request.membership = admin.user, admin

    invite(request, first.partenaire, first.email, first.role)

    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert Invitation.objects.pending().count() == 1


def test_accepting_creates_the_account_then_asks_for_the_second_factor(client):
    invitation = InvitationFactory(role=Role.COORDINATEUR)

    page = client.get(accept_url(invitation.token))
    assert page.status_code == 200
    assert invitation.partenaire.nom in text(page)
    response = client.post(accept_url(invitation.token), new_account())

    assert response.status_code == 302
    assert response.url.startswith(reverse("portail:mfa_enrol"))
    user = User.objects.get(email=invitation.email)
    assert (user.first_name, user.last_name) == ("Léa", "Fontaine")
    assert user.check_password(STRONG)
    assert Membership.objects.filter(user=user, partenaire=invitation.partenaire, role=Role.COORDINATEUR).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert client.get(reverse("portail:home")).url.startswith(reverse("portail:mfa_enrol"))


def test_a_reused_link_says_so_and_writes_nothing(client):
    invitation = InvitationFactory()
    client.post(accept_url(invitation.token), new_account())
    client.logout()

    response = client.post(accept_url(invitation.token), new_account(first="Autre"))

    assert response.status_code == 410
    assert "Ce lien d'invitation a déjà été utilisé." in text(response)
    assert User.objects.filter(email=invitation.email).count() == 1
    assert User.objects.get(email=invitation.email).first_name == "Léa"


def test_an_expired_link_says_so(client):
    with freeze_time("2026-11-01 10:00:00"):
        invitation = InvitationFactory()
    with freeze_time("2026-11-01 10:00:00") as clock:
        clock.tick(INVITATION_VALIDITY - timedelta(minutes=1))
        assert client.get(accept_url(invitation.token)).status_code == 200
        clock.tick(timedelta(minutes=2))
        response = client.post(accept_url(invitation.token), new_account())

    assert response.status_code == 410
    assert "Ce lien d'invitation a expiré (validité : 7 jours)." in text(response)
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize("token", ["n-importe-quoi", "a" * 200, "%2E%2E"])
def test_a_forged_link_says_so(client, token):
    InvitationFactory()

    response = client.get(accept_url(token))

    assert response.status_code == 410
    assert "Ce lien d'invitation n'est pas valide." in text(response)


def test_a_cancelled_invitation_cannot_be_used(client):
    invitation = InvitationFactory(annulee=True)

    response = client.post(accept_url(invitation.token), new_account())

    assert response.status_code == 410
    assert "annulée" in text(response)
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize(("password", "message"), [
    ("Court-1!", "Ce mot de passe est trop court."),
    ("toutenminusculesetlong", "au moins une minuscule, une majuscule"),
    ("Fontaine-2026!", "trop semblable"),
])
def test_the_new_password_meets_the_rules(client, password, message):
    invitation = InvitationFactory(email="lea.fontaine@exemple.fr")

    response = client.post(accept_url(invitation.token), new_account(password=password))

    assert response.status_code == 200
    assert message in text(response)
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_mismatched_passwords(client):
    invitation = InvitationFactory()
    data = {**new_account(), "password2": "Autre-Chose-2026!"}

    response = client.post(accept_url(invitation.token), data)

    assert "Les deux mots de passe ne correspondent pas." in text(response)
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_existing_account_accepts_while_signed_in(client):
    user = UserFactory(email="deja.inscrite@exemple.fr")
    invitation = InvitationFactory(email=user.email, role=Role.FINANCEUR)
    login(client, user)

    response = client.post(accept_url(invitation.token))

    assert response.status_code == 302
    assert Membership.objects.filter(user=user, partenaire=invitation.partenaire, role=Role.FINANCEUR).exists()


def test_an_existing_account_is_asked_to_sign_in_first(client):
    user = UserFactory(email="deja.inscrite@exemple.fr")
    invitation = InvitationFactory(email=user.email)

    response = client.post(accept_url(invitation.token), new_account())

    assert response.status_code == 410
    assert "Un compte existe déjà avec cette adresse" in text(response)
    assert not Membership.objects.filter(user=user).exists()


def test_someone_else_cannot_accept_an_invitation_signed_in(client):
    intruder = UserFactory()
    invitation = InvitationFactory()
    login(client, intruder)

    response = client.post(accept_url(invitation.token))

    assert response.status_code == 410
    assert "destinée à une autre adresse" in text(response)
    assert not Membership.objects.filter(user=intruder).exists()
