"""The pathway of one family with one child: a state machine on a reserved place.

repérage → contractualisation → accueil → bilan → sortie, plus abandon from every open state.
Transitions are service calls (``parcours.services``); the field is protected so nothing else
can change the state. Each transition lists its ``conditions`` (functions carrying the French
message shown when they fail, see :func:`condition`) and its ``permission`` (who may act).

The records of each step live in their own tables: the joint meeting (``ReunionConjointe``),
the child's individual care plan (``ProjetAccueil``), the half-day adaptation, the attendance
(``Presence``), the follow-up journal (``NoteSuivi``), the six-month review (``Bilan``) and the
exit (``Sortie``). ``TransitionLog`` keeps who moved the pathway, when, from where to where.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from conventions.models import Convention
from orientations.models import Enfant, Famille, Orientation
from portail.models import Membership, Role
from portail.permissions import Access

OPEN_STATES = ("reperage", "contractualisation", "accueil", "bilan")


def condition(requirement: str, message: str):
    """Marks a transition condition with what it requires (for the state diagram) and the
    French reason shown to the user when it is not met."""

    def decorator(func):
        func.requirement = requirement
        func.message = message
        return func

    return decorator


def minutes_between(start: datetime.time, end: datetime.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# --- Who may act ------------------------------------------------------------------------------


def is_coordinator_of(parcours, user) -> bool:
    """A superuser, or an active coordinator of the pathway's convention or of its facility."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    memberships = Membership.objects.active().filter(user=user, role=Role.COORDINATEUR)
    return memberships.filter(
        models.Q(conventions_coordonnees=parcours.convention_id)
        | models.Q(structures_coordonnees__places_reservees__attributions__parcours=parcours.pk)
    ).exists()


def may_abandon(parcours, user) -> bool:
    """The coordinators; and the prescribers of the referring partner while no place is held
    (the family withdraws before care starts; a held place is released by the coordination)."""
    if is_coordinator_of(parcours, user):
        return True
    if user is None or not user.is_authenticated or parcours.attributions.filter(fin__isnull=True).exists():
        return False
    return Membership.objects.active().filter(
        user=user, role=Role.PRESCRIPTEUR, partenaire_id=parcours.orientation.partenaire_id
    ).exists()


# --- Conditions -------------------------------------------------------------------------------


@condition(
    "engagement signé à la réunion conjointe",
    "La réunion conjointe n'est pas enregistrée ou l'engagement n'est pas signé.",
)
def engagement_signed(parcours) -> bool:
    reunion = ReunionConjointe.objects.filter(parcours=parcours).first()
    return reunion is not None and reunion.engagement_signe_le is not None


@condition(
    "parcours du parent ≥ durée minimale de la convention",
    "Le parcours d'insertion du parent est plus court que la durée minimale de la convention.",
)
def parent_pathway_long_enough(parcours) -> bool:
    reunion = ReunionConjointe.objects.filter(parcours=parcours).first()
    return reunion is not None and reunion.duree_parcours_parent_mois >= parcours.convention.duree_min_parcours_mois


@condition("projet d'accueil individualisé établi", "Le projet d'accueil individualisé de l'enfant n'est pas établi.")
def projet_accueil_established(parcours) -> bool:
    return ProjetAccueil.objects.filter(parcours=parcours).exists()


@condition(
    "avis favorable du médecin si moins de 4 mois ou besoin de santé",
    "L'avis favorable du médecin est requis (enfant de moins de 4 mois ou besoin de santé).",
)
def doctor_opinion_if_needed(parcours) -> bool:
    projet = ProjetAccueil.objects.filter(parcours=parcours).first()
    if projet is None:
        return False
    return not projet.avis_medecin_requis or projet.avis_medecin == ProjetAccueil.AvisMedecin.FAVORABLE


@condition("place réservée attribuée", "Aucune place réservée n'est attribuée à l'enfant.")
def place_attributed(parcours) -> bool:
    return parcours.attributions.filter(fin__isnull=True).exists()


@condition(
    "adaptation d'une demi-journée tenue",
    "L'adaptation d'une demi-journée avec le parent n'a pas encore eu lieu.",
)
def adaptation_held(parcours) -> bool:
    return Adaptation.objects.filter(parcours=parcours, tenue_le__isnull=False).exists()


@condition("bilan co-signé avec la famille", "Le bilan éducatif et financier n'est pas co-signé avec la famille.")
def review_cosigned(parcours) -> bool:
    return Bilan.objects.filter(parcours=parcours, signe_famille_le__isnull=False).exists()


