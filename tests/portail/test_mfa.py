"""The second factor: enforced for family-file roles and superusers, enrolment, codes."""

import base64
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from portail.mfa import RECOVERY_CODE_COUNT
from portail.models import AuditEvent, Role
from tests.factories import MembershipFactory, UserFactory
from tests.utils import login, text

pytestmark = pytest.mark.django_db

HOME = "/espace/"


def code_of(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.parametrize("role", [Role.PRESCRIPTEUR, Role.COORDINATEUR, Role.DIRECTION])
def test_family_file_roles_without_a_device_are_sent_to_enrolment(client, role):
    membership = MembershipFactory(role=role)
    login(client, membership.user, membership, second_factor=False)

    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == f"{reverse('portail:mfa_enrol')}?next=%2Fespace%2F"


def test_a_superuser_with_a_device_is_asked_for_a_code(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login(client, user, second_factor=False)

    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("portail:mfa_verify"))


@pytest.mark.parametrize("role", [Role.FINANCEUR, Role.ADMIN_PARTENAIRE])
def test_roles_without_family_files_need_no_second_factor(client, role):
    membership = MembershipFactory(role=role)
    login(client, membership.user, membership, second_factor=False)

    assert client.get(HOME).status_code == 200


def test_the_demo_switch_turns_the_second_factor_off(client, settings):
    settings.MFA_DISABLED_FOR_DEMO = True
    membership = MembershipFactory(prescripteur=True)
    login(client, membership.user, membership, second_factor=False)

    assert client.get(HOME).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_secret_then_a_right_code_confirms_it(client):
    membership = MembershipFactory(prescripteur=True)
    login(client, membership.user, membership, second_factor=False)

    page = client.get(reverse("portail:mfa_enrol"), {"next": HOME})
    assert page.status_code == 200
    assert "<svg" in text(page)
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in base64.b32encode(device.bin_key).decode()

    response = client.post(reverse("portail:mfa_enrol"), {"token": code_of(device), "next": HOME})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT
    assert all(code in text(response) for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=membership.user, action=AuditEvent.Action.CREATE).exists()
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_at_enrolment_leaves_the_device_unconfirmed(client):
    membership = MembershipFactory(prescripteur=True)
    login(client, membership.user, membership, second_factor=False)
    client.get(reverse("portail:mfa_enrol"))
    device = TOTPDevice.objects.get(user=membership.user)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("portail:mfa_enrol"), {"token": wrong})

    assert response.status_code == 200
    assert "Ce code est incorrect ou a expiré" in text(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=membership.user).exists()
    assert client.get(HOME).status_code == 302


def _enrolled(client):
    membership = MembershipFactory(coordinateur=True)
    device = TOTPDevice.objects.create(user=membership.user, name="app", confirmed=True)
    login(client, membership.user, membership, second_factor=False)
    return membership, device


def test_verification_accepts_the_current_code(client):
    _membership, device = _enrolled(client)

    response = client.post(reverse("portail:mfa_verify"), {"token": code_of(device), "next": HOME})

    assert response.status_code == 302 and response.url == HOME
    assert client.get(HOME).status_code == 200


def test_verification_refuses_an_expired_code(client):
    _membership, device = _enrolled(client)
    with freeze_time("2026-11-22 10:00:00"):
        old = code_of(device)
    with freeze_time("2026-11-22 10:05:00"):
        response = client.post(reverse("portail:mfa_verify"), {"token": old})

        assert response.status_code == 200
        assert "Ce code est incorrect, a expiré ou a déjà servi." in text(response)
        assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("token", ["", "abc", "1" * 16, "12345678901234567890"])
def test_verification_answers_bad_input_in_french(client, token):
    _enrolled(client)

    response = client.post(reverse("portail:mfa_verify"), {"token": token})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_recovery_code_works_once(client):
    membership, _device = _enrolled(client)
    static = membership.user.staticdevice_set.create(name="Codes de secours", confirmed=True)
    static.token_set.create(token="abcd2345")

    first = client.post(reverse("portail:mfa_verify"), {"token": "ABCD 2345", "next": HOME})
    assert first.status_code == 302
    client.logout()
    login(client, membership.user, membership, second_factor=False)
    second = client.post(reverse("portail:mfa_verify"), {"token": "abcd2345"})

    assert second.status_code == 200
    assert not static.token_set.exists()


def test_verification_redirects_to_enrolment_without_device(client):
    membership = MembershipFactory(prescripteur=True)
    login(client, membership.user, membership, second_factor=False)

    response = client.get(reverse("portail:mfa_verify"))

    assert response.status_code == 302 and response.url == reverse("portail:mfa_enrol")


def test_new_recovery_codes_replace_the_old_ones(client):
    membership = MembershipFactory(prescripteur=True)
    login(client, membership.user, membership)
    static = membership.user.staticdevice_set.create(name="Codes de secours", confirmed=True)
    static.token_set.create(token="oldcode2")

    response = client.post(reverse("portail:mfa_status"))

    assert response.status_code == 200
    assert len(response.context["codes"]) == RECOVERY_CODE_COUNT
    assert not static.token_set.filter(token="oldcode2").exists()


def test_next_never_leaves_the_site(client):
    _membership, device = _enrolled(client)

    response = client.post(reverse("portail:mfa_verify"), {"token": code_of(device), "next": "https://pirate.example/"})

    assert response.url == reverse("portail:home")


def test_the_cms_editor_asks_superusers_for_the_second_factor(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login(client, user, second_factor=False)

    response = client.get("/cms/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("portail:mfa_verify"))
    login(client, user)
    assert client.get("/cms/").status_code == 200


def test_repeated_wrong_codes_are_throttled(client):
    _membership, device = _enrolled(client)
    with freeze_time("2026-11-22 10:00:00") as clock:
        for _ in range(3):
            client.post(reverse("portail:mfa_verify"), {"token": "000000"})

        device.refresh_from_db()
        assert device.throttling_failure_count == 1, "attempts during the delay are not even tried"
        refused = client.post(reverse("portail:mfa_verify"), {"token": code_of(device)})
        assert refused.status_code == 200, "a right code is refused while the delay runs"
        clock.tick(timedelta(seconds=31))
        accepted = client.post(reverse("portail:mfa_verify"), {"token": code_of(device)})
        assert accepted.status_code == 302
