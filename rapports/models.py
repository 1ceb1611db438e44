"""Export jobs of the reports and the record of the monthly reports sent to funders."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from conventions.models import Convention
from portail.models import Membership

EXPORT_RETENTION = timedelta(days=7)


class ExportJob(models.Model):
    """One export of a convention report, produced by a Celery task and kept seven days.

    Only its requester may follow and download it; the file lives under
    ``settings.PRIVATE_MEDIA_ROOT`` and is served by a checked view.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Classeur XLSX"
        PDF = "pdf", "PDF"

    class State(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="exports_rapport"
    )
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    period_label = models.CharField("période", max_length=80)
    format = models.CharField("format", max_length=10, choices=Format.choices)
    secrecy = models.BooleanField("secret statistique appliqué", default=True)
    detail = models.BooleanField("avec la liste anonymisée des parcours", default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(
        Membership, verbose_name="au titre de", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    file = models.CharField("fichier (chemin privé)", max_length=250, blank=True)
    error = models.CharField("erreur", max_length=250, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    expires_at = models.DateTimeField("disponible jusqu'au")

    class Meta:
        verbose_name = "export de rapport"
        verbose_name_plural = "exports de rapports"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_percent",
                violation_error_message="L'avancement ne peut dépasser 100 %.",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="export_period_ordered",
                violation_error_message="La fin de la période doit suivre son début.",
            ),
        ]

    def __str__(self):
        return f"Export n° {self.pk} ({self.get_format_display()})"

    @property
    def is_available(self) -> bool:
        return self.state == self.State.DONE and bool(self.file) and self.expires_at > timezone.now()

    @property
    def filename(self) -> str:
        dates = f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"
        return f"rapport-convention-{self.convention_id}-{dates}.{self.format}"


class RapportMensuel(models.Model):
    """A convention's report of one past month, prepared by the monthly task; its funders told once."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="rapports_mensuels"
    )
    mois = models.DateField("mois (premier jour)")
    prepared_at = models.DateTimeField("préparé le", auto_now_add=True)
    notified = models.PositiveIntegerField("financeurs prévenus", default=0)

    class Meta:
        verbose_name = "rapport mensuel"
        verbose_name_plural = "rapports mensuels"
        ordering = ["-mois", "convention"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "mois"], name="rapport_mensuel_unique",
                violation_error_message="Le rapport de ce mois est déjà préparé.",
            )
        ]

    def __str__(self):
        return f"Rapport mensuel {self.mois:%m/%Y} – convention n° {self.convention_id}"


class Commission(models.Model):
    """A place-allocation commission (seed 004, Levignac): it meets twice a year by default,
    in April for the September intake and in October/November to update the allocations.

    The requests are shown to its members anonymised (a code per family, the weighted score and
    its criteria, the need); names are revealed only to the coordinators of the convention,
    once the decision is taken.
    """

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.PROTECT, related_name="commissions"
    )
    date = models.DateField("date de la séance")
    territoire = models.CharField("territoire", max_length=200)
    places_a_attribuer = models.PositiveSmallIntegerField("places à attribuer")
    membres = models.ManyToManyField(Membership, verbose_name="membres", related_name="commissions")
    decidee_le = models.DateTimeField("décisions arrêtées le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "commission d'attribution"
        verbose_name_plural = "commissions d'attribution"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Commission du {self.date:%d/%m/%Y}"


class Proposition(models.Model):
    """One anonymised request examined by a commission, with the proposal and the decision."""

    class Decision(models.TextChoices):
        A_EXAMINER = "a_examiner", "À examiner"
        ATTRIBUEE = "attribuee", "Place attribuée"
        LISTE_ATTENTE = "liste_attente", "Maintenue en liste d'attente"
        AJOURNEE = "ajournee", "Ajournée"

    commission = models.ForeignKey(
        Commission, verbose_name="commission", on_delete=models.CASCADE, related_name="propositions"
    )
    orientation = models.ForeignKey(
        "orientations.Orientation", verbose_name="orientation", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("code anonyme", max_length=12)
    proposition = models.CharField(
        "proposition", max_length=20, choices=Decision.choices, default=Decision.A_EXAMINER
    )
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, default=Decision.A_EXAMINER)
    structure = models.ForeignKey(
        "conventions.Structure", verbose_name="structure de la place attribuée", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text="Pour une place attribuée : une structure où la convention a des places réservées.",
    )
    observations = models.CharField("observations (sans donnée nominative)", max_length=250, blank=True)

    class Meta:
        verbose_name = "demande examinée en commission"
        verbose_name_plural = "demandes examinées en commission"
        ordering = ["commission", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "orientation"], name="proposition_unique",
                violation_error_message="Cette demande est déjà inscrite à la commission.",
            ),
            models.UniqueConstraint(
                fields=["commission", "code"], name="proposition_code_unique",
                violation_error_message="Ce code est déjà utilisé dans cette commission.",
            ),
        ]

    def __str__(self):
        return f"Demande {self.code}"
