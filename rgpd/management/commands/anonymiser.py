"""Twin of the daily task: ``manage.py anonymiser [--dry-run] [--date AAAA-MM-JJ]``."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rgpd import services


class Command(BaseCommand):
    help = "Anonymise les familles et supprime les pièces jointes dont la durée de conservation est écoulée."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compte sans rien modifier.")
        parser.add_argument("--date", help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            today = _parse(date)
        except ValueError as error:
            raise CommandError("Date invalide : utilisez le format AAAA-MM-JJ.") from error
        counts = services.anonymise_expired(today, dry_run=dry_run)
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(
            f"{counts['familles']} famille(s) {verb} anonymisée(s), "
            f"{counts['pieces_jointes']} pièce(s) jointe(s) {verb} supprimée(s)."
        )


def _parse(value):
    return date.fromisoformat(value) if value else None
