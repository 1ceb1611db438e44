"""Writes the pathway's state diagram (Mermaid) from the django-fsm transitions of the code."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from parcours.models import Parcours

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "docs" / "parcours_etats.md"


def mermaid() -> str:
    """A Mermaid ``stateDiagram-v2``: one arrow per (source, transition), labelled in French,
    with the conditions the code checks listed under each label."""
    field = Parcours._meta.get_field("state")
    lines = ["stateDiagram-v2", f"    [*] --> {Parcours.State.REPERAGE}"]
    for state, label in Parcours.State.choices:
        lines.append(f'    {state} : {label}')
    for transition in sorted(field.get_all_transitions(Parcours), key=lambda t: (t.source, t.name)):
        conditions = "".join(f"<br/>si {c.requirement}" for c in transition.conditions)
        lines.append(f"    {transition.source} --> {transition.target} : {transition.custom['label']}{conditions}")
    for state in (Parcours.State.SORTIE, Parcours.State.ABANDON):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Écrit le diagramme d'états du parcours (Mermaid) à partir des transitions du code."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="Fichier à écrire.")
        parser.add_argument("--dry-run", action="store_true", help="Afficher sans écrire.")

    def handle(self, *args, output, dry_run=False, **options):
        text = (
            "# Diagramme d'états du parcours\n\n"
            "Généré par `python manage.py parcours_diagram` à partir de `parcours/models.py` : ne pas "
            "modifier à la main.\n\n```mermaid\n" + mermaid() + "\n```\n"
        )
        if dry_run:
            self.stdout.write(text)
            return
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(f"Diagramme écrit dans {output}")