@condition("issue de la sortie enregistrée", "L'issue de la sortie (enfant et parent) n'est pas enregistrée.")
def exit_recorded(parcours) -> bool:
    return Sortie.objects.filter(parcours=parcours).exists()


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
    premier_accueil_le = models.DateField("premier jour d'accueil", null=True, blank=True)
    fin_gratuite_le = models.DateField(
        "dernier jour de gratuité", null=True, blank=True, help_text="Vide : gratuit pendant tout le parcours."
    )
    bilan_prevu_le = models.DateField("bilan prévu le", null=True, blank=True)
    motif_abandon = models.TextField("motif de l'abandon", blank=True)
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
        indexes = [
            models.Index(fields=["convention", "state"], name="parcours_convention_state_idx"),
            models.Index(fields=["state", "bilan_prevu_le"], name="parcours_state_bilan_idx"),
            models.Index(fields=["state", "fin_gratuite_le"], name="parcours_state_gratuite_idx"),
            # The list's order, carrying the columns its scope and filters test: a page's keys are
            # read from this index alone, newest first (see ``selectors.list_page``).
            models.Index(fields=["-created_at", "-id"], include=["convention", "state"], name="parcours_recent_idx"),
        ]

    def __str__(self):
        return f"Parcours n° {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # The transitions: only parcours.services calls them, inside a transaction.

    @transition(
        field=state, source=State.REPERAGE, target=State.CONTRACTUALISATION,
        conditions=[engagement_signed, parent_pathway_long_enough], permission=is_coordinator_of,
        custom={"label": "Valider la contractualisation"},
    )
    def contractualiser(self):
        """The joint meeting took place and the engagement is signed."""

    @transition(
        field=state, source=State.CONTRACTUALISATION, target=State.ACCUEIL,
        conditions=[projet_accueil_established, doctor_opinion_if_needed, place_attributed, adaptation_held],
        permission=is_coordinator_of, custom={"label": "Commencer l'accueil régulier"},
    )
    def commencer_accueil(self, *, premier_jour: datetime.date, fin_gratuite: datetime.date | None,
                          bilan_prevu: datetime.date):
        """Regular care starts: the free period and the review date are set from the first day."""
        self.premier_accueil_le = premier_jour
        self.fin_gratuite_le = fin_gratuite
        self.bilan_prevu_le = bilan_prevu

    @transition(
        field=state, source=State.ACCUEIL, target=State.BILAN,
        conditions=[review_cosigned], permission=is_coordinator_of,
        custom={"label": "Clore le bilan à 6 mois"},
    )
    def tenir_bilan(self):
        """The educational and financial review was held and co-signed (possibly early)."""

    @transition(
        field=state, source=State.BILAN, target=State.SORTIE,
        conditions=[exit_recorded], permission=is_coordinator_of,
        custom={"label": "Clore par la sortie vers le droit commun"},
    )
    def sortir(self):
        """The family moves on to ordinary services."""

    @transition(
        field=state, source=list(OPEN_STATES), target=State.ABANDON,
        permission=may_abandon, custom={"label": "Déclarer un abandon"},
    )
    def abandonner(self, *, motif: str):
        """The family withdraws, or does not come: the reason is required."""
        if not motif.strip():
            raise ValueError("Le motif de l'abandon est obligatoire.")
        self.motif_abandon = motif.strip()


