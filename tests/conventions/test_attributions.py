"""Allocation rules of reserved places, release, waiting list and the free period of a pathway."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from conventions import selectors, services
from conventions.models import Attribution, DemandePlace, PlaceReservee
from portail.models import AuditEvent
from tests.conventions.factories import (
    Actor,
    ConventionFactory,
    coordinateur,
    parcours_for,
    superuser_actor,
)

pytestmark = pytest.mark.django_db
REGULIERE, ADAPTATION = PlaceReservee.Kind.REGULIERE, PlaceReservee.Kind.ADAPTATION_URGENCE


@pytest.fixture
def coord():
    return coordinateur()


@pytest.fixture
def actor(coord):
    return Actor(coord)


def test_a_free_place_is_attributed_and_audited(coord, actor):
    convention = ConventionFactory(places=2, coordinateur=coord)
    parcours = parcours_for(convention)
    attribution = services.attribuer_place(parcours=parcours, debut=date(2026, 3, 2), kind=REGULIERE, request=actor)
    assert attribution.place.convention == convention
    assert attribution.fin is None
    assert attribution.created_by == coord.user
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(attribution.pk)).exists()


def test_beyond_the_reserved_count_is_refused(coord, actor):
    convention = ConventionFactory(places=1, coordinateur=coord)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=actor)
    with pytest.raises(services.AttributionRefusee, match="Aucune place d'accueil régulier n'est libre"):
        services.attribuer_place(
            parcours=parcours_for(convention), debut=date(2026, 6, 1), kind=REGULIERE, request=actor
        )
    assert Attribution.objects.count() == 1


def test_a_place_booked_later_blocks_an_open_ended_start_before_it(coord, actor):
    """An attribution runs until released: a slot taken from June is not free from March on."""
    convention = ConventionFactory(places=1, coordinateur=coord)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 6, 1), kind=REGULIERE, request=actor)
    with pytest.raises(services.AttributionRefusee, match="toute la période"):
        services.attribuer_place(
            parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=actor
        )


def test_released_place_is_free_the_next_day(coord, actor):
    convention = ConventionFactory(places=1, coordinateur=coord)
    first = services.attribuer_place(
        parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=actor
    )
    services.liberer_place(first, fin=date(2026, 5, 29), request=actor)
    other = parcours_for(convention)
    with pytest.raises(services.AttributionRefusee):
        services.attribuer_place(parcours=other, debut=date(2026, 5, 29), kind=REGULIERE, request=actor)
    second = services.attribuer_place(parcours=other, debut=date(2026, 5, 30), kind=REGULIERE, request=actor)
    assert second.place == first.place
    assert [row.occupied for row in selectors.occupancy_rows(convention, date(2026, 5, 29))] == [1]


def test_release_before_the_first_day_is_refused(coord, actor):
    convention = ConventionFactory(places=1, coordinateur=coord)
    attribution = services.attribuer_place(
        parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=actor
    )
    with pytest.raises(services.AttributionRefusee, match="ne peut précéder"):
        services.liberer_place(attribution, fin=date(2026, 3, 1), request=actor)
    attribution.refresh_from_db()
    assert attribution.fin is None


@pytest.mark.parametrize("debut", [date(2025, 12, 31), date(2027, 1, 1)])
def test_outside_the_convention_dates_is_refused(coord, actor, debut):
    convention = ConventionFactory(places=1, coordinateur=coord)
    with pytest.raises(services.AttributionRefusee, match="du 01/01/2026 au 31/12/2026"):
        services.attribuer_place(parcours=parcours_for(convention), debut=debut, kind=REGULIERE, request=actor)


@pytest.mark.parametrize(
    ("naissance", "allowed"),
    [
        (date(2026, 1, 1), False),  # 8 weeks on 26/02/2026: under 13 weeks (3 months)
        (date(2025, 11, 1), True),  # nearly 4 months
        (date(2023, 2, 27), True),  # 2 years 11 months
        (date(2023, 2, 26), False),  # 3 years on 26/02/2026
    ],
)
def test_child_outside_the_age_range_at_the_start_is_refused(coord, actor, naissance, allowed):
    """Les Petits Pas: children 3 months – 3 years (002_d005ade614fba0f4.txt)."""
    convention = ConventionFactory(petits_pas=True, places=1, coordinateur=coord)
    parcours = parcours_for(convention, naissance=naissance)
    if allowed:
        services.attribuer_place(parcours=parcours, debut=date(2026, 2, 26), kind=REGULIERE, request=actor)
    else:
        with pytest.raises(services.AttributionRefusee, match="l'âge requis"):
            services.attribuer_place(parcours=parcours, debut=date(2026, 2, 26), kind=REGULIERE, request=actor)


def test_regular_place_comes_after_the_adaptation_place(coord, actor):
    """Les Petits Pas: 6 regular places + 1 adaptation/emergency place; adaptation comes first."""
    convention = ConventionFactory(petits_pas=True, places=6, adaptation=1, coordinateur=coord)
    parcours = parcours_for(convention)
    with pytest.raises(services.AttributionRefusee, match="d'abord être accueilli sur la place d'adaptation"):
        services.attribuer_place(parcours=parcours, debut=date(2026, 3, 2), kind=REGULIERE, request=actor)
    adaptation = services.attribuer_place(parcours=parcours, debut=date(2026, 3, 2), kind=ADAPTATION, request=actor)
    regular = services.attribuer_place(parcours=parcours, debut=date(2026, 3, 9), kind=REGULIERE, request=actor)
    adaptation.refresh_from_db()
    assert adaptation.fin == date(2026, 3, 8)  # the adaptation place is free for the next family
    assert regular.place.kind == REGULIERE
    next_family = parcours_for(convention)
    taken = services.attribuer_place(parcours=next_family, debut=date(2026, 3, 9), kind=ADAPTATION, request=actor)
    assert taken.place == adaptation.place


def test_only_the_conventions_coordinator_attributes(actor):
    convention = ConventionFactory(places=1, coordinateur=coordinateur())
    with pytest.raises(PermissionDenied):
        services.attribuer_place(
            parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=actor
        )
    assert not Attribution.objects.exists()


def test_superuser_may_attribute():
    convention = ConventionFactory(places=1)
    attribution = services.attribuer_place(
        parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=superuser_actor()
    )
    assert attribution.pk


def test_waiting_list_when_full_then_served(coord, actor):
    convention = ConventionFactory(places=1, coordinateur=coord)
    first = services.attribuer_place(
        parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE, request=actor
    )
    waiting = parcours_for(convention)
    demande = services.inscrire_liste_attente(
        parcours=waiting, souhaitee_le=date(2026, 4, 1), kind=REGULIERE, request=actor
    )
    with pytest.raises(services.AttributionRefusee, match="déjà sur la liste"):
        services.inscrire_liste_attente(parcours=waiting, souhaitee_le=date(2026, 4, 1), kind=REGULIERE, request=actor)
    assert list(selectors.waiting_list(convention)) == [demande]
    services.liberer_place(first, fin=date(2026, 4, 30), request=actor)
    services.attribuer_place(parcours=waiting, debut=date(2026, 5, 1), kind=REGULIERE, request=actor)
    demande.refresh_from_db()
    assert demande.state == DemandePlace.State.SERVIE
    assert list(selectors.waiting_list(convention)) == []


def test_free_period_of_a_pathway_follows_its_attributions(coord, actor):
    convention = ConventionFactory(places=1, coordinateur=coord, gratuite_mois=6)
    parcours = parcours_for(convention)
    assert selectors.free_period(parcours).first_day is None
    attribution = services.attribuer_place(parcours=parcours, debut=date(2026, 1, 5), kind=REGULIERE, request=actor)
    period = selectors.free_period(parcours)
    assert (period.first_day, period.last_day, period.exited) == (date(2026, 1, 5), date(2026, 7, 4), False)
    services.liberer_place(attribution, fin=date(2026, 3, 31), request=actor)
    period = selectors.free_period(parcours)
    assert (period.last_day, period.exited) == (date(2026, 3, 31), True)


def test_free_period_template_snippet(coord, actor):
    from django.template.loader import render_to_string

    convention = ConventionFactory(places=1, coordinateur=coord, gratuite_mois=6)
    parcours = parcours_for(convention)
    services.attribuer_place(parcours=parcours, debut=date(2026, 1, 5), kind=REGULIERE, request=actor)
    html = render_to_string("conventions/_gratuite.html", {"parcours": parcours})
    assert "Gratuité du 05/01/2026 au 04/07/2026 inclus." in html


def test_yearly_occupancy_counts_each_day(coord, actor):
    convention = ConventionFactory(places=2, coordinateur=coord)
    first = services.attribuer_place(
        parcours=parcours_for(convention), debut=date(2026, 1, 5), kind=REGULIERE, request=actor
    )
    services.liberer_place(first, fin=date(2026, 1, 9), request=actor)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 1, 7), kind=REGULIERE, request=actor)
    occupancy = selectors.yearly_occupancy(2026)[convention.pk]
    assert occupancy["reserved"] == 2
    assert occupancy["occupied"][3:11] == [0, 1, 1, 2, 2, 2, 1, 1]  # 4/01 … 11/01
    assert occupancy["occupied"][-1] == 1


@pytest.mark.parametrize(
    ("statut", "ressources", "same_commune", "hourly", "monthly"),
    [
        ("connues", "0", True, "0.47", "37.60"),  # floor, 1 child, collective, 80 h
        ("connues", "20000", True, "5.26", "420.80"),  # ceiling of 8 500 € since 1 Sept 2025
        ("refusees", None, True, "5.26", "420.80"),
        ("connues", "0", False, "2.75", "220.00"),  # + 2,28 €/h outside the commune
    ],
)
def test_fee_for_a_pathway_reads_the_family_and_the_facility(coord, actor, statut, ressources, same_commune, hourly,
                                                             monthly):
    from decimal import Decimal

    from tests.factories import CommuneFactory

    convention = ConventionFactory(places=1, coordinateur=coord)
    parcours = parcours_for(convention)
    famille = parcours.famille
    famille.ressources_statut = statut
    famille.ressources_mensuelles = Decimal(ressources) if ressources else None
    structure = convention.places_reservees.get().structure
    famille.commune = structure.commune if same_commune else CommuneFactory(nom="Fleury", code_insee="45147")
    famille.save()
    assert selectors.fee_for(parcours, day=date(2026, 3, 2), hours_per_month=80) is None
    services.attribuer_place(parcours=parcours, debut=date(2026, 1, 5), kind=REGULIERE, request=actor)
    fee = selectors.fee_for(parcours, day=date(2026, 3, 2), hours_per_month=80)
    assert (fee.hourly, fee.monthly) == (Decimal(hourly), Decimal(monthly))


def test_todays_occupancy_counts_places_taken_today_and_releases_within_30_days(coord, actor):
    """The list's counts for one day: a place taken today is occupied (whatever the history of
    the other places), a place released yesterday or taken from tomorrow is free, and a release
    is announced when its last day is within the next 30 days."""
    convention = ConventionFactory(places=4, coordinateur=coord)
    ConventionFactory(places=2, coordinateur=coord)
    ended = services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE,
                                     request=actor)
    services.liberer_place(ended, fin=date(2026, 4, 30), request=actor)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 5, 4), kind=REGULIERE, request=actor)
    leaving = services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 3, 2), kind=REGULIERE,
                                       request=actor)
    services.liberer_place(leaving, fin=date(2026, 5, 31), request=actor)
    services.attribuer_place(parcours=parcours_for(convention), debut=date(2026, 5, 11), kind=REGULIERE,
                             request=actor)
    rows = {c.pk: c for c in selectors.conventions_for(actor.user, coord, day=date(2026, 5, 10))}
    today = rows[convention.pk]
    assert (today.reserved, today.occupied, today.free, today.releasing) == (4, 2, 2, 1)
    assert [(c.reserved, c.occupied, c.releasing) for pk, c in rows.items() if pk != convention.pk] == [(2, 0, 0)]
