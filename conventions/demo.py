"""Demo supply from the seeds: Orléans facilities and conventions, Les Petits Pas in Lunel,
L'Arche des Bambins in Levignac. Idempotent: running it twice gives the same data.

Sources: ``003_9c25d7ff7a50f239.txt`` annex 1 (Orléans facilities, places, hours, places the
city reserves in private crèches), ``000_5e0208087e80a22b.txt`` (PMI convention),
``001_396231aaad878abd.txt`` (Pôle emploi Orléans Nord), ``002_d005ade614fba0f4.txt`` (Les
Petits Pas), ``004_c0eb3dc9dc554c6b.txt`` (Levignac). What the seeds do not give is listed in
``docs/conventions.md``.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from portail.models import Commune, Membership, Partenaire, Role

from .models import Convention, Financement, HoraireOuverture, PlaceReservee, Signataire, Structure

K = Structure.Kind
MON_FRI = (0, 1, 2, 3, 4)


def _t(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _hours(*spans):
    """``(weekdays, "07:30-18:15", ...)`` tuples → ``[(weekday, opens, closes)]``."""
    rows = []
    for weekdays, *periods in spans:
        for weekday in weekdays:
            for period in periods:
                opens, closes = period.split("-")
                rows.append((weekday, _t(opens), _t(closes)))
    return rows


CCAS = "CCAS d'Orléans"
ORLEANS = "45234"

# (name, kind, manager, places, address, phone, hours, familial)
FACILITIES = [
    ("La Bolière", K.CRECHE_COLLECTIVE, CCAS, 65, "6 rue Henri Poincaré", "02.38.69.02.02",
     _hours((MON_FRI, "07:30-18:15")), False),
    ("Saint-Marceau – Coursimault", K.CRECHE_COLLECTIVE, CCAS, 30, "24 rue Coursimault", "02.38.56.31.52",
     _hours((MON_FRI, "07:30-18:15")), False),
    ("Madeleine", K.CRECHE_COLLECTIVE, CCAS, 17, "18 allée Pierre Chevallier", "02.38.88.46.46",
     _hours((MON_FRI, "07:30-18:15")), False),
    ("Le Plat d'Étain", K.CRECHE_COLLECTIVE, CCAS, 23, "7 bis rue de l'Empereur", "02.38.53.15.53",
     _hours((MON_FRI, "08:00-19:30")), False),
    ("Le Baron", K.CRECHE_COLLECTIVE, CCAS, 45, "5 rue du Baron", "02.38.53.03.16",
     _hours((MON_FRI, "07:30-18:15")), False),
    ("La Tour Blanche", K.HALTE_GARDERIE, CCAS, 30, "1 rue du Gros Anneau", "02.38.62.87.44",
     _hours(((0, 1, 3, 4), "08:30-17:30"), ((2,), "08:30-12:00", "13:30-17:30")), False),
    ("La Gare – crèche collective", K.CRECHE_COLLECTIVE, CCAS, 20, "2 rue Daniel Jousse", "02.38.62.15.34",
     _hours((MON_FRI, "07:30-18:30")), False),
    ("La Gare – crèche familiale", K.CRECHE_FAMILIALE, CCAS, 28, "2 rue Daniel Jousse", "02.38.53.80.30",
     _hours((MON_FRI, "07:00-19:00")), True),
    ("Les Chats Ferrés", K.CRECHE_COLLECTIVE, CCAS, 75, "1 bis rue Henri Roy", "02.38.54.79.80",
     _hours((MON_FRI, "07:30-19:30"), ((5,), "08:30-19:30")), False),
    ("Pasteur", K.CRECHE_COLLECTIVE, CCAS, 60, "31 rue Ladureau", "02.38.81.26.88",
     _hours((MON_FRI, "07:30-18:30")), False),
    ("La Borde", K.CRECHE_COLLECTIVE, CCAS, 55, "2 bis rue de la Borde", "02.38.22.00.71",
     _hours((MON_FRI, "07:30-18:15")), False),
    ("Dorémi", K.CRECHE_COLLECTIVE, CCAS, 72, "11 rue de Reims", "", _hours((MON_FRI, "08:00-17:30")), False),
    ("Les Blossières – R. Vannier", K.MULTI_ACCUEIL, CCAS, 12, "3 rue Raymond Vannier", "02.38.88.43.59",
     _hours((MON_FRI, "07:15-18:15")), False),
    # Places the city reserves in private crèches (hours not given by the annex).
    ("La Luciole", K.CRECHE_COLLECTIVE, "People and Baby", 10, "5 place Choiseul", "02.46.09.73.75", [], False),
    ("Les 3 P'tites fées", K.CRECHE_COLLECTIVE, "Les petits chaperons rouges", 15, "14 avenue de l'Hôpital",
     "02.38.51.41.23", [], False),
    ("Les Marcellins", K.CRECHE_COLLECTIVE, "Les petits chaperons rouges", 15, "2 passage Paul Fort",
     "02 38 23 52 60", [], False),
    ("Pomme d'Api", K.CRECHE_COLLECTIVE, "La Maison Bleue", 20, "8 boulevard Guy Marie-Riobé",
     "02.38.54.44.63", [], False),
    ("Les Artistes", K.CRECHE_COLLECTIVE, "Les petits chaperons rouges", 16, "9 rue Fernand Rabier",
     "02.34.52.66.94", [], False),
]
PRIVATE_RESERVED = ["La Luciole", "Les 3 P'tites fées", "Les Marcellins", "Pomme d'Api", "Les Artistes"]
PRIVATE_MANAGERS = ["People and Baby", "Les petits chaperons rouges", "La Maison Bleue"]

LUNEL_HOURS = ("08:30-12:15", "13:30-17:00")
LUNEL_FACILITIES = [
    # The group meets at the Parc on Monday, Tuesday, Thursday and Friday (closed Friday afternoon),
    # at La Roquette on Wednesdays and school holidays.
    ("Les Petits Pas – Parc Jean Hugo", "Accueil de loisirs maternel du Parc, parc Jean Hugo",
     _hours(((0, 1, 3), *LUNEL_HOURS), ((4,), "08:30-12:15"))),
    ("Les Petits Pas – La Roquette", "École maternelle Arc en Ciel, La Roquette", _hours(((2,), *LUNEL_HOURS))),
]

S = Signataire.RoleConvention
PMI = "Conseil départemental du Loiret – PMI"
POLE_EMPLOI = "Pôle emploi Orléans Nord (France Travail)"


def seed(stdout=None) -> None:
    orleans = Commune.objects.get(code_insee=ORLEANS)
    for name in PRIVATE_MANAGERS:
        Partenaire.objects.get_or_create(nom=name, defaults={"kind": Partenaire.Kind.GESTIONNAIRE})
    partners = {p.nom: p for p in Partenaire.objects.all()}
    coord_orleans = _coordinator("coordination.orleans@exemple.fr")
    coord_lunel = _coordinator("coordination.lunel@exemple.fr")

    structures = {}
    for name, kind, manager, places, address, phone, hours, familial in FACILITIES:
        structures[name] = _structure(
            name, kind=kind, gestionnaire=partners[manager], places_total=places, adresse=address,
            telephone=phone, commune=orleans, accueil_familial=familial, tarif_urgence=Decimal("1.34"),
            hours=hours, coordinator=coord_orleans,
        )
    lunel = Commune.objects.get(code_insee="34145")
    for name, address, hours in LUNEL_FACILITIES:
        structures[name] = _structure(
            name, kind=K.HALTE_JEUX, gestionnaire=partners["Ville de Lunel"], places_total=7, adresse=address,
            telephone="", commune=lunel, accueil_familial=False, tarif_urgence=None, hours=hours,
            coordinator=coord_lunel, age_min_semaines=13, age_max_mois=36,
        )
    structures["L'Arche des Bambins"] = _structure(
        "L'Arche des Bambins", kind=K.MULTI_ACCUEIL, gestionnaire=partners["L'Arche des Bambins"],
        places_total=20, adresse="", telephone="", commune=Commune.objects.get(code_insee="31297"),
        accueil_familial=False, tarif_urgence=None, hours=[], coordinator=None,
    )

    pmi = _convention(
        "Places réservées PMI – Conseil départemental du Loiret et CCAS d'Orléans",
        debut=date(2016, 1, 1), fin=date(2026, 12, 31), gratuite_mois=6, budget_annuel=Decimal("55000"),
        criteres_prioritaires="Familles en grande vulnérabilité éducative orientées par la PMI "
        "(prévention précoce, schéma départemental enfance famille).",
        signataires=[(PMI, S.FINANCEUR), (PMI, S.PRESCRIPTEUR), (CCAS, S.PORTEUR)],
        places=[("La Bolière", 2, 0), ("Pasteur", 2, 0), ("Dorémi", 2, 0)],
        communes=[orleans], coordinator=coord_orleans, structures=structures, partners=partners,
    )
    Financement.objects.update_or_create(
        convention=pmi, partenaire=partners[PMI], annee=2016, defaults={"montant": Decimal("40681")}
    )
    _convention(
        "Pôle emploi Orléans Nord – priorité en crèche pour les parents en reclassement",
        debut=date(2016, 9, 1), fin=date(2026, 12, 31), gratuite_mois=0, budget_annuel=None,
        criteres_prioritaires="Parents domiciliés à Orléans, orientés par Pôle emploi Orléans Nord vers un "
        "acte de reclassement professionnel (souvent des familles monoparentales).",
        signataires=[(POLE_EMPLOI, S.PRESCRIPTEUR), (CCAS, S.PORTEUR)],
        places=[("La Borde", 1, 0), ("Dorémi", 1, 0)],
        communes=[orleans], coordinator=coord_orleans, structures=structures, partners=partners,
    )
    _convention(
        "Places réservées par la Ville d'Orléans dans les crèches privées",
        debut=date(2024, 1, 1), fin=date(2026, 12, 31), gratuite_mois=0, budget_annuel=None,
        criteres_prioritaires="Priorité aux horaires atypiques (Pomme d'Api, Les Artistes).",
        signataires=[(CCAS, S.PORTEUR)],
        places=[(name, structures[name].places_total, 0) for name in PRIVATE_RESERVED],
        communes=[orleans], coordinator=coord_orleans, structures=structures, partners=partners,
    )
    _convention(
        "Les Petits Pas – halte-jeux des parents en parcours d'insertion (Lunel)",
        debut=date(2024, 2, 26), fin=date(2026, 12, 31), gratuite_mois=None, budget_annuel=None,
        age_min_semaines=13, age_max_mois=36, creneau_max_minutes=210,
        criteres_prioritaires="Familles monoparentales, familles résidant en QPV, situations d'urgence.",
        signataires=[("CAF de l'Hérault", S.FINANCEUR), ("PLIE Est Héraultais", S.PRESCRIPTEUR),
                     (POLE_EMPLOI, S.PRESCRIPTEUR), ("APIJE", S.PRESCRIPTEUR),
                     ("Maison Jean-Jacques Rousseau", S.MEDIATION), ("Ville de Lunel", S.PORTEUR)],
        places=[("Les Petits Pas – Parc Jean Hugo", 6, 1)],
        communes=[lunel, Commune.objects.get(code_insee="34146")], coordinator=coord_lunel,
        structures=structures, partners=partners,
    )
    _convention(
        "Convention d'objectifs SIVOM de la vallée de la Save – Levignac – L'Arche des Bambins",
        debut=date(2022, 1, 1), fin=date(2025, 12, 31), gratuite_mois=0, budget_annuel=None,
        criteres_prioritaires="Places proposées par la commission d'attribution après pondération anonymisée.",
        signataires=[("SIVOM de la vallée de la Save", S.PORTEUR), ("SIVOM de la vallée de la Save", S.PRESCRIPTEUR)],
        places=[("L'Arche des Bambins", 2, 0)],
        communes=[], coordinator=None, structures=structures, partners=partners,
    )
    if stdout is not None:
        stdout.write(f"    {len(structures)} structures, {Convention.objects.count()} conventions")


def _coordinator(email):
    return Membership.objects.filter(user__email=email, role=Role.COORDINATEUR).first()


def _structure(name, *, hours, coordinator, **fields) -> Structure:
    structure, _ = Structure.objects.update_or_create(nom=name, defaults=fields)
    keep = []
    for weekday, opens, closes in hours:
        row, _ = HoraireOuverture.objects.update_or_create(
            structure=structure, weekday=weekday, ouverture=opens, defaults={"fermeture": closes}
        )
        keep.append(row.pk)
    structure.horaires.exclude(pk__in=keep).delete()
    if coordinator is not None:
        structure.coordinateurs.add(coordinator)
    return structure


def _convention(title, *, signataires, places, communes, coordinator, structures, partners, **fields) -> Convention:
    convention, _ = Convention.objects.update_or_create(titre=title, defaults=fields)
    for partner, role in signataires:
        Signataire.objects.get_or_create(convention=convention, partenaire=partners[partner], role=role)
    for name, regular, adaptation in places:
        structure = structures[name]
        kinds = [PlaceReservee.Kind.REGULIERE] * regular + [PlaceReservee.Kind.ADAPTATION_URGENCE] * adaptation
        for numero, kind in enumerate(kinds, start=1):
            PlaceReservee.objects.update_or_create(
                convention=convention, structure=structure, numero=numero, defaults={"kind": kind}
            )
    convention.communes.set(communes)
    if coordinator is not None:
        convention.coordinateurs.add(coordinator)
    return convention
