"""Accounts, partner organisations, memberships and the audit trail.

A user signs in with an e-mail address and acts through one *membership*: a role inside a
partner organisation. What they may see and do is derived from that membership by
``portail.permissions``; every change and every read of a family file lands in ``AuditEvent``.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .access import Access


class EmailUserManager(UserManager):
    """Users are identified by their e-mail address, compared without case."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    username = None
    email = models.EmailField("adresse électronique", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = EmailUserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Commune(models.Model):
    nom = models.CharField("nom", max_length=120)
    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Partenaire(models.Model):
    """A partner organisation: a prescriber, a funder, a facility manager, a mediator…"""

    class Kind(models.TextChoices):
        DEPARTEMENT_PMI = "departement_pmi", "Département / PMI"
        FRANCE_TRAVAIL = "france_travail", "France Travail"
        PLIE = "plie", "PLIE"
        MISSION_LOCALE = "mission_locale", "Mission locale"
        CCAS_MAIRIE = "ccas_mairie", "CCAS ou mairie"
        CAF = "caf", "CAF"
        MEDIATION = "mediation", "Médiation sociale"
        GESTIONNAIRE = "gestionnaire", "Gestionnaire de structure"
        AUTRE = "autre", "Autre"

    nom = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type de partenaire", max_length=30, choices=Kind.choices)
    communes = models.ManyToManyField(Commune, verbose_name="territoire (communes)", blank=True)
    is_active = models.BooleanField("actif", default=True)
    habilite = models.BooleanField(
        "prescripteur habilité", default=False,
        help_text="Seuls les partenaires habilités peuvent envoyer des orientations.",
    )
    habilite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="habilité par", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    habilite_le = models.DateTimeField("habilité le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    # The partner's own administrators see its record; partner pages are for superusers.
    access = Access(admin_partenaire="pk")

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Role(models.TextChoices):
    PRESCRIPTEUR = "prescripteur", "Prescripteur"
    COORDINATEUR = "coordinateur", "Coordinateur"
    DIRECTION = "direction", "Direction de structure"
    FINANCEUR = "financeur", "Financeur"
    ADMIN_PARTENAIRE = "admin_partenaire", "Administrateur du partenaire"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, partenaire__is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role inside one partner organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.CASCADE,
        related_name="memberships",
    )
    partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    deactivated_at = models.DateTimeField("désactivé le", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    access = Access(admin_partenaire="partenaire")

    class Meta:
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        ordering = ["partenaire__nom", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partenaire", "role"], name="membership_unique_role",
                violation_error_message="Cette personne a déjà ce rôle chez ce partenaire.",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} – {self.partenaire}"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A partner administrator's invitation of a colleague, by e-mail, with a role.

    The link carries a random token; only its SHA-256 hash is stored, so the table cannot be
    used to sign in. A link is valid for ``portail.services.INVITATION_VALIDITY`` and serves once.
    """

    partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="invité par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    expires_at = models.DateTimeField("valable jusqu'au")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="acceptée par", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    access = Access(admin_partenaire="partenaire")

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invitation n° {self.pk} – {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "acceptée"
        if self.cancelled_at:
            return "annulée"
        if self.expires_at <= timezone.now():
            return "expirée"
        return "en attente"


class AuditEvent(models.Model):
    """One entry of the audit trail: who did what, to which object, when.

    ``changes`` holds the names of the fields that changed (and, for state changes, the states),
    never the personal values themselves: the trail must not become a second copy of a file.
    Entries are written by ``portail.audit`` only, and no page edits or deletes them.
    """

    class Action(models.TextChoices):
        READ = "read", "Consultation"
        CREATE = "create", "Création"
        UPDATE = "update", "Modification"
        DELETE = "delete", "Suppression"
        TRANSITION = "transition", "Changement d'état"
        EXPORT = "export", "Export"
        LOGIN = "login", "Connexion"
        LOGOUT = "logout", "Déconnexion"

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT,
        null=True, blank=True, related_name="audit_events",
    )
    membership = models.ForeignKey(
        Membership, verbose_name="au titre de", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    action = models.CharField("action", max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name="type d'objet", on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_label = models.CharField("objet", max_length=200, blank=True)
    changes = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} – {self.object_label} ({self.at:%d/%m/%Y %H:%M})"
