"""Supply and rules: facilities, conventions, reserved places, attributions and the fee barème.

A *convention* reserves places in facilities for the families its prescribing partners refer.
Places are numbered slots (``PlaceReservee``); an *attribution* occupies one slot for one pathway
over a period. The CNAF barème is data dated by the day it takes effect, never constants.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from portail.models import Commune, Membership, Partenaire
from portail.permissions import Access


class Structure(models.Model):
    """A childcare facility (EAJE)."""

    class Kind(models.TextChoices):
        CRECHE_COLLECTIVE = "creche_collective", "Crèche collective"
        CRECHE_FAMILIALE = "creche_familiale", "Crèche familiale"
        HALTE_GARDERIE = "halte_garderie", "Halte-garderie"
        MULTI_ACCUEIL = "multi_accueil", "Multi-accueil"
        MICRO_CRECHE = "micro_creche", "Micro-crèche"
        HALTE_JEUX = "halte_jeux", "Halte-jeux"
        LAEP = "laep", "Lieu d'accueil enfants-parents"

    nom = models.CharField("nom", max_length=200)
    kind = models.CharField("type de structure", max_length=30, choices=Kind.choices)
    gestionnaire = models.ForeignKey(
        Partenaire, verbose_name="gestionnaire", on_delete=models.PROTECT, related_name="structures"
    )
    adresse = models.CharField("adresse", max_length=250, blank=True)
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    qpv = models.BooleanField("en quartier prioritaire (QPV)", default=False)
    places_total = models.PositiveIntegerField("nombre total de places")
    age_min_semaines = models.PositiveSmallIntegerField("âge minimum (semaines)", default=10)
    age_max_mois = models.PositiveSmallIntegerField("âge maximum (mois)", default=60)
    coordinateurs = models.ManyToManyField(
        Membership, verbose_name="coordinateurs", blank=True, related_name="structures_coordonnees"
    )
    is_active = models.BooleanField("active", default=True)
    tarif_urgence = models.DecimalField(
        "tarif horaire fixe d'accueil d'urgence (€)", max_digits=6, decimal_places=2, null=True, blank=True,
        help_text="Vide : le tarif plancher s'applique tant que les ressources sont inconnues.",
    )
    majoration_hors_commune = models.DecimalField(
        "majoration horaire hors commune (€)", max_digits=6, decimal_places=2, default=Decimal("2.28")
    )
    accueil_familial = models.BooleanField(
        "accueil familial (barème des crèches familiales)", default=False
    )

    access = Access(
        coordinateur=("coordinateurs", "places_reservees__convention__coordinateurs"),
        direction="gestionnaire",
    )

    class Meta:
        verbose_name = "structure d'accueil"
        verbose_name_plural = "structures d'accueil"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Convention(models.Model):
    """An agreement between partners reserving places, with a free period and reporting duties."""

    titre = models.CharField("intitulé", max_length=250)
    debut = models.DateField("date de début")
    fin = models.DateField("date de fin")
    reconduction_annuelle = models.BooleanField("reconduite chaque année", default=True)
    # Target public.
    age_min_semaines = models.PositiveSmallIntegerField("âge minimum de l'enfant (semaines)", default=10)
    age_max_mois = models.PositiveSmallIntegerField("âge maximum de l'enfant (mois)", default=60)
    communes = models.ManyToManyField(
        Commune, verbose_name="communes de résidence admises", blank=True,
        help_text="Vide : toutes les communes.",
    )
    criteres_prioritaires = models.TextField("critères de priorité", blank=True)
    # Rules of the scheme.
    gratuite_mois = models.PositiveSmallIntegerField(
        "durée maximale de gratuité (mois)", null=True, blank=True,
        help_text="Vide : gratuit pendant tout le parcours.",
    )
    duree_min_parcours_mois = models.PositiveSmallIntegerField(
        "durée minimale du parcours d'insertion du parent (mois)", default=2
    )
    frequentation_min_par_mois = models.PositiveSmallIntegerField(
        "fréquentation minimale (accueils par mois)", default=2
    )
    creneau_max_minutes = models.PositiveSmallIntegerField(
        "durée maximale d'un créneau (minutes)", null=True, blank=True
    )
    delai_reponse_jours = models.PositiveSmallIntegerField(
        "délai de réponse aux orientations (jours)", default=10
    )
    budget_annuel = models.DecimalField(
        "budget annuel (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    coordinateurs = models.ManyToManyField(
        Membership, verbose_name="coordinateurs", blank=True, related_name="conventions_coordonnees"
    )

    access = Access(
        prescripteur="signataires__partenaire",
        coordinateur=("coordinateurs",),
        direction="places_reservees__structure__gestionnaire",
        financeur="signataires__partenaire",
    )

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-debut", "titre"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gte=models.F("debut")), name="convention_dates_ordered",
                violation_error_message="La date de fin doit suivre la date de début.",
            )
        ]

    def __str__(self):
        return self.titre

    @property
    def free(self) -> int:
        """Reserved places free on the day of a convention read by ``selectors.conventions_for``
        (computed here: written in SQL it would count the places and their attributions twice)."""
        return self.reserved - self.occupied


class Signataire(models.Model):
    """A partner signing a convention, with its role in it."""

    class RoleConvention(models.TextChoices):
        FINANCEUR = "financeur", "Financeur"
        PORTEUR = "porteur", "Porteur"
        PRESCRIPTEUR = "prescripteur", "Partenaire prescripteur"
        MEDIATION = "mediation", "Médiation"

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="signataires"
    )
    partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire", on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField("rôle dans la convention", max_length=20, choices=RoleConvention.choices)

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "partenaire", "role"], name="signataire_unique",
                violation_error_message="Ce partenaire a déjà ce rôle dans la convention.",
            )
        ]

    def __str__(self):
        return f"{self.partenaire} ({self.get_role_display()})"


class PlaceReservee(models.Model):
    """One numbered slot a convention reserves in a facility."""

    class Kind(models.TextChoices):
        REGULIERE = "reguliere", "Accueil régulier"
        ADAPTATION_URGENCE = "adaptation_urgence", "Adaptation ou urgence"

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="places_reservees"
    )
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.PROTECT, related_name="places_reservees"
    )
    kind = models.CharField("type de place", max_length=20, choices=Kind.choices, default=Kind.REGULIERE)
    numero = models.PositiveSmallIntegerField("numéro")

    class Meta:
        verbose_name = "place réservée"
        verbose_name_plural = "places réservées"
        ordering = ["convention", "structure", "kind", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "structure", "numero"], name="place_reservee_numero_unique",
                violation_error_message="Ce numéro de place existe déjà pour cette structure.",
            )
        ]

    def __str__(self):
        return f"{self.structure} – place {self.numero} ({self.get_kind_display().lower()})"


class Attribution(models.Model):
    """The occupation of one reserved place by one pathway, from ``debut`` to ``fin`` included.

    ``fin`` is empty while the child is still on the place; releasing the place on exit sets it,
    and the place is free again the next day. Created only by ``conventions.services``.
    """

    place = models.ForeignKey(
        PlaceReservee, verbose_name="place", on_delete=models.PROTECT, related_name="attributions"
    )
    parcours = models.ForeignKey(
        "parcours.Parcours", verbose_name="parcours", on_delete=models.PROTECT, related_name="attributions"
    )
    debut = models.DateField("premier jour")
    fin = models.DateField("dernier jour", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="attribuée par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    access = Access(
        coordinateur=("place__convention__coordinateurs", "place__structure__coordinateurs"),
        direction="place__structure__gestionnaire",
    )

    class Meta:
        verbose_name = "attribution"
        verbose_name_plural = "attributions"
        ordering = ["-debut"]
        # The releases of the coming days (``selectors.conventions_for``) without reading the history.
        indexes = [models.Index(fields=["fin"], name="attribution_fin_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(fin__gte=models.F("debut")),
                name="attribution_dates_ordered",
                violation_error_message="Le dernier jour ne peut précéder le premier.",
            )
        ]

    def __str__(self):
        return f"{self.place} du {self.debut:%d/%m/%Y}"


class Bareme(models.Model):
    """A CNAF barème, dated by the day it takes effect.

    A later barème may give only what changed (e.g. a new ceiling): an empty floor or ceiling,
    or no taux d'effort row, keeps the last known value (see ``selectors.bareme_on``).
    """

    effective_from = models.DateField("en vigueur à partir du", unique=True)
    plancher = models.DecimalField(
        "plancher de ressources mensuelles (€)", max_digits=9, decimal_places=2, null=True, blank=True,
        help_text="Vide : le dernier plancher connu reste appliqué.",
    )
    plafond = models.DecimalField(
        "plafond de ressources mensuelles (€)", max_digits=9, decimal_places=2, null=True, blank=True,
        help_text="Vide : le dernier plafond connu reste appliqué.",
    )
    max_enfants = models.PositiveSmallIntegerField("nombre maximal d'enfants couvert", default=10)
    source = models.CharField("source", max_length=250, blank=True)

    class Meta:
        verbose_name = "barème CNAF"
        verbose_name_plural = "barèmes CNAF"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plancher__isnull=True) | models.Q(plafond__isnull=True)
                | models.Q(plafond__gt=models.F("plancher")),
                name="bareme_plafond_above_plancher",
                violation_error_message="Le plafond doit dépasser le plancher.",
            )
        ]

    def __str__(self):
        return f"Barème du {self.effective_from:%d/%m/%Y}"


class TauxEffort(models.Model):
    """One row of a barème's taux d'effort table."""

    class CareType(models.TextChoices):
        COLLECTIF = "collectif", "Accueil collectif"
        FAMILIAL = "familial", "Accueil familial"

    bareme = models.ForeignKey(Bareme, verbose_name="barème", on_delete=models.CASCADE, related_name="taux")
    care_type = models.CharField("type d'accueil", max_length=10, choices=CareType.choices)
    min_enfants = models.PositiveSmallIntegerField("à partir de (enfants à charge)")
    taux = models.DecimalField("taux d'effort horaire (%)", max_digits=6, decimal_places=4)

    class Meta:
        verbose_name = "taux d'effort"
        verbose_name_plural = "taux d'effort"
        ordering = ["bareme", "care_type", "min_enfants"]
        constraints = [
            models.UniqueConstraint(
                fields=["bareme", "care_type", "min_enfants"], name="taux_effort_unique",
                violation_error_message="Ce barème a déjà un taux pour ce nombre d'enfants.",
            ),
            models.CheckConstraint(
                condition=models.Q(min_enfants__gte=1) & models.Q(taux__gt=0), name="taux_effort_positive",
                violation_error_message="Le taux et le nombre d'enfants doivent être positifs.",
            ),
        ]

    def __str__(self):
        return f"{self.get_care_type_display()}, {self.min_enfants} enfant(s) : {self.taux} %"


class HoraireOuverture(models.Model):
    """One opening period of a facility on a weekday; several periods a day make the breaks
    (Lunel: 8 h 30 – 12 h 15 and 13 h 30 – 17 h, closed on Friday afternoon)."""

    class Weekday(models.IntegerChoices):
        LUNDI = 0, "Lundi"
        MARDI = 1, "Mardi"
        MERCREDI = 2, "Mercredi"
        JEUDI = 3, "Jeudi"
        VENDREDI = 4, "Vendredi"
        SAMEDI = 5, "Samedi"
        DIMANCHE = 6, "Dimanche"

    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="horaires"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    ouverture = models.TimeField("ouverture")
    fermeture = models.TimeField("fermeture")

    class Meta:
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["structure", "weekday", "ouverture"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fermeture__gt=models.F("ouverture")), name="horaire_ordered",
                violation_error_message="L'heure de fermeture doit suivre l'heure d'ouverture.",
            ),
            models.UniqueConstraint(
                fields=["structure", "weekday", "ouverture"], name="horaire_unique",
                violation_error_message="Cette plage horaire existe déjà pour ce jour.",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.ouverture:%H:%M}–{self.fermeture:%H:%M}"


class Fermeture(models.Model):
    """A closure of a facility: holidays, training days."""

    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="fermetures"
    )
    debut = models.DateField("premier jour de fermeture")
    fin = models.DateField("dernier jour de fermeture")
    motif = models.CharField("motif", max_length=200)

    class Meta:
        verbose_name = "fermeture"
        verbose_name_plural = "fermetures"
        ordering = ["structure", "debut"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gte=models.F("debut")), name="fermeture_dates_ordered",
                violation_error_message="Le dernier jour de fermeture ne peut précéder le premier.",
            )
        ]

    def __str__(self):
        return f"{self.motif} ({self.debut:%d/%m/%Y} – {self.fin:%d/%m/%Y})"


class Financement(models.Model):
    """What a partner funds of a convention in a year (for the financial review and the reports)."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="financements"
    )
    partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire financeur", on_delete=models.PROTECT, related_name="financements"
    )
    annee = models.PositiveSmallIntegerField("année")
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "financement"
        verbose_name_plural = "financements"
        ordering = ["convention", "-annee", "partenaire"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "partenaire", "annee"], name="financement_unique",
                violation_error_message="Ce partenaire a déjà un financement pour cette année.",
            ),
            models.CheckConstraint(
                condition=models.Q(montant__gte=0), name="financement_positive",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.partenaire} {self.annee} : {self.montant} €"


class DemandePlace(models.Model):
    """An entry on a convention's waiting list, kept when no place is free."""

    class State(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        SERVIE = "servie", "Place attribuée"
        RETIREE = "retiree", "Retirée de la liste"

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="demandes"
    )
    parcours = models.ForeignKey(
        "parcours.Parcours", verbose_name="parcours", on_delete=models.CASCADE, related_name="demandes_place"
    )
    kind = models.CharField(
        "type de place demandé", max_length=20, choices=PlaceReservee.Kind.choices,
        default=PlaceReservee.Kind.REGULIERE,
    )
    souhaitee_le = models.DateField("date d'accueil souhaitée")
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.EN_ATTENTE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="inscrite par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("inscrite le", auto_now_add=True)
    closed_at = models.DateTimeField("sortie de la liste le", null=True, blank=True)

    access = Access(coordinateur=("convention__coordinateurs",))

    class Meta:
        verbose_name = "demande en liste d'attente"
        verbose_name_plural = "liste d'attente"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "parcours"], condition=models.Q(state="en_attente"),
                name="demande_place_waiting_unique",
                violation_error_message="Ce parcours est déjà sur la liste d'attente.",
            )
        ]

    def __str__(self):
        return f"Demande n° {self.pk}"
