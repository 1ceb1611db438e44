"""Load the CNAF barème of the seed (003_9c25d7ff7a50f239.txt, annex 2) and the later ceilings."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SEED = "Règlement de fonctionnement des EAJE d'Orléans 2024, annexe 2 (tarifs 2023)"
RATES_2023 = {
    "collectif": [(1, "0.0619"), (2, "0.0516"), (3, "0.0413"), (4, "0.0310"), (8, "0.0206")],
    "familial": [(1, "0.0516"), (2, "0.0413"), (3, "0.0310"), (6, "0.0206")],
}
LATER_CEILINGS = [
    (date(2024, 9, 1), Decimal("7000.00"), "Circulaire CNAF : plafond porté à 7 000 € au 1er septembre 2024"),
    (date(2025, 9, 1), Decimal("8500.00"), "Circulaire CNAF : plafond porté à 8 500 € au 1er septembre 2025"),
]


def load(apps, schema_editor):
    Bareme = apps.get_model("conventions", "Bareme")
    TauxEffort = apps.get_model("conventions", "TauxEffort")
    bareme, _ = Bareme.objects.update_or_create(
        effective_from=date(2023, 1, 1),
        defaults={"plancher": Decimal("754.16"), "plafond": Decimal("6000.00"), "max_enfants": 10, "source": SEED},
    )
    for care_type, rows in RATES_2023.items():
        for min_enfants, taux in rows:
            TauxEffort.objects.update_or_create(
                bareme=bareme, care_type=care_type, min_enfants=min_enfants, defaults={"taux": Decimal(taux)}
            )
    for day, plafond, source in LATER_CEILINGS:
        Bareme.objects.update_or_create(
            effective_from=day, defaults={"plancher": None, "plafond": plafond, "source": source}
        )


def unload(apps, schema_editor):
    Bareme = apps.get_model("conventions", "Bareme")
    days = [date(2023, 1, 1)] + [day for day, _plafond, _source in LATER_CEILINGS]
    Bareme.objects.filter(effective_from__in=days).delete()


class Migration(migrations.Migration):
    dependencies = [("conventions", "0003_bareme")]

    operations = [migrations.RunPython(load, unload)]
