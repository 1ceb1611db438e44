"""The yearly report of a convention with 100 000 pathways, and its 100 000-row XLSX export.

Targets: the report under 1 s on PostgreSQL with a fixed number of queries; the XLSX export of
100 000 rows (the anonymised list of pathways) under 30 s with a peak memory under 300 MB
(write-only workbook fed by a streaming cursor). The rows are recognised by their partner's
name (« Banc rapports ») and reused by later runs. ``BENCH_RAPPORTS_MAX`` lowers the size for a
quick run.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from conventions.models import Attribution, Convention, PlaceReservee, Structure
from orientations.models import Enfant, Famille, Orientation
from parcours.models import Bilan, Parcours, Presence, Sortie
from portail.models import Commune, Partenaire, User
from rapports import exports, rules, selectors
from rapports.presentation import present

PATHWAYS = int(os.environ.get("BENCH_RAPPORTS_MAX", "100000"))
PLACES = 60
BATCH = 5_000
PREFIX = "Banc rapports"
YEAR = 2026


def _world():
    convention = Convention.objects.filter(titre=f"{PREFIX} convention").first()
    if convention is not None:
        return convention
    partner = Partenaire.objects.create(nom=f"{PREFIX} prescripteur", kind=Partenaire.Kind.PLIE, habilite=True)
    commune, _ = Commune.objects.get_or_create(code_insee="45234", defaults={"nom": "Orléans", "code_postal": "45000"})
    user = User.objects.create(email="banc.rapports@exemple.fr", first_name="Banc", last_name="R")
    structure = Structure.objects.create(nom=f"{PREFIX} crèche", kind=Structure.Kind.CRECHE_COLLECTIVE,
                                         gestionnaire=partner, commune=commune, places_total=PLACES)
    convention = Convention.objects.create(titre=f"{PREFIX} convention", debut=date(2024, 1, 1),
                                           fin=date(2030, 12, 31), gratuite_mois=6, budget_annuel=Decimal("60000"))
    places = PlaceReservee.objects.bulk_create(
        PlaceReservee(convention=convention, structure=structure, numero=k + 1) for k in range(PLACES)
    )
    start = timezone.make_aware(datetime(YEAR, 1, 1, 9))
    for offset in range(0, PATHWAYS, BATCH):
        size = min(BATCH, PATHWAYS - offset)
        with transaction.atomic():
            familles = Famille.objects.bulk_create(
                Famille(commune=commune, created_by_partenaire=partner) for _ in range(size)
            )
            enfants = Enfant.objects.bulk_create(
                Enfant(famille=f, prenom="Banc", nom="Rapports", date_naissance=date(2025, 1, 1)) for f in familles
            )
            orientations = Orientation.objects.bulk_create(
                Orientation(
                    famille=f, enfant=e, partenaire=partner, prescripteur=user, convention=convention,
                    date_souhaitee=date(YEAR, 1, 1), besoin="Banc", state="acceptee",
                    sent_at=start + timedelta(hours=(offset + i) % 8000),
                    answered_at=start + timedelta(hours=(offset + i) % 8000 + 24 * (1 + i % 9)),
                )
                for i, (f, e) in enumerate(zip(familles, enfants, strict=True))
            )
            pathways = Parcours.objects.bulk_create(
                Parcours(orientation=o, famille=o.famille, enfant=o.enfant, convention=convention,
                         state="accueil", premier_accueil_le=date(YEAR, 1, 1) + timedelta(days=(offset + i) % 300),
                         bilan_prevu_le=date(YEAR, 7, 1) + timedelta(days=(offset + i) % 150))
                for i, o in enumerate(orientations)
            )
            Attribution.objects.bulk_create(
                Attribution(place=places[(offset + i) % PLACES], parcours=p, debut=p.premier_accueil_le,
                            fin=p.premier_accueil_le + timedelta(days=20), created_by=user)
                for i, p in enumerate(pathways)
            )
            Presence.objects.bulk_create(
                Presence(parcours=p, date=p.premier_accueil_le, arrivee=time(9), depart=time(12), recorded_by=user)
                for p in pathways
            )
            Bilan.objects.bulk_create(
                Bilan(parcours=p, date=p.bilan_prevu_le + timedelta(days=i % 5 - 2), developpement_enfant="Banc",
                      progres_parent="Banc", heures_accueil=Decimal("120"), tarif_horaire=Decimal("1.50"),
                      montant_exonere=Decimal("180"), cout_horaire=Decimal("10"), cout_convention=Decimal("1200"),
                      recorded_by=user)
                for i, p in enumerate(pathways) if i % 2 == 0
            )
            Sortie.objects.bulk_create(
                Sortie(parcours=p, date=p.premier_accueil_le + timedelta(days=40), issue_enfant="creche",
                       situation_parent="formation", recorded_by=user)
                for i, p in enumerate(pathways) if i % 3 == 0
            )
    return convention


def run(report):
    convention = _world()
    period = rules.year(YEAR)
    today = date(YEAR + 1, 1, 15)
    report.measure(
        f"rapport annuel d'une convention ({PATHWAYS} parcours)",
        lambda: selectors.convention_report(convention, period, today=today),
        rows=PATHWAYS, repeat=5, target_ms=1000,
    )

    def xlsx():
        built = selectors.convention_report(convention, period, today=today)
        with tempfile.TemporaryFile() as target:
            exports.to_xlsx(built, present(built, False), target, detail=selectors.detail_rows(convention, period))

    report.measure(f"export XLSX de {PATHWAYS} lignes (cible mémoire < 300 Mo)", xlsx, rows=PATHWAYS, repeat=1,
                   target_ms=30_000)
