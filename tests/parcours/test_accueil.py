"""During care: attendance and its slot limit, the monthly minimum, the six-month review."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from conventions.models import PlaceReservee, Structure
from parcours import selectors, services
from parcours.models import Bilan, Parcours, Presence
from tests.factories import CommuneFactory
from tests.parcours import factories as f

State = Parcours.State
pytestmark = pytest.mark.django_db


def in_care(first_day=datetime.date(2026, 1, 5), place=None, **kwargs):
    parcours = f.ParcoursFactory(**kwargs)
    Parcours.objects.filter(pk=parcours.pk).update(
        state=State.ACCUEIL, premier_accueil_le=first_day,
        fin_gratuite_le=parcours.convention.gratuite_mois and datetime.date(2026, 7, 4),
        bilan_prevu_le=datetime.date(2026, 7, 5),
    )
    parcours.refresh_from_db()
    f.attribution(parcours, debut=first_day, place=place and place(parcours.convention))
    return parcours, f.coordinator_of(parcours.convention)


def add_presence(parcours, coordinateur, day, start, end):
    return services.enregistrer_presence(
        parcours_pk=parcours.pk, request=f.request_for(coordinateur), date=day,
        arrivee=datetime.time(*start), depart=datetime.time(*end),
    )


@freeze_time("2026-03-20")
def test_petits_pas_slot_of_3h30_is_accepted_and_longer_refused():
    """Seed 002: slots of at most 3 h 30 at Les Petits Pas."""
    parcours, coordinateur = in_care(orientation__convention__petits_pas=True)
    add_presence(parcours, coordinateur, datetime.date(2026, 3, 2), (8, 30), (12, 0))
    with pytest.raises(services.ParcoursError, match="ne peut pas dépasser 3 h 30"):
        add_presence(parcours, coordinateur, datetime.date(2026, 3, 3), (8, 30), (12, 1))
    assert Presence.objects.filter(parcours=parcours).count() == 1


@freeze_time("2026-03-20")
def test_attendance_refused_before_care_in_the_future_or_backwards():
    parcours, coordinateur = in_care()
    with pytest.raises(services.ParcoursError, match="précède le premier jour"):
        add_presence(parcours, coordinateur, datetime.date(2026, 1, 2), (9, 0), (11, 0))
    with pytest.raises(services.ParcoursError, match="date future"):
        add_presence(parcours, coordinateur, datetime.date(2026, 3, 21), (9, 0), (11, 0))
    with pytest.raises(services.ParcoursError, match="départ doit suivre"):
        add_presence(parcours, coordinateur, datetime.date(2026, 3, 2), (11, 0), (9, 0))
    assert not Presence.objects.exists()


def test_attendance_only_during_care():
    parcours = f.ParcoursFactory()
    coordinateur = f.coordinator_of(parcours.convention)
    with pytest.raises(services.ParcoursError, match="qu'à l'étape"):
        add_presence(parcours, coordinateur, datetime.date(2026, 3, 2), (9, 0), (11, 0))


def test_under_two_attendances_in_previous_calendar_month_is_flagged():
    """Seed 002: regular care means at least twice a month; February 2026 is checked in March."""
    once, _ = in_care()
    twice, _ = in_care()
    f.presence(once, datetime.date(2026, 2, 10))
    f.presence(twice, datetime.date(2026, 2, 10))
    f.presence(twice, datetime.date(2026, 2, 24))
    f.presence(once, datetime.date(2026, 3, 2))  # March does not count yet
    started_late, _ = in_care(first_day=datetime.date(2026, 2, 16))  # not a whole month of care
    flagged = selectors.under_attendance(Parcours.objects.all(), datetime.date(2026, 3, 10))
    assert {p.pk: p.venues for p in flagged} == {once.pk: 1}
    assert started_late.pk not in {p.pk for p in flagged}


def bilan_data(day=datetime.date(2026, 7, 3), cout="12.00", signed=True):
    return {
        "date": day, "developpement_enfant": "Marche, s'est bien adaptée", "progres_parent": "Formation suivie",
        "cout_horaire": Decimal(cout), "signe_famille_le": day if signed else None,
    }


@freeze_time("2026-07-03")
def test_financial_review_computes_the_waived_amount_with_the_fee_engine():
    """1 500 € a month, one child, collective care, barème in force on 5 Jan 2026: taux 0,0619 %
    → 0,93 € an hour; 20 mornings of 3 h = 60 h → 55,80 € waived; at 12 € an hour, 720 € for
    the convention. Attendance after the last free day (4 Jul 2026) is not counted."""
    parcours, coordinateur = in_care(orientation__famille__ressources_mensuelles=Decimal("1500.00"))
    for week in range(20):
        f.presence(parcours, datetime.date(2026, 1, 6) + datetime.timedelta(weeks=week))
    services.enregistrer_bilan(
        parcours_pk=parcours.pk, expected_state=State.ACCUEIL, request=f.request_for(coordinateur),
        data=bilan_data(),
    )
    bilan = Bilan.objects.get(parcours=parcours)
    assert bilan.heures_accueil == Decimal("60.00")
    assert bilan.tarif_horaire == Decimal("0.93")
    assert bilan.taux_effort == Decimal("0.0619")
    assert bilan.montant_exonere == Decimal("55.80")
    assert bilan.cout_convention == Decimal("720.00")
    assert bilan.bareme_du == datetime.date(2025, 9, 1)


@freeze_time("2026-07-03")
def test_resources_under_the_floor_use_the_floor():
    """754,16 € × 0,0619 % = 0,4668 → 0,47 € an hour."""
    parcours, _coordinateur = in_care(orientation__famille__ressources_mensuelles=Decimal("400.00"))
    f.presence(parcours, datetime.date(2026, 2, 3), (9, 0), (11, 30))
    financial = services.financial_review(parcours, until=datetime.date(2026, 7, 3), cout_horaire=Decimal("10"))
    assert financial.fee.hourly == Decimal("0.47")
    assert financial.heures == Decimal("2.50")
    assert financial.montant_exonere == Decimal("1.18")


def _place(place_kind=PlaceReservee.Kind.REGULIERE, **structure):
    return lambda convention: f.PlaceFactory(
        convention=convention, kind=place_kind, structure=f.StructureFactory(**structure)
    )


@pytest.mark.parametrize(
    ("statut", "place", "other_commune", "hourly", "waived"),
    [
        # Seed 003 annex 2: the familial table (0,0516 % for one child) in a crèche familiale,
        # or in a facility declared as familial care: 1 500 € → 0,77 €/h, 60 h → 46,20 €.
        ("connues", _place(kind=Structure.Kind.CRECHE_FAMILIALE),
         False, "0.77", "46.20"),
        ("connues", _place(accueil_familial=True), False, "0.77", "46.20"),
        # Seed 003 §3.4.4: the facility's surcharge outside the commune (2,28 € at Orléans).
        ("connues", _place(), True, "3.21", "192.60"),
        ("connues", _place(majoration_hors_commune=Decimal("1.50")), True, "2.43", "145.80"),
        # Seed 003 §3.4.3: on the emergency place, resources not yet known pay the floor rate
        # (754,16 € × 0,0619 % → 0,47 €/h), or the manager's fixed emergency rate…
        ("inconnues", _place(PlaceReservee.Kind.ADAPTATION_URGENCE), False, "0.47", "28.20"),
        ("inconnues", _place(PlaceReservee.Kind.ADAPTATION_URGENCE, tarif_urgence=Decimal("1.34")),
         False, "1.34", "80.40"),
        # … while on a regular place unknown resources pay the ceiling (8 500 € × 0,0619 % → 5,26 €/h).
        ("inconnues", _place(), False, "5.26", "315.60"),
    ],
)
@freeze_time("2026-07-03")
def test_financial_review_uses_the_conventions_fee_engine_rules(statut, place, other_commune, hourly, waived):
    """The review's fee is ``conventions.selectors.fee_for`` on the first day of care: the same
    care type, surcharge and emergency rules as everywhere else; 20 mornings of 3 h = 60 h."""
    parcours, _coordinateur = in_care(place=place, orientation__famille__ressources_mensuelles=Decimal("1500.00"),
                                      orientation__famille__ressources_statut=statut)
    famille = parcours.famille
    structure = parcours.attributions.get().place.structure
    famille.commune = CommuneFactory(nom="Fleury-les-Aubrais", code_insee="45147") if other_commune \
        else structure.commune
    famille.save()
    for week in range(20):
        f.presence(parcours, datetime.date(2026, 1, 6) + datetime.timedelta(weeks=week))
    financial = services.financial_review(parcours, until=datetime.date(2026, 7, 3), cout_horaire=Decimal("12"))
    assert (financial.heures, financial.fee.hourly, financial.montant_exonere) == (
        Decimal("60.00"), Decimal(hourly), Decimal(waived)
    )


@freeze_time("2026-04-15")
def test_review_can_be_held_early_and_then_closed():
    parcours, coordinateur = in_care()
    f.presence(parcours, datetime.date(2026, 4, 7))
    request = f.request_for(coordinateur)
    services.enregistrer_bilan(
        parcours_pk=parcours.pk, expected_state=State.ACCUEIL, request=request,
        data=bilan_data(day=datetime.date(2026, 4, 15)),
    )
    services.tenir_bilan(parcours_pk=parcours.pk, expected_state=State.ACCUEIL, request=request)
    parcours.refresh_from_db()
    assert parcours.state == State.BILAN
    assert Bilan.objects.get().heures_accueil == Decimal("3.00")


@freeze_time("2026-07-03")
def test_review_in_the_future_is_refused_and_nothing_written():
    parcours, coordinateur = in_care()
    with pytest.raises(services.ParcoursError, match="futur"):
        services.enregistrer_bilan(
            parcours_pk=parcours.pk, expected_state=State.ACCUEIL, request=f.request_for(coordinateur),
            data=bilan_data(day=datetime.date(2026, 7, 10)),
        )
    assert not Bilan.objects.exists()
