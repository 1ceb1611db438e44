"""Intake: the family file (household, parents, children, consent) and the referrals.

A prescriber refers one child of a family to a convention (*orientation*); the coordinators of
that convention study it and accept or refuse it. Acceptance opens the family's pathway
(``parcours.Parcours``) in the same transaction.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from conventions.models import Convention, Structure
from portail.models import Commune, Partenaire
from portail.permissions import Access

from . import rules
from .storage import PrivateStorage


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

    @property
    def anonymisee_le(self):
        """When the data-protection work anonymised this family (``rgpd.Anonymisation``), else ``None``.

        Read through the reverse relation by name, so this app does not import the one above it;
        the pages ``select_related("famille__anonymisation")`` so it costs no query.
        """
        try:
            return self.anonymisation.at
        except ObjectDoesNotExist:
            return None


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
    cle_doublon = models.CharField(
        "clé de rapprochement (nom et prénom normalisés)", max_length=210, editable=False, default="",
        db_index=True,
    )

    class Meta:
        verbose_name = "enfant"
        verbose_name_plural = "enfants"
        indexes = [models.Index(fields=["cle_doublon", "date_naissance"], name="enfant_doublon_idx")]

    def __str__(self):
        return f"Enfant n° {self.pk}"

    def save(self, *args, **kwargs):
        self.cle_doublon = rules.duplicate_key(self.prenom, self.nom)
        super().save(*args, **kwargs)

    def visite_medicale_requise(self, start) -> bool:
        """Needs that call for the doctor's visit before admission: under 4 months at ``start``,
        a disability or a chronic illness."""
        return self.handicap or self.maladie_chronique or rules.add_months(self.date_naissance, 4) > start

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


class Motif(models.TextChoices):
    """Why a prescriber refers the family."""

    RECHERCHE_EMPLOI = "recherche_emploi", "Recherche d'emploi"
    FORMATION = "formation", "Formation"
    REPRISE_EMPLOI = "reprise_emploi", "Reprise d'emploi"
    PREVENTION_PMI = "prevention_pmi", "Prévention précoce (PMI)"
    URGENCE_SOCIALE = "urgence_sociale", "Urgence sociale"


class MotifRefus(models.TextChoices):
    """The reasons a coordinator may give for a refusal (shown to the prescriber with the message)."""

    HORS_CRITERES = "hors_criteres", "La famille ne remplit pas les critères de la convention"
    COMPLET = "complet", "Aucune place disponible sur la période demandée"
    BESOIN_INADAPTE = "besoin_inadapte", "Le besoin d'accueil ne correspond pas à l'offre"
    DOSSIER_INCOMPLET = "dossier_incomplet", "Le dossier est incomplet"
    AUTRE_SOLUTION = "autre_solution", "Une autre solution d'accueil est plus adaptée"
    DESISTEMENT = "desistement", "La famille s'est désistée"
    AUTRE = "autre", "Autre motif (précisé dans le message)"


OPEN_STATES = ("brouillon", "envoyee", "en_etude")
AWAITING_STATES = ("envoyee", "en_etude")


class Orientation(ConcurrentTransitionMixin, models.Model):
    """A referral: a prescriber asks that one child of a family enter a convention's scheme.

    The state only changes through the transitions below, called by ``orientations.services``
    inside ``transaction.atomic()``; ``ConcurrentTransitionMixin`` makes a second, concurrent
    transition from the same state fail instead of overwriting the first.
    """

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
        related_name="orientations", db_index=False,
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
    motifs = models.JSONField("motifs de l'orientation", default=list, blank=True)
    urgence = models.BooleanField("situation d'urgence", default=False)
    state = FSMField("état", default=State.BROUILLON, choices=State.choices, protected=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    echeance = models.DateField("réponse attendue au plus tard le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    structure = models.ForeignKey(
        Structure, verbose_name="structure d'accueil retenue", on_delete=models.PROTECT, null=True, blank=True,
        related_name="orientations",
    )
    motif_refus = models.CharField("motif du refus", max_length=30, choices=MotifRefus.choices, blank=True)
    message_refus = models.TextField("message au prescripteur", blank=True)
    doublon_confirme = models.BooleanField(
        "doublon signalé et confirmé par le prescripteur", default=False
    )
    ponderation = models.IntegerField("pondération", default=0, db_index=True)
    ponderation_detail = models.JSONField("détail de la pondération", default=list, blank=True)
    jeton = models.UUIDField(
        "jeton de soumission", default=uuid.uuid4, unique=True, editable=False,
        help_text="Un double envoi du même formulaire retrouve l'orientation déjà créée.",
    )
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
        indexes = [
            # « Mes orientations », newest first, without and with a state filter (they also serve the
            # partner's foreign key, which therefore has no index of its own).
            models.Index(fields=["partenaire", "-created_at", "-id"], name="orientation_mes_idx"),
            models.Index(fields=["partenaire", "state", "-created_at", "-id"], name="orientation_mes_etat_idx"),
            # The queue: only the referrals awaiting an answer, in the queue's order within a convention,
            # so a page is read from the index without sorting.
            models.Index(fields=["convention", "-ponderation", "sent_at", "id"], name="orientation_file_idx",
                         condition=models.Q(state__in=AWAITING_STATES)),
            models.Index(fields=["state", "echeance"], name="orientation_deadline_idx"),
            # The dashboard's late referrals: those awaiting an answer, by deadline within a convention.
            models.Index(fields=["convention", "echeance", "id"], name="orientation_retard_idx",
                         condition=models.Q(state__in=AWAITING_STATES)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="refusee") | ~models.Q(motif_refus=""),
                name="orientation_refus_motive",
                violation_error_message="Un refus doit être motivé.",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="acceptee") | models.Q(convention__isnull=False),
                name="orientation_acceptee_convention",
                violation_error_message="Une orientation acceptée doit avoir une convention.",
            ),
        ]

    def __str__(self):
        return f"Orientation n° {self.pk}"

    @property
    def reference(self) -> str:
        return f"OR-{self.pk:06d}" if self.pk else ""

    def get_motifs_display(self) -> list[str]:
        labels = dict(Motif.choices)
        return [labels.get(value, value) for value in self.motifs]

    def has_consent(self) -> bool:
        return self.famille.consentements.exists()

    # --- Transitions: called only by orientations.services -------------------------------------

    @transition(field=state, source=State.BROUILLON, target=State.ENVOYEE, conditions=[has_consent])
    def envoyer(self):
        """Sent to the coordination; the deadline is set by the service from the convention."""

    @transition(field=state, source=State.ENVOYEE, target=State.EN_ETUDE)
    def etudier(self):
        """A coordinator has opened the file and studies it."""

    @transition(field=state, source=[State.ENVOYEE, State.EN_ETUDE], target=State.ACCEPTEE)
    def accepter(self):
        """Accepted: the pathway opens (``signals.orientation_acceptee``)."""

    @transition(field=state, source=[State.ENVOYEE, State.EN_ETUDE], target=State.REFUSEE)
    def refuser(self):
        """Refused with a reason from the list and a message, both shown to the prescriber."""

    @transition(field=state, source=[State.BROUILLON, State.ENVOYEE, State.EN_ETUDE], target=State.ANNULEE)
    def annuler(self):
        """Withdrawn by the prescriber before any decision."""

    @transition(field=state, source=[State.ENVOYEE, State.EN_ETUDE], target=State.EXPIREE)
    def expirer(self):
        """Unanswered for too long: closed by the daily task."""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_awaiting(self) -> bool:
        return self.state in AWAITING_STATES


class Evenement(models.Model):
    """One step of a referral's timeline: who moved it from which state to which, and when."""

    orientation = models.ForeignKey(
        Orientation, verbose_name="orientation", on_delete=models.CASCADE, related_name="evenements"
    )
    source = models.CharField("état de départ", max_length=20, choices=Orientation.State.choices, blank=True)
    cible = models.CharField("état d'arrivée", max_length=20, choices=Orientation.State.choices)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="Vide : traitement automatique.",
    )
    at = models.DateTimeField("date", auto_now_add=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "événement d'orientation"
        verbose_name_plural = "historique des orientations"
        ordering = ["at", "pk"]
        # Reports and retention look for the moment a referral entered a state (a cancellation
        # after the period, a closure): without it they scan the whole timeline.
        indexes = [models.Index(fields=["cible", "at"], name="evenement_cible_at_idx")]

    def __str__(self):
        return f"{self.get_source_display() or 'Création'} → {self.get_cible_display()}"


def _piece_jointe_path(instance, filename):
    """A random name: the original name (which may name the family) is kept only in the database."""
    return f"orientations/{instance.orientation_id}/{uuid.uuid4().hex}"


class PieceJointe(models.Model):
    """A document attached to a referral, stored outside the public media and served by a checked view."""

    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    orientation = models.ForeignKey(
        Orientation, verbose_name="orientation", on_delete=models.CASCADE, related_name="pieces_jointes"
    )
    fichier = models.FileField("fichier", storage=PrivateStorage(), upload_to=_piece_jointe_path, max_length=200)
    nom = models.CharField("nom du fichier", max_length=200)
    type_mime = models.CharField("type de fichier", max_length=30, choices=Kind.choices)
    taille = models.PositiveIntegerField("taille (octets)")
    ajoutee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ajoutée par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Pièce jointe n° {self.pk}"


class Ponderation(models.Model):
    """The weights of a convention's priority criteria (the defaults apply without a row)."""

    convention = models.OneToOneField(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="ponderation"
    )
    monoparentale = models.PositiveSmallIntegerField(
        "famille monoparentale", default=rules.DEFAULT_WEIGHTS.monoparentale
    )
    qpv = models.PositiveSmallIntegerField("résidence en QPV", default=rules.DEFAULT_WEIGHTS.qpv)
    urgence = models.PositiveSmallIntegerField("urgence", default=rules.DEFAULT_WEIGHTS.urgence)
    minima_sociaux = models.PositiveSmallIntegerField(
        "minima sociaux", default=rules.DEFAULT_WEIGHTS.minima_sociaux
    )
    insertion = models.PositiveSmallIntegerField(
        "parent en parcours d'insertion", default=rules.DEFAULT_WEIGHTS.insertion
    )
    anciennete = models.PositiveSmallIntegerField(
        "ancienneté de la demande (par semaine d'attente)", default=rules.DEFAULT_WEIGHTS.anciennete
    )

    class Meta:
        verbose_name = "pondération"
        verbose_name_plural = "pondérations"

    def __str__(self):
        return f"Pondération – {self.convention}"

    def as_weights(self) -> rules.Weights:
        return rules.Weights(
            monoparentale=self.monoparentale, qpv=self.qpv, urgence=self.urgence,
            minima_sociaux=self.minima_sociaux, insertion=self.insertion, anciennete=self.anciennete,
        )


class Relance(models.Model):
    """A reminder sent to the coordination about a late referral: one a day at most (the task's memory)."""

    orientation = models.ForeignKey(
        Orientation, verbose_name="orientation", on_delete=models.CASCADE, related_name="relances"
    )
    jour = models.DateField("jour de la relance")
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        constraints = [
            models.UniqueConstraint(
                fields=["orientation", "jour"], name="relance_une_par_jour",
                violation_error_message="Cette orientation a déjà été relancée ce jour-là.",
            )
        ]

    def __str__(self):
        return f"Relance du {self.jour:%d/%m/%Y}"


class RelanceEnvoi(models.Model):
    """The reminder e-mail of a day sent to one coordinator: at most one, even if the run is redone.

    Written in the transaction that sends the e-mail, so a run stopped in the middle (a worker
    killed) sends the remaining e-mails when redone, and none twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="destinataire", on_delete=models.CASCADE, related_name="+"
    )
    jour = models.DateField("jour")
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi de relances"
        verbose_name_plural = "envois de relances"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jour"], name="relance_envoi_un_par_jour",
                violation_error_message="Ce coordinateur a déjà reçu les relances de ce jour-là.",
            )
        ]

    def __str__(self):
        return f"Relances du {self.jour:%d/%m/%Y}"