class TransitionLog(models.Model):
    """One step of the timeline: who moved the pathway, when, from where to where, and why."""

    parcours = models.ForeignKey(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="transitions"
    )
    transition = models.CharField("transition", max_length=50)
    source = models.CharField("étape de départ", max_length=30, choices=Parcours.State.choices)
    target = models.CharField("étape d'arrivée", max_length=30, choices=Parcours.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(
        Membership, verbose_name="au titre de", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "changements d'étape"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_source_display()} → {self.get_target_display()}"


class ReunionConjointe(models.Model):
    """Step 2: the joint meeting of the family, the prescriber and the social mediation."""

    parcours = models.OneToOneField(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="reunion"
    )
    date = models.DateField("date de la réunion")
    presence_famille = models.BooleanField("la famille était présente", default=True)
    presence_prescripteur = models.BooleanField("le prescripteur était présent", default=True)
    presence_mediation = models.BooleanField("la médiation sociale était présente", default=True)
    autres_participants = models.CharField("autres participants (fonctions)", max_length=250, blank=True)
    objectif_emploi = models.BooleanField("objectif : emploi", default=False)
    objectif_formation = models.BooleanField("objectif : formation", default=False)
    objectif_langue = models.BooleanField("objectif : apprentissage de la langue", default=False)
    objectif_droits = models.BooleanField("objectif : accès aux droits sociaux", default=False)
    objectifs_detail = models.TextField("objectifs du parent (précisions)", blank=True)
    duree_parcours_parent_mois = models.PositiveSmallIntegerField("durée du parcours d'insertion du parent (mois)")
    engagement_signe_le = models.DateField("engagement signé le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="enregistrée par", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "réunion conjointe"
        verbose_name_plural = "réunions conjointes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objectif_emploi=True) | models.Q(objectif_formation=True)
                | models.Q(objectif_langue=True) | models.Q(objectif_droits=True),
                name="reunion_au_moins_un_objectif",
                violation_error_message="Indiquez au moins un objectif du parent.",
            ),
        ]

    def __str__(self):
        return f"Réunion conjointe du {self.date:%d/%m/%Y}"

    def objectifs(self) -> list[str]:
        names = ("objectif_emploi", "objectif_formation", "objectif_langue", "objectif_droits")
        return [self._meta.get_field(n).verbose_name.removeprefix("objectif : ") for n in names if getattr(self, n)]


