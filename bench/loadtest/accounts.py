"""The load test's own accounts: ``python -m bench.loadtest.accounts OUT.json [--per-role N]``.

For each role the load plays (prescriber, coordinator, funder), clones the scope of the
existing members of that role (``seed_demo``'s or ``bench.generate``'s): same partner, and for a
coordinator the same conventions and facilities. Each clone gets the password ``BENCH_PASSWORD``
and a confirmed TOTP device, so the load client signs in through the real pages (password, then
code), one account per simulated user (django-otp refuses a code twice in the same 30 s). Writes
e-mails, roles and TOTP keys to OUT.json. Safe to run twice: the accounts are updated, not doubled.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

ROLES = ("prescripteur", "coordinateur", "financeur")
DEFAULT_PASSWORD = "Bench-Parcours-2026!"


def build(per_role: int, password: str) -> list[dict]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portail.mfa import TOTP_DEVICE_NAME
    from portail.models import Membership, User

    hashed = make_password(password)  # one hash for all: the sign-in still pays the full PBKDF2 check
    accounts = []
    with transaction.atomic():
        for role in ROLES:
            models = list(
                Membership.objects.active().filter(role=role, user__is_superuser=False)
                .exclude(user__email__startswith="charge.").order_by("pk")
            )
            if not models:
                raise SystemExit(f"aucun rattachement actif de rôle {role} : chargez d'abord des données")
            for i in range(per_role):
                model = models[i % len(models)]
                email = f"charge.{role}.{i:03d}@exemple.test"
                user, _ = User.objects.update_or_create(
                    email=email, defaults={"password": hashed, "is_active": True,
                                           "first_name": "Charge", "last_name": f"{role} {i}"},
                )
                membership, _ = Membership.objects.get_or_create(
                    user=user, partenaire=model.partenaire, role=role, defaults={"is_active": True}
                )
                if role == "coordinateur":
                    for convention in model.conventions_coordonnees.all():
                        convention.coordinateurs.add(membership)
                    for structure in model.structures_coordonnees.all():
                        structure.coordinateurs.add(membership)
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                if device is None:
                    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
                accounts.append({"email": email, "role": role, "totp_key": device.key})
    return accounts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--per-role", type=int, default=40)
    args = parser.parse_args(argv)
    django.setup()
    accounts = build(args.per_role, os.environ.get("BENCH_PASSWORD", DEFAULT_PASSWORD))
    with open(args.out, "w") as out:
        json.dump(accounts, out)
    print(f"{len(accounts)} comptes de charge prêts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
