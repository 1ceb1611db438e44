"""Demo world of the portal itself: the seeds' partners and one account per role.

Every function here is idempotent: records are found by their natural key and updated.
The partners come from the seed documents (Orléans, Lunel, Levignac; see shared/seeds/README.md).
"""

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .mfa import TOTP_DEVICE_NAME
from .models import Commune, Membership, Partenaire, Role, User

DEMO_PASSWORD = "Demo-Parcours-2026!"

COMMUNES = [
    ("Orléans", "45234", "45000"),
    ("Saint-Jean-de-Braye", "45284", "45800"),
    ("Lunel", "34145", "34400"),
    ("Lunel-Viel", "34146", "34400"),
    ("Levignac", "31297", "31530"),
    ("Léguevin", "31291", "31490"),
]

# (name, kind, communes, authorised prescriber)
PARTENAIRES = [
    ("Conseil départemental du Loiret – PMI", Partenaire.Kind.DEPARTEMENT_PMI, ["45234", "45284"], True),
    ("CCAS d'Orléans", Partenaire.Kind.CCAS_MAIRIE, ["45234"], True),
    ("Pôle emploi Orléans Nord (France Travail)", Partenaire.Kind.FRANCE_TRAVAIL, ["45234"], True),
    ("Ville de Lunel", Partenaire.Kind.CCAS_MAIRIE, ["34145"], True),
    ("CAF de l'Hérault", Partenaire.Kind.CAF, ["34145", "34146"], False),
    ("PLIE Est Héraultais", Partenaire.Kind.PLIE, ["34145", "34146"], True),
    ("APIJE", Partenaire.Kind.AUTRE, ["34145"], True),
    ("Maison Jean-Jacques Rousseau", Partenaire.Kind.MEDIATION, ["34145"], False),
    ("SIVOM de la vallée de la Save", Partenaire.Kind.CCAS_MAIRIE, ["31297", "31291"], True),
    ("L'Arche des Bambins", Partenaire.Kind.GESTIONNAIRE, ["31297"], False),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    partenaire: str | None
    role: str | None
    what: str


ACCOUNTS = [
    DemoAccount("prescripteur.pmi@exemple.fr", "Claire", "Martin",
                "Conseil départemental du Loiret – PMI", Role.PRESCRIPTEUR, "puéricultrice de PMI (Orléans)"),
    DemoAccount("prescripteur.francetravail@exemple.fr", "Karim", "Benali",
                "Pôle emploi Orléans Nord (France Travail)", Role.PRESCRIPTEUR, "conseiller France Travail"),
    DemoAccount("prescripteur.plie@exemple.fr", "Sophie", "Roux",
                "PLIE Est Héraultais", Role.PRESCRIPTEUR, "référente PLIE (Lunel)"),
    DemoAccount("coordination.orleans@exemple.fr", "Agnès", "Favre",
                "CCAS d'Orléans", Role.COORDINATEUR, "direction petite enfance d'Orléans"),
    DemoAccount("coordination.lunel@exemple.fr", "Nadia", "Garcia",
                "Ville de Lunel", Role.COORDINATEUR, "coordinatrice des Petits Pas"),
    DemoAccount("direction.arche@exemple.fr", "Julie", "Petit",
                "L'Arche des Bambins", Role.DIRECTION, "directrice de L'Arche des Bambins"),
    DemoAccount("financeur.departement@exemple.fr", "Luc", "Moreau",
                "Conseil départemental du Loiret – PMI", Role.FINANCEUR, "chargé de mission du Département"),
    DemoAccount("financeur.caf@exemple.fr", "Inès", "Lambert",
                "CAF de l'Hérault", Role.FINANCEUR, "conseillère territoriale CAF"),
    DemoAccount("admin.ccas@exemple.fr", "Paul", "Bernard",
                "CCAS d'Orléans", Role.ADMIN_PARTENAIRE, "administrateur du CCAS d'Orléans"),
    DemoAccount("admin@exemple.fr", "Camille", "Durand", None, None, "administratrice de la plateforme"),
]


def seed(stdout=None) -> None:
    communes = {}
    for nom, insee, cp in COMMUNES:
        communes[insee], _ = Commune.objects.update_or_create(
            code_insee=insee, defaults={"nom": nom, "code_postal": cp}
        )
    admin = _user(ACCOUNTS[-1], superuser=True)
    for nom, kind, insee_codes, habilite in PARTENAIRES:
        partenaire, _created = Partenaire.objects.get_or_create(nom=nom, defaults={"kind": kind})
        partenaire.kind = kind
        partenaire.is_active = True
        if habilite and not partenaire.habilite:
            partenaire.habilite, partenaire.habilite_par, partenaire.habilite_le = True, admin, timezone.now()
        partenaire.save()
        partenaire.communes.set([communes[code] for code in insee_codes])
    for account in ACCOUNTS[:-1]:
        user = _user(account)
        Membership.objects.update_or_create(
            user=user, partenaire=Partenaire.objects.get(nom=account.partenaire), role=account.role,
            defaults={"is_active": True, "deactivated_at": None},
        )


def _user(account: DemoAccount, superuser: bool = False) -> User:
    user = User.objects.filter(email=account.email).first() or User(email=account.email)
    user.first_name, user.last_name = account.first_name, account.last_name
    user.is_active = True
    user.is_staff = user.is_superuser = superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    TOTPDevice.objects.filter(user=user).exclude(name=TOTP_DEVICE_NAME, confirmed=True).delete()
    TOTPDevice.objects.update_or_create(
        user=user, name=TOTP_DEVICE_NAME, defaults={"key": demo_totp_key(account.email), "confirmed": True}
    )
    return user


def demo_totp_key(email: str) -> str:
    """The fixed TOTP secret of a demo account (hex, as django-otp stores it), from its address.

    Demo accounts only: a real account's secret is random and only its owner's application knows it.
    """
    return hashlib.sha256(f"parcours-petite-enfance-demo:{email}".encode()).hexdigest()[:40]


def demo_totp_secret(email: str) -> str:
    """The same secret in base32, as an authenticator application expects it."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(email))).decode()


def demo_code(email: str) -> str:
    """The current 6-digit code of a demo account (what its application would show now)."""
    device = TOTPDevice.objects.get(user__email=email.strip().lower(), name=TOTP_DEVICE_NAME, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def account_lines() -> list[str]:
    lines = [f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}"]
    if settings.MFA_DISABLED_FOR_DEMO:
        lines.append("Double authentification désactivée (MFA_DISABLED_FOR_DEMO).")
    else:
        lines.append(
            "Double authentification : ajoutez la clé de chaque compte dans une application TOTP, "
            "ou obtenez le code du moment avec « .venv/bin/python manage.py code_demo <adresse> »."
        )
    for account in ACCOUNTS:
        role = dict(Role.choices).get(account.role, "superutilisateur")
        lines.append(f"  {account.email:<42} {role:<30} {account.what}")
        lines.append(f"  {'':<42} clé TOTP : {demo_totp_secret(account.email)}")
    return lines
