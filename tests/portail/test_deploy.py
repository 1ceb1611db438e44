"""Production settings: ``check --deploy`` is clean, and the demo switch is refused there."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def run(*args, **env):
    production = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "portail.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "parcours.exemple.fr",
        "DATABASE_URL": "sqlite:////tmp/parcours-check-deploy.sqlite3",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=production, capture_output=True, text=True,
        cwd=settings.BASE_DIR, timeout=300,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = run("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr and "ERRORS" not in result.stderr


def test_the_demo_switch_is_refused_when_debug_is_off():
    result = run("check", MFA_DISABLED_FOR_DEMO="1")

    assert result.returncode != 0
    assert "MFA_DISABLED_FOR_DEMO n'est permis qu'en démonstration locale" in result.stderr
