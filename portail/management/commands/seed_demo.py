"""Builds (or brings back) the demo world from the seed documents. Safe to run twice."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo module, in dependency order; each exposes an idempotent ``seed(stdout)``.
DEMO_MODULES = [
    "portail.demo",
    "conventions.demo",
    "orientations.demo",
    "parcours.demo",
    "rapports.demo",
    "rgpd.demo",
    "cms_pages.demo",
]


class Command(BaseCommand):
    help = "Crée ou met à jour les données de démonstration à partir des documents sources."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Ne pas afficher les comptes.")

    def handle(self, *args, quiet_accounts=False, **options):
        with transaction.atomic():
            for name in DEMO_MODULES:
                import_module(name).seed(self.stdout)
                self.stdout.write(f"  {name} : à jour")
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        if not quiet_accounts:
            from portail.demo import account_lines

            self.stdout.write("\nComptes de démonstration (http://127.0.0.1:8000/espace/connexion/) :")
            for line in account_lines():
                self.stdout.write(line)
