"""Prints the current second-factor code of a demo account, for trying the portal locally."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.demo import ACCOUNTS, demo_code


class Command(BaseCommand):
    help = "Affiche le code de double authentification du moment d'un compte de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse électronique d'un compte de démonstration.")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("Réservé à la démonstration locale (DEBUG activé).")
        email = email.strip().lower()
        if email not in {account.email for account in ACCOUNTS}:
            raise CommandError(f"{email} n'est pas un compte de démonstration.")
        try:
            self.stdout.write(demo_code(email))
        except TOTPDevice.DoesNotExist as error:
            raise CommandError("Lancez d'abord « manage.py seed_demo ».") from error
