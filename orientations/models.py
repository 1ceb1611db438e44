"""Intake: the family file (household, parents, children, consent) and the referrals.

A prescriber refers one child of a family to a convention (*orientation*); the coordinators of
that convention study it and accept or refuse it. Acceptance opens the family's pathway
(``parcours.Parcours``) in the same transaction.
"""

from django.conf import settings
from django.db import models
from django_fsm import FSMField

from conventions.models import Convention
from portail.models import Commune, Partenaire
from portail.permissions import Access


class RessourcesStatut(models.TextChoices):
    CONNUES = "connues", "Connues"
    INCONNUES = "inconnues", "Pas encore connues"
    REFUSEES = "refusees", "La famille refuse de les communiquer"


class Famille(models.Model):
    """The household: what the rules, the weighting and the fee engine need to know about it."""

    commune = models.ForeignKey(Commune, verbose_name="commune de résidence", on_delete=models.PROTECT)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    qpv = models.BooleanField("réside en quartier prioritaire (QPV)", default=False)
    monoparentale = models.BooleanField("famille monoparentale", default=False)
    enfants_a_charge = models.PositiveSmallIntegerField("nombre d'enfants à charge", default=1)
    enfant_handicape = models.BooleanField(
        "un enfant de la famille perçoit l'AEEH ou la PCH", default=False
    )
    minima_sociaux = models.BooleanField("bénéficiaire de minima sociaux", default=False)
    ressources_statut = models.CharField(
        "ressources", max_length=20, choices=RessourcesStatut.choices, default=RessourcesStatut.INCONNUES
    )
    ressources_mensuelles = models.DecimalField(
        "ressources mensuelles retenues (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_by_partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire à l'origine du dossier", on_delete=models.PROTECT,
        related_name="familles_creees",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    access = Access(
        prescripteur="orientations__partenaire",
        coordinateur=("orientations__convention__coordinateurs", "parcours__convention__coordinateurs"),
        direction="parcours__attributions__place__structure__gestionnaire",
    )

    class Meta:
        verbose_name = "famille"
        verbose_name_plural = "familles"

    def __str__(self):
        return f"Famille n° {self.pk}"


class Parent(models.Model):
    class Situation(models.TextChoices):
        DEMANDEUR_EMPLOI = "demandeur_emploi", "Demandeur d'emploi"
        FORMATION = "formation", "En formation"
        INSERTION = "insertion", "En parcours d'insertion"
        REPRISE_EMPLOI = "reprise_emploi", "En reprise d'emploi"
        AUTRE = "autre", "Autre"

    famille = models.ForeignKey(Famille, verbose_name="famille", on_delete=models.CASCADE, related_name="parents")
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    situation = models.CharField("situation", max_length=30, choices=Situation.choices)
    parcours_debut = models.DateField("début du parcours d'insertion", null=True, blank=True)
    parcours_duree_mois = models.PositiveSmallIntegerField(
        "durée prévue du parcours d'insertion (mois)", null=True, blank=True
    )

    class Meta:
        verbose_name = "parent"
        verbose_name_plural = "parents"

    def __str__(self):
        return f"Parent n° {self.pk}"


class Enfant(models.Model):
    famille = models.ForeignKey(Famille, verbose_name="famille", on_delete=models.CASCADE, related_name="enfants")
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    date_naissance = models.DateField("date de naissance")
    handicap = models.BooleanField("situation de handicap", default=False)
    maladie_chronique = models.BooleanField("maladie chronique ou besoin de santé particulier", default=False)

    class Meta:
        verbose_name = "enfant"
        verbose_name_plural = "enfants"

    def __str__(self):
        return f"Enfant n° {self.pk}"

    @property
    def initiales(self) -> str:
        return f"{self.prenom[:1]}. {self.nom[:1]}.".upper()


class Consentement(models.Model):
    """The family's consent to share its data, required before anything is sent."""

    famille = models.ForeignKey(
        Famille, verbose_name="famille", on_delete=models.CASCADE, related_name="consentements"
    )
    date = models.DateField("date du recueil")
    recueilli_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="recueilli par", on_delete=models.PROTECT, related_name="+"
    )
    finalites = models.TextField("finalités acceptées")
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        ordering = ["-date"]

    def __str__(self):
        return f"Consentement du {self.date:%d/%m/%Y}"


class Orientation(models.Model):
    """A referral: a prescriber asks that one child of a family enter a convention's scheme."""

    class State(models.TextChoices):
        BROUILLON = "brouillon", "Brouillon"
        ENVOYEE = "envoyee", "Envoyée"
        EN_ETUDE = "en_etude", "En étude"
        ACCEPTEE = "acceptee", "Acceptée"
        REFUSEE = "refusee", "Refusée"
        ANNULEE = "annulee", "Annulée"
        EXPIREE = "expiree", "Expirée"

    famille = models.ForeignKey(
        Famille, verbose_name="famille", on_delete=models.PROTECT, related_name="orientations"
    )
    enfant = models.ForeignKey(
        Enfant, verbose_name="enfant", on_delete=models.PROTECT, related_name="orientations"
    )
    partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire prescripteur", on_delete=models.PROTECT,
        related_name="orientations",
    )
    prescripteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="prescripteur", on_delete=models.PROTECT, related_name="+"
    )
    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.PROTECT, null=True, blank=True,
        related_name="orientations", help_text="Vide : à décider par la coordination.",
    )
    date_souhaitee = models.DateField("date d'accueil souhaitée")
    besoin = models.TextField("besoin d'accueil (jours, demi-journées, heures)")
    state = FSMField("état", default=State.BROUILLON, choices=State.choices, protected=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    access = Access(
        prescripteur="partenaire",
        coordinateur=("convention__coordinateurs",),
    )

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partenaire", "state", "-created_at"], name="orientation_partner_idx")]

    def __str__(self):
        return f"Orientation n° {self.pk}"
