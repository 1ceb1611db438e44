"""What the data-protection work itself must remember: anonymised families and erasure requests."""

from django.conf import settings
from django.db import models

from orientations.models import Famille
from portail.access import Access
from portail.models import Membership


class Anonymisation(models.Model):
    """A family whose names, contacts, addresses, free text and attachments have been removed.

    One row per family: the anonymisation runs once, and a rerun finds the row and skips it.
    """

    class Cause(models.TextChoices):
        RETENTION = "retention", "Durée de conservation écoulée"
        EFFACEMENT = "effacement", "Demande d'effacement accordée"

    famille = models.OneToOneField(
        Famille, verbose_name="famille", on_delete=models.PROTECT, related_name="anonymisation"
    )
    cause = models.CharField("cause", max_length=20, choices=Cause.choices)
    at = models.DateTimeField("anonymisée le", auto_now_add=True)

    access = Access(coordinateur=(
        "famille__orientations__convention__coordinateurs", "famille__parcours__convention__coordinateurs",
    ))

    class Meta:
        verbose_name = "anonymisation"
        verbose_name_plural = "anonymisations"

    def __str__(self):
        return f"Anonymisation de la famille n° {self.famille_id}"


class DemandeEffacement(models.Model):
    """A family's request to erase its data, and the answer given (RGPD art. 17)."""

    class Decision(models.TextChoices):
        ACCORDEE = "accordee", "Accordée : données anonymisées"
        REFUSEE = "refusee", "Refusée"

    class MotifRefus(models.TextChoices):
        EN_COURS = "en_cours", (
            "Orientation ou parcours en cours : les données sont nécessaires à la mission d'intérêt "
            "public d'accompagnement (RGPD, art. 17.3 b)"
        )
        CONSERVATION = "conservation", (
            "Durée de conservation réglementaire : le dossier d'un enfant accueilli est conservé "
            "6 ans après la dernière année d'accueil (règlement de fonctionnement des EAJE, RGPD art. 17.3 b)"
        )
        DEJA_ANONYMISEE = "deja_anonymisee", "Les données de la famille ont déjà été anonymisées"

    famille = models.ForeignKey(
        Famille, verbose_name="famille", on_delete=models.PROTECT, related_name="demandes_effacement"
    )
    recue_le = models.DateField("demande reçue le")
    decision = models.CharField("décision", max_length=20, choices=Decision.choices)
    motif_refus = models.CharField("motif légal du refus", max_length=20, choices=MotifRefus.choices, blank=True)
    possible_le = models.DateField("effacement possible à partir du", null=True, blank=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="traitée par", on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(
        Membership, verbose_name="au titre de", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("traitée le", auto_now_add=True)

    access = Access(coordinateur=(
        "famille__orientations__convention__coordinateurs", "famille__parcours__convention__coordinateurs",
    ))

    class Meta:
        verbose_name = "demande d'effacement"
        verbose_name_plural = "demandes d'effacement"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="accordee", motif_refus="")
                | (models.Q(decision="refusee") & ~models.Q(motif_refus="")),
                name="effacement_motif_si_refus",
                violation_error_message="Un refus d'effacement doit donner son motif légal.",
            ),
        ]

    def __str__(self):
        return f"Demande d'effacement n° {self.pk}"
