"""The pathway of one family with one child: a state machine on a reserved place.

repérage → contractualisation → accueil → bilan → sortie, plus abandon from every open state.
Transitions are service calls (``parcours.services``); the field is protected so nothing else
can change the state.
"""

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField

from conventions.models import Convention
from orientations.models import Enfant, Famille, Orientation
from portail.permissions import Access


class Parcours(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        REPERAGE = "reperage", "Repérage"
        CONTRACTUALISATION = "contractualisation", "Contractualisation"
        ACCUEIL = "accueil", "Accueil"
        BILAN = "bilan", "Bilan à 6 mois"
        SORTIE = "sortie", "Sortie vers le droit commun"
        ABANDON = "abandon", "Abandon"

    orientation = models.OneToOneField(
        Orientation, verbose_name="orientation", on_delete=models.PROTECT, related_name="parcours"
    )
    famille = models.ForeignKey(Famille, verbose_name="famille", on_delete=models.PROTECT, related_name="parcours")
    enfant = models.ForeignKey(Enfant, verbose_name="enfant", on_delete=models.PROTECT, related_name="parcours")
    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.PROTECT, related_name="parcours"
    )
    state = FSMField("étape", default=State.REPERAGE, choices=State.choices, protected=True)
    created_at = models.DateTimeField("ouvert le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    access = Access(
        prescripteur="orientation__partenaire",
        coordinateur=("convention__coordinateurs", "attributions__place__structure__coordinateurs"),
        direction="attributions__place__structure__gestionnaire",
    )

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["convention", "state"], name="parcours_convention_state_idx")]

    def __str__(self):
        return f"Parcours n° {self.pk}"
