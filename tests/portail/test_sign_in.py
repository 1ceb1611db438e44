"""Signing in: lockout, password rules and reset, idle sessions, deactivated members, admin."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from portail import services
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.portail.test_mfa import code_of
from tests.utils import login, text

pytestmark = pytest.mark.django_db

LOGIN = "/espace/connexion/"
HOME = "/espace/"


def attempt(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


# --- Lockout (5 failures, 15 minutes) -----------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(client):
    membership = MembershipFactory(financeur=True)
    email = membership.user.email
    with freeze_time("2026-11-22 09:00:00"):
        for _ in range(4):
            response = attempt(client, email, "mauvais-mot-de-passe")
            assert response.status_code == 200
            assert "Adresse électronique ou mot de passe incorrect." in text(response)
        locked = attempt(client, email, "mauvais-mot-de-passe")
        assert locked.status_code == 429
        assert "Compte temporairement bloqué" in text(locked)

    with freeze_time("2026-11-22 09:14:00"):
        still = attempt(client, email, PASSWORD)
        assert still.status_code == 429
        assert AUTH_SESSION_KEY not in client.session

    with freeze_time("2026-11-22 09:16:00"):
        response = attempt(client, email, PASSWORD)
        assert response.status_code == 302
        assert client.session[AUTH_SESSION_KEY] == str(membership.user.pk)


def test_the_lockout_is_per_account(client):
    locked_user, other = UserFactory(), UserFactory()
    for _ in range(5):
        attempt(client, locked_user.email, "mauvais-mot-de-passe")

    assert attempt(client, other.email, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_lockout(client):
    user = UserFactory()
    for _ in range(5):
        attempt(client, user.email, "mauvais-mot-de-passe")
    client.post(reverse("portail:password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "Nouveau-Secret-2026!", "new_password2": "Nouveau-Secret-2026!"})

    assert attempt(client, user.email, "Nouveau-Secret-2026!").status_code == 302


# --- The full sign-in with the second factor ------------------------------------------------------


def test_a_prescriber_signs_in_with_password_then_code(client):
    membership = MembershipFactory(prescripteur=True)
    device = TOTPDevice.objects.create(user=membership.user, name="app", confirmed=True)

    response = client.post(LOGIN + "?next=/espace/", {"username": membership.user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    to_verify = client.get(response.url)
    assert to_verify.status_code == 302 and to_verify.url.startswith(reverse("portail:mfa_verify"))

    verified = client.post(to_verify.url, {"token": code_of(device)})

    assert verified.status_code == 302 and verified.url == HOME
    assert client.get(HOME).status_code == 200


def test_the_django_admin_needs_the_second_factor(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login(client, user, second_factor=False)
    assert client.get("/admin/").status_code == 302

    login(client, user)
    assert client.get("/admin/").status_code == 200


# --- Password rules and reset ---------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), [
    ("Court-1!", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
    ("motdepasseunique", "Le mot de passe doit contenir au moins une minuscule, une majuscule"),
    ("password1234", "Ce mot de passe est trop courant."),
])
def test_password_change_applies_the_cnil_rules(client, password, message):
    membership = MembershipFactory(financeur=True)
    login(client, membership.user, membership)

    response = client.post(reverse("portail:password_change"), {
        "old_password": PASSWORD, "new_password1": password, "new_password2": password,
    })

    assert response.status_code == 200
    assert message in text(response)
    membership.user.refresh_from_db()
    assert membership.user.check_password(PASSWORD)


def test_password_change_with_a_strong_password(client):
    membership = MembershipFactory(financeur=True)
    login(client, membership.user, membership)

    response = client.post(reverse("portail:password_change"), {
        "old_password": PASSWORD, "new_password1": "Tres-Solide-Passe-9", "new_password2": "Tres-Solide-Passe-9",
    })

    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.check_password("Tres-Solide-Passe-9")


def test_password_reset_mail_has_a_link_and_nothing_personal(client):
    user = UserFactory(first_name="Clémentine", last_name="Duvalier")

    response = client.post(reverse("portail:password_reset"), {"email": user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Réinitialisation de votre mot de passe" in message.subject
    body = message.body
    assert "/espace/mot-de-passe/reinitialisation/" in body
    assert "Clémentine" not in body and "Duvalier" not in body and user.email not in body


def test_password_reset_says_the_same_for_an_unknown_address(client):
    response = client.post(reverse("portail:password_reset"), {"email": "inconnu@exemple.fr"}, follow=True)

    assert response.status_code == 200
    assert "Si un compte actif utilise cette adresse" in text(response)
    assert mail.outbox == []


def test_a_reset_link_serves_once_and_enforces_the_rules(client):
    user = UserFactory()
    client.post(reverse("portail:password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form_url = client.get(link).url

    weak = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert "Ce mot de passe est trop court" in text(weak)
    done = client.post(form_url, {"new_password1": "Nouveau-Secret-2026!", "new_password2": "Nouveau-Secret-2026!"})
    assert done.status_code == 302

    again = client.get(link, follow=True)
    assert "Ce lien de réinitialisation n'est plus valable" in text(again)


def test_a_forged_reset_link_says_so(client):
    response = client.get(reverse("portail:password_reset_confirm", kwargs={"uidb64": "zzz", "token": "x-y"}))

    assert response.status_code == 200
    assert "Ce lien de réinitialisation n'est plus valable" in text(response)


# --- Idle sessions and deactivated members ------------------------------------------------------


def test_a_session_expires_after_thirty_idle_minutes(client):
    membership = MembershipFactory(financeur=True)
    with freeze_time("2026-11-22 09:00:00") as clock:
        login(client, membership.user, membership)
        clock.tick(timedelta(minutes=29))
        assert client.get(HOME).status_code == 200
        clock.tick(timedelta(minutes=29))
        assert client.get(HOME).status_code == 200, "each request restarts the 30 minutes"
        clock.tick(timedelta(minutes=31))
        response = client.get(HOME)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_the_idle_countdown_restarts_at_most_once_a_minute_without_writing_every_page(client):
    membership = MembershipFactory(financeur=True)
    with freeze_time("2026-11-22 09:00:00") as clock:
        login(client, membership.user, membership)
        client.get(HOME)
        expiry = Session.objects.get().expire_date

        clock.tick(timedelta(seconds=30))
        client.get(HOME)
        assert Session.objects.get().expire_date == expiry, "no session write within the minute"

        clock.tick(timedelta(seconds=31))
        client.get(HOME)
        assert Session.objects.get().expire_date == expiry + timedelta(seconds=61)


def test_a_member_deactivated_while_signed_in_is_signed_out(client):
    membership = MembershipFactory(prescripteur=True)
    login(client, membership.user, membership)
    assert client.get(HOME).status_code == 200
    membership.is_active, membership.deactivated_at = False, timezone.now()
    membership.save()

    response = client.get(HOME, follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "Votre accès a été désactivé" in text(response)
    assert AUTH_SESSION_KEY not in client.session


def test_deactivation_by_the_partner_admin_signs_the_member_out(client, rf):
    membership = MembershipFactory(prescripteur=True)
    admin = MembershipFactory(admin_partenaire=True, partenaire=membership.partenaire)
    login(client, membership.user, membership)
    request = rf.post("/")
    request.user, request.membership = admin.user, admin
    services.set_membership_active(request, membership, active=False)

    assert client.get(HOME).status_code == 302
    assert AUTH_SESSION_KEY not in client.session


def test_an_invalid_field_is_announced_to_screen_readers(client):
    response = client.post(LOGIN, {"username": "pas-une-adresse", "password": ""})

    page = text(response)
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_username_error"' in page
    assert 'id="id_username_error"' in page
    assert "Le formulaire contient" in page
