"""The coordinator's dashboard with 100 000 pathways and 1 000 000 attendance rows.

Target: under 100 ms server time on PostgreSQL with a fixed number of queries, and a time that
barely grows from 1 000 to 100 000 pathways. The data grows in stages (1 000, 10 000, 100 000
pathways, sixteen attendance rows for each one in care) and the dashboard is measured at each stage; the rows are
recognised by their partner's name (« Banc parcours ») and reused by later runs.
``BENCH_PARCOURS_MAX`` lowers the last stage for a quick run.
"""

from __future__ import annotations

import os
import random
from datetime import date, time, timedelta

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.models import Attribution, Convention, PlaceReservee, Structure
from orientations.models import Enfant, Famille, Orientation
from parcours.models import Parcours, Presence
from portail.models import Commune, Membership, Partenaire, Role, User
from tests.utils import login

STAGES = (1_000, 10_000, 100_000)
PRESENCES_PER_PATHWAY = 16  # 5 pathways in 8 have started care: 1 000 000 rows at 100 000
CONVENTIONS = 20
BATCH = 5_000
PREFIX = "Banc parcours"
STATES = ["reperage", "contractualisation", "accueil", "accueil", "accueil", "bilan", "sortie", "abandon"]


def _world():
    partner = Partenaire.objects.filter(nom=f"{PREFIX} prescripteur").first()
    if partner is None:
        partner = Partenaire.objects.create(nom=f"{PREFIX} prescripteur", kind=Partenaire.Kind.PLIE, habilite=True)
        coordination = Partenaire.objects.create(nom=f"{PREFIX} coordination", kind=Partenaire.Kind.CCAS_MAIRIE)
        commune, _ = Commune.objects.get_or_create(
            code_insee="34145", defaults={"nom": "Lunel", "code_postal": "34400"}
        )
        user = User.objects.create(email="banc.parcours.coordination@exemple.fr", first_name="Banc", last_name="P")
        membership = Membership.objects.create(user=user, partenaire=coordination, role=Role.COORDINATEUR)
        User.objects.create(email="banc.parcours.prescripteur@exemple.fr", first_name="Banc", last_name="P")
        structure = Structure.objects.create(nom=f"{PREFIX} halte-jeux", kind=Structure.Kind.HALTE_JEUX,
                                             gestionnaire=coordination, commune=commune, places_total=7)
        for n in range(CONVENTIONS):
            convention = Convention.objects.create(
                titre=f"{PREFIX} convention {n}", debut=date(2024, 1, 1), fin=date(2030, 12, 31), gratuite_mois=6,
                creneau_max_minutes=210,
            )
            if n < 2:  # the measured coordinator has 2 conventions out of 20
                convention.coordinateurs.add(membership)
            PlaceReservee.objects.bulk_create(
                PlaceReservee(convention=convention, structure=structure, numero=k + 1) for k in range(7)
            )
    coordinator = Membership.objects.select_related("user").get(
        partenaire__nom=f"{PREFIX} coordination", role=Role.COORDINATEUR
    )
    return partner, coordinator


def _grow(partner, to: int, rng: random.Random) -> None:
    """Adds pathways (and their families, referrals, attendance) until there are ``to``."""
    conventions = list(Convention.objects.filter(titre__startswith=PREFIX).order_by("pk"))
    places = {c.pk: list(c.places_reservees.order_by("numero")) for c in conventions}
    prescriber = User.objects.get(email="banc.parcours.prescripteur@exemple.fr")
    commune = Commune.objects.get(code_insee="34145")
    today = timezone.localdate()
    have = Parcours.objects.filter(orientation__partenaire=partner).count()
    while have < to:
        size = min(BATCH, to - have)
        familles = Famille.objects.bulk_create(Famille(commune=commune, created_by_partenaire=partner)
                                               for _ in range(size))
        enfants = Enfant.objects.bulk_create(
            Enfant(famille=f, prenom="Banc", nom="Parcours", date_naissance=date(2025, 1, 1)) for f in familles
        )
        chosen = [rng.choice(conventions) for _ in range(size)]
        orientations = Orientation.objects.bulk_create(
            Orientation(famille=f, enfant=e, partenaire=partner, prescripteur=prescriber, convention=c,
                        date_souhaitee=today, besoin="Banc", state="acceptee")
            for f, e, c in zip(familles, enfants, chosen, strict=True)
        )
        pathways = []
        for orientation, convention in zip(orientations, chosen, strict=True):
            state = rng.choice(STATES)
            first = today - timedelta(days=rng.randrange(20, 260)) if state in ("accueil", "bilan", "sortie") else None
            pathways.append(Parcours(
                orientation=orientation, famille_id=orientation.famille_id, enfant_id=orientation.enfant_id,
                convention=convention, state=state, premier_accueil_le=first,
                fin_gratuite_le=first and first + timedelta(days=181),
                bilan_prevu_le=first and first + timedelta(days=182),
            ))
        pathways = Parcours.objects.bulk_create(pathways)
        presences = []
        for parcours in pathways:
            if parcours.premier_accueil_le is None:
                continue
            for k in range(PRESENCES_PER_PATHWAY):
                day = parcours.premier_accueil_le + timedelta(days=3 * k)
                presences.append(Presence(parcours=parcours, date=day, arrivee=time(9, 0), depart=time(12, 0),
                                          recorded_by=prescriber))
        Presence.objects.bulk_create(presences, batch_size=BATCH)
        have += size
    _occupy(places, prescriber)


def _occupy(places: dict, prescriber) -> None:
    """One open attribution per free place, to a pathway in care of its convention."""
    taken = set(Attribution.objects.filter(fin__isnull=True).values_list("place_id", flat=True))
    attributions = []
    for convention_id, slots in places.items():
        free = [slot for slot in slots if slot.pk not in taken]
        candidates = Parcours.objects.filter(convention_id=convention_id, state="accueil", attributions__isnull=True)
        for slot, parcours in zip(free, candidates[: len(free)], strict=False):
            attributions.append(Attribution(place=slot, parcours=parcours, debut=parcours.premier_accueil_le,
                                            created_by=prescriber))
    Attribution.objects.bulk_create(attributions)


def run(report) -> None:
    rng = random.Random(2026)
    last = int(os.environ.get("BENCH_PARCOURS_MAX", STAGES[-1]))
    with transaction.atomic():
        partner, coordinator = _world()
    client = login(Client(), coordinator.user, coordinator)
    url = reverse("parcours:dashboard")
    for stage in (s for s in STAGES if s <= last):
        with transaction.atomic():
            _grow(partner, stage, rng)
        presences = Presence.objects.filter(parcours__orientation__partenaire=partner).count()
        report.measure(f"parcours : tableau de bord ({stage} parcours, {presences} présences)",
                       lambda: _ok(client.get(url)), rows=stage, target_ms=100)


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response
