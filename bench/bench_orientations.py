"""« Mes orientations » and the coordinators' queue with 100 000 referrals and 500 partners.

Target: under 50 ms server time each on PostgreSQL, with a fixed number of queries whatever the
number of rows. The data is built once (bulk inserts) and reused by later runs: it is recognised
by its partners' names (« Banc orientations n »).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.models import Convention
from orientations import rules
from orientations.models import Enfant, Famille, Orientation
from portail.models import Commune, Membership, Partenaire, Role, User
from tests.utils import login

REFERRALS = 100_000
PARTNERS = 500
CONVENTIONS = 20
BATCH = 5_000
PREFIX = "Banc orientations"
STATES = ["brouillon", "envoyee", "envoyee", "en_etude", "acceptee", "refusee", "annulee", "expiree"]
FIRST_NAMES = ["Lina", "Adam", "Jade", "Noah", "Inès", "Yanis", "Léna", "Rayan", "Alba", "Tiago"]
LAST_NAMES = ["Moreau", "Benali", "Garcia", "Lopez", "Martin", "Diallo", "Haddad", "Roussel", "Girard"]


def _build() -> None:
    rng = random.Random(2026)
    commune, _ = Commune.objects.get_or_create(code_insee="45234", defaults={"nom": "Orléans"})
    partners = Partenaire.objects.bulk_create(
        Partenaire(nom=f"{PREFIX} {n}", kind=Partenaire.Kind.PLIE, habilite=True) for n in range(PARTNERS)
    )
    users = User.objects.bulk_create(
        User(email=f"banc.prescripteur{n}@exemple.fr", first_name="Banc", last_name=str(n)) for n in range(PARTNERS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, partenaire=p, role=Role.PRESCRIPTEUR) for u, p in zip(users, partners, strict=True)
    )
    coordination = Partenaire.objects.create(nom=f"{PREFIX} coordination", kind=Partenaire.Kind.CCAS_MAIRIE)
    conventions = []
    for n in range(CONVENTIONS):
        user = User.objects.create(email=f"banc.coordination{n}@exemple.fr", first_name="Banc", last_name="C")
        membership = Membership.objects.create(user=user, partenaire=coordination, role=Role.COORDINATEUR)
        convention = Convention.objects.create(titre=f"{PREFIX} convention {n}", debut=date(2024, 1, 1),
                                               fin=date(2030, 12, 31))
        convention.coordinateurs.add(membership)
        conventions.append(convention)
    now = timezone.now()
    for start in range(0, REFERRALS, BATCH):
        size = min(BATCH, REFERRALS - start)
        owners = [rng.randrange(PARTNERS) for _ in range(size)]
        familles = Famille.objects.bulk_create(
            Famille(commune=commune, created_by_partenaire=partners[o], monoparentale=rng.random() < 0.4)
            for o in owners
        )
        enfants = []
        for famille in familles:
            prenom, nom = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            enfants.append(Enfant(famille=famille, prenom=prenom, nom=nom, cle_doublon=rules.duplicate_key(prenom, nom),
                                  date_naissance=date(2024, 1, 1) + timedelta(days=rng.randrange(900))))
        Enfant.objects.bulk_create(enfants)
        orientations = []
        for owner, famille, enfant in zip(owners, familles, enfants, strict=True):
            state = rng.choice(STATES)
            sent = None if state == "brouillon" else now - timedelta(days=rng.randrange(60), minutes=rng.randrange(600))
            orientations.append(Orientation(
                famille=famille, enfant=enfant, partenaire=partners[owner], prescripteur=users[owner],
                convention=rng.choice(conventions), date_souhaitee=date(2027, 1, 4), besoin="Banc", state=state,
                sent_at=sent, echeance=sent.date() + timedelta(days=10) if sent else None,
                ponderation=rng.randrange(15), jeton=uuid.uuid4(),
                motif_refus="complet" if state == "refusee" else "",
            ))
        Orientation.objects.bulk_create(orientations)


def run(report) -> None:
    if not Partenaire.objects.filter(nom=f"{PREFIX} 0").exists():
        with transaction.atomic():
            _build()
    prescriber = Membership.objects.select_related("user").get(partenaire__nom=f"{PREFIX} 7", role=Role.PRESCRIPTEUR)
    coordinator = Membership.objects.select_related("user").filter(
        partenaire__nom=f"{PREFIX} coordination").order_by("pk").first()
    total = Orientation.objects.count()

    prescriber_client = login(Client(), prescriber.user, prescriber)
    liste = reverse("orientations:liste")
    report.measure("orientations : « Mes orientations » (page 1)", lambda: _ok(prescriber_client.get(liste)),
                   rows=total, target_ms=50)
    report.measure("orientations : « Mes orientations » filtrée (envoyées)",
                   lambda: _ok(prescriber_client.get(liste, {"etat": "envoyee"})), rows=total, target_ms=50)

    coordinator_client = login(Client(), coordinator.user, coordinator)
    queue = reverse("orientations:file")
    report.measure("orientations : file de la coordination (page 1)", lambda: _ok(coordinator_client.get(queue)),
                   rows=total, target_ms=50)
    report.measure("orientations : file de la coordination (page 20)",
                   lambda: _ok(coordinator_client.get(queue, {"page": 20})), rows=total, target_ms=50)


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response
