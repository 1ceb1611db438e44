"""The demo stays easy to try with the second factor on: fixed TOTP secrets and ``code_demo``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail import demo
from portail.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    demo.seed()
    return settings


def test_every_demo_account_has_a_fixed_totp_secret_printed(seeded):
    lines = "\n".join(demo.account_lines())
    for account in demo.ACCOUNTS:
        device = TOTPDevice.objects.get(user__email=account.email, confirmed=True)
        assert device.key == demo.demo_totp_key(account.email)
        assert demo.demo_totp_secret(account.email) in lines
    assert "manage.py code_demo" in lines

    demo.seed()
    assert TOTPDevice.objects.count() == len(demo.ACCOUNTS)


def test_code_demo_prints_the_code_that_signs_in(seeded, client):
    out = StringIO()
    call_command("code_demo", "prescripteur.pmi@exemple.fr", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    client.post(reverse("portail:login"), {"username": "prescripteur.pmi@exemple.fr", "password": demo.DEMO_PASSWORD})
    verified = client.post(reverse("portail:mfa_verify"), {"token": code, "next": "/espace/"})

    assert verified.status_code == 302 and verified.url == "/espace/"
    assert client.get("/espace/").status_code == 200


def test_code_demo_refuses_other_accounts_and_production(seeded):
    User.objects.create_user("vrai.compte@exemple.fr", "Un-Vrai-Secret-2026!")
    with pytest.raises(CommandError, match="n'est pas un compte de démonstration"):
        call_command("code_demo", "vrai.compte@exemple.fr", stdout=StringIO())
    seeded.DEBUG = False
    with pytest.raises(CommandError, match="Réservé à la démonstration locale"):
        call_command("code_demo", "admin@exemple.fr", stdout=StringIO())
