"""Occupancy of every convention for a year: 1 000 facilities, 100 000 attributions.

Builds its data once (rows named « Banc … », reused on the next run): 1 000 facilities with
10 reserved slots each, grouped 5 facilities to a convention (200 conventions, 10 000 slots),
and on each slot 10 successive attributions of 30 days in 2026 (100 000 attributions, no slot
ever overbooked, so the PostgreSQL exclusion constraint accepts them). The attributions share
1 000 pathways: the occupancy never reads the pathway.

Measured: ``selectors.yearly_occupancy(2026)`` (every convention, every day: two queries) and
the first page of the convention list with today's occupancy (a fixed number of queries).
Target: 200 ms on PostgreSQL on the 2-core machine.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction

from conventions import selectors
from conventions.models import Attribution, Convention, PlaceReservee, Structure
from portail.models import Commune, Partenaire, User

FACILITIES = 1_000
SLOTS_PER_FACILITY = 10
FACILITIES_PER_CONVENTION = 5
ATTRIBUTIONS_PER_SLOT = 10
PATHWAYS = 1_000
YEAR = 2026
PREFIX = "Banc"


def _build() -> None:
    from orientations.models import Enfant, Famille, Orientation
    from parcours.models import Parcours

    commune, _ = Commune.objects.get_or_create(code_insee="45234", defaults={"nom": "Orléans", "code_postal": "45000"})
    partner, _ = Partenaire.objects.get_or_create(nom=f"{PREFIX} gestionnaire", defaults={"kind": "gestionnaire"})
    user, _ = User.objects.get_or_create(email="banc.conventions@exemple.fr")
    conventions = Convention.objects.bulk_create(
        Convention(titre=f"{PREFIX} convention {i:03d}", debut=date(YEAR, 1, 1), fin=date(YEAR, 12, 31))
        for i in range(FACILITIES // FACILITIES_PER_CONVENTION)
    )
    structures = Structure.objects.bulk_create(
        Structure(nom=f"{PREFIX} structure {i:04d}", kind="multi_accueil", gestionnaire=partner, commune=commune,
                  places_total=20)
        for i in range(FACILITIES)
    )
    places = PlaceReservee.objects.bulk_create(
        PlaceReservee(convention=conventions[i // FACILITIES_PER_CONVENTION], structure=structure, numero=n + 1)
        for i, structure in enumerate(structures)
        for n in range(SLOTS_PER_FACILITY)
    )
    familles = Famille.objects.bulk_create(
        Famille(commune=commune, created_by_partenaire=partner) for _ in range(PATHWAYS)
    )
    enfants = Enfant.objects.bulk_create(
        Enfant(famille=famille, prenom="Banc", nom="Banc", date_naissance=date(YEAR - 1, 6, 1)) for famille in familles
    )
    orientations = Orientation.objects.bulk_create(
        Orientation(famille=f, enfant=e, partenaire=partner, prescripteur=user, convention=conventions[i % 200],
                    date_souhaitee=date(YEAR, 1, 1), besoin="banc")
        for i, (f, e) in enumerate(zip(familles, enfants, strict=True))
    )
    pathways = Parcours.objects.bulk_create(
        Parcours(orientation=o, famille_id=o.famille_id, enfant_id=o.enfant_id, convention=o.convention)
        for o in orientations
    )
    start = date(YEAR, 1, 1)
    Attribution.objects.bulk_create(
        (
            Attribution(
                place=place, parcours=pathways[(index * ATTRIBUTIONS_PER_SLOT + k) % PATHWAYS],
                debut=start + timedelta(days=36 * k), fin=start + timedelta(days=36 * k + 29), created_by=user,
            )
            for index, place in enumerate(places)
            for k in range(ATTRIBUTIONS_PER_SLOT)
        ),
        batch_size=5_000,
    )


def run(report) -> None:
    if not Structure.objects.filter(nom__startswith=f"{PREFIX} structure").exists():
        with transaction.atomic():
            _build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    bench = Convention.objects.filter(titre__startswith=f"{PREFIX} convention")
    attributions = Attribution.objects.filter(place__convention__in=bench).count()
    report.measure(
        "conventions : occupation annuelle de toutes les conventions",
        lambda: selectors.yearly_occupancy(YEAR), rows=attributions, target_ms=200,
    )
    admin = User(email="banc.admin@exemple.fr", is_superuser=True)

    def first_page():
        return list(selectors.conventions_for(admin, None, day=date(YEAR, 6, 15))[:25])

    report.measure("conventions : liste avec occupation du jour (page 1)", first_page, rows=bench.count())