class ProjetAccueil(models.Model):
    """The child's individual care plan (projet d'accueil individualisé)."""

    class AvisMedecin(models.TextChoices):
        ATTENDU = "attendu", "En attente"
        FAVORABLE = "favorable", "Favorable"
        DEFAVORABLE = "defavorable", "Défavorable"

    parcours = models.OneToOneField(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="projet_accueil"
    )
    etabli_le = models.DateField("établi le")
    rythme = models.CharField("rythme d'accueil prévu", max_length=250)
    besoins = models.TextField("besoins de l'enfant et points d'attention", blank=True)
    avis_medecin_requis = models.BooleanField(
        "avis du médecin requis", default=False,
        help_text="Enfant de moins de 4 mois à l'entrée ou besoin de santé particulier.",
    )
    avis_medecin = models.CharField(
        "avis du médecin", max_length=20, choices=AvisMedecin.choices, default=AvisMedecin.ATTENDU
    )
    avis_medecin_le = models.DateField("avis rendu le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "projet d'accueil individualisé"
        verbose_name_plural = "projets d'accueil individualisés"

    def __str__(self):
        return f"Projet d'accueil du parcours n° {self.parcours_id}"


class Adaptation(models.Model):
    """Step 3: the half-day adaptation of the child with the parent, scheduled then held."""

    class DemiJournee(models.TextChoices):
        MATIN = "matin", "Matin"
        APRES_MIDI = "apres_midi", "Après-midi"

    parcours = models.OneToOneField(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="adaptation"
    )
    prevue_le = models.DateField("prévue le")
    demi_journee = models.CharField("demi-journée", max_length=20, choices=DemiJournee.choices)
    tenue_le = models.DateField("tenue le", null=True, blank=True)
    observations = models.TextField("observations", blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "adaptation"
        verbose_name_plural = "adaptations"

    def __str__(self):
        return f"Adaptation du {self.prevue_le:%d/%m/%Y}"


class Presence(models.Model):
    """One attendance of the child: a day, an arrival, a departure."""

    # No index of its own: ``presence_parcours_date_idx`` starts with it and serves both the
    # pathway's attendance and the month's count of the attendance alert (index only).
    parcours = models.ForeignKey(
        Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="presences", db_index=False
    )
    date = models.DateField("date")
    arrivee = models.TimeField("arrivée")
    depart = models.TimeField("départ")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["-date", "-arrivee"]
        indexes = [models.Index(fields=["parcours", "date"], name="presence_parcours_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depart__gt=models.F("arrivee")), name="presence_depart_apres_arrivee",
                violation_error_message="L'heure de départ doit suivre l'heure d'arrivée.",
            ),
            models.UniqueConstraint(
                fields=["parcours", "date", "arrivee"], name="presence_unique",
                violation_error_message="Cette présence est déjà enregistrée.",
            ),
        ]

    def __str__(self):
        return f"Présence du {self.date:%d/%m/%Y}"

    @property
    def minutes(self) -> int:
        return minutes_between(self.arrivee, self.depart)

    def clean(self):
        if self.arrivee and self.depart and self.depart <= self.arrivee:
            raise ValidationError({"depart": "L'heure de départ doit suivre l'heure d'arrivée."})


class NoteSuivi(models.Model):
    """An entry of the follow-up journal; who may read it depends on its visibility."""

    class Visibilite(models.TextChoices):
        COORDINATION = "coordination", "Coordination et structure d'accueil"
        PARTENAIRES = "partenaires", "Aussi le prescripteur"

    parcours = models.ForeignKey(Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("écrite le", auto_now_add=True)
    texte = models.TextField("note")
    visibilite = models.CharField(
        "visible par", max_length=20, choices=Visibilite.choices, default=Visibilite.COORDINATION
    )

    class Meta:
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"Note du {self.at:%d/%m/%Y}"


class Bilan(models.Model):
    """The six-month review: educational and financial, co-signed with the family."""

    parcours = models.OneToOneField(Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="bilan")
    date = models.DateField("date du bilan")
    developpement_enfant = models.TextField("développement et adaptation de l'enfant")
    progres_parent = models.TextField("progrès du parent sur chacun de ses objectifs")
    heures_accueil = models.DecimalField("heures d'accueil", max_digits=8, decimal_places=2)
    tarif_horaire = models.DecimalField("tarif horaire qu'aurait payé la famille (€)", max_digits=8, decimal_places=2)
    taux_effort = models.DecimalField("taux d'effort appliqué (%)", max_digits=7, decimal_places=4, null=True)
    bareme_du = models.DateField("barème en vigueur du", null=True)
    montant_exonere = models.DecimalField(
        "montant dont la famille a été exonérée (€)", max_digits=10, decimal_places=2
    )
    cout_horaire = models.DecimalField(
        "coût horaire d'une place pour la convention (€)", max_digits=8, decimal_places=2
    )
    cout_convention = models.DecimalField("coût pour la convention (€)", max_digits=10, decimal_places=2)
    signe_famille_le = models.DateField("co-signé avec la famille le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tenu par", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "bilan à 6 mois"
        verbose_name_plural = "bilans à 6 mois"

    def __str__(self):
        return f"Bilan du {self.date:%d/%m/%Y}"


class Sortie(models.Model):
    """Step 5: the exit towards ordinary services, with its outcome for the child and the parent."""

    class IssueEnfant(models.TextChoices):
        CRECHE = "creche", "Contrat d'accueil régulier en crèche"
        ASSISTANT_MATERNEL = "assistant_maternel", "Assistant maternel"
        ECOLE = "ecole", "École maternelle"
        AUTRE = "autre", "Autre mode d'accueil"
        AUCUN = "aucun", "Sans mode d'accueil"

    class SituationParent(models.TextChoices):
        EMPLOI = "emploi", "En emploi"
        FORMATION = "formation", "En formation"
        RECHERCHE = "recherche", "En recherche d'emploi"
        AUTRE = "autre", "Autre"

    class Contrat(models.TextChoices):
        CDI = "cdi", "CDI"
        CDD = "cdd", "CDD"
        INTERIM = "interim", "Intérim"
        INSERTION = "insertion", "Contrat aidé ou d'insertion"
        INDEPENDANT = "independant", "Indépendant"

    parcours = models.OneToOneField(Parcours, verbose_name="parcours", on_delete=models.CASCADE, related_name="sortie")
    date = models.DateField("date de sortie")
    issue_enfant = models.CharField("solution d'accueil de l'enfant", max_length=30, choices=IssueEnfant.choices)
    situation_parent = models.CharField("situation du parent", max_length=20, choices=SituationParent.choices)
    contrat = models.CharField("type de contrat", max_length=20, choices=Contrat.choices, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="enregistrée par", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "sortie"
        verbose_name_plural = "sorties"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(situation_parent="emploi") | ~models.Q(contrat=""),
                name="sortie_contrat_si_emploi",
                violation_error_message="Précisez le type de contrat du parent en emploi.",
            ),
        ]

    def __str__(self):
        return f"Sortie du {self.date:%d/%m/%Y}"

    def clean(self):
        if self.situation_parent == self.SituationParent.EMPLOI and not self.contrat:
            raise ValidationError({"contrat": "Précisez le type de contrat du parent en emploi."})


class DigestEnvoi(models.Model):
    """One daily digest sent to one coordinator: makes the task idempotent per day."""

    membership = models.ForeignKey(Membership, verbose_name="coordinateur", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("jour")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi du récapitulatif quotidien"
        verbose_name_plural = "envois du récapitulatif quotidien"
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "day"], name="digest_unique_per_day",
                violation_error_message="Le récapitulatif de ce jour a déjà été envoyé.",
            )
        ]

    def __str__(self):
        return f"Récapitulatif du {self.day:%d/%m/%Y}"
