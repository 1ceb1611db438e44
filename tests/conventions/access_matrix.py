"""Authorisation matrix rows of the conventions app (see tests/matrix.py).

Convention X is coordinated by ``coordinateur``, signed by partner A (prescriber) and the CAF E
(funder); convention Y is coordinated by ``coordinateur_autre`` and signed by partner B.
Structure X holds convention X's places, structure Y convention Y's.
"""

from datetime import date

from conventions.models import DemandePlace, PlaceReservee, Signataire
from tests.conventions.factories import ConventionFactory, StructureFactory, parcours_for
from tests.matrix import Case

READERS = {"prescripteur_a": 200, "prescripteur_b": 200, "coordinateur": 200, "coordinateur_autre": 200,
           "financeur": 200, "admin_partenaire": 403, "superuser": 200, "anonyme": 302}
COORDINATION = {"anonyme": 302, "coordinateur": 200, "coordinateur_autre": 200, "superuser": 200}


def populate(world):
    world.structure_x = StructureFactory(nom="Crèche X", gestionnaire=world.partenaire_coordination)
    world.structure_y = StructureFactory(nom="Crèche Y", gestionnaire=world.partenaire_coordination_autre)
    world.convention_x = ConventionFactory(
        titre="Convention X", debut=date(2020, 1, 1), fin=date(2035, 12, 31),
        places=2, places__structure=world.structure_x, coordinateur=world.memberships["coordinateur"],
    )
    world.convention_y = ConventionFactory(
        titre="Convention Y", debut=date(2020, 1, 1), fin=date(2035, 12, 31),
        places=2, places__structure=world.structure_y, coordinateur=world.memberships["coordinateur_autre"],
    )
    Signataire.objects.create(
        convention=world.convention_x, partenaire=world.partenaire_a, role=Signataire.RoleConvention.PRESCRIPTEUR
    )
    Signataire.objects.create(
        convention=world.convention_x, partenaire=world.partenaire_financeur,
        role=Signataire.RoleConvention.FINANCEUR,
    )
    Signataire.objects.create(
        convention=world.convention_y, partenaire=world.partenaire_b, role=Signataire.RoleConvention.PRESCRIPTEUR
    )
    parcours = parcours_for(world.convention_x, prescripteur=world.memberships["prescripteur_a"])
    world.attribution_x = world.convention_x.places_reservees.first().attributions.create(
        parcours=parcours, debut=date(2021, 1, 4), created_by=world.memberships["coordinateur"].user
    )
    world.demande_x = DemandePlace.objects.create(
        convention=world.convention_x, parcours=parcours_for(world.convention_x), kind=PlaceReservee.Kind.REGULIERE,
        souhaitee_le=date(2021, 2, 1), created_by=world.memberships["coordinateur"].user,
    )


def _own_only(ok: int, **extra) -> dict[str, int]:
    """Only the coordinator of X (and the superuser) reach X; the other coordinator gets 404."""
    return {"anonyme": 302, "coordinateur": ok, "coordinateur_autre": 404, "superuser": ok, **extra}


def cases(world):
    x = {"pk": world.convention_x.pk}
    sx = {"pk": world.structure_x.pk}
    return {
        "conventions:convention_list": Case(expected=READERS),
        "conventions:convention_detail": Case(
            kwargs=x, expected={**READERS, "prescripteur_b": 404, "coordinateur_autre": 404}
        ),
        "conventions:convention_create": Case(expected=COORDINATION, default=403),
        "conventions:convention_update": Case(kwargs=x, expected=_own_only(200), default=403),
        "conventions:convention_reserve": Case(kwargs=x, method="post", expected=_own_only(400), default=403),
        "conventions:attribution_create": Case(kwargs=x, method="post", expected=_own_only(400), default=403),
        "conventions:attribution_release": Case(
            kwargs={"pk": world.attribution_x.pk}, method="post", expected=_own_only(400), default=403
        ),
        "conventions:waiting_remove": Case(
            kwargs={"pk": world.demande_x.pk}, method="post", expected=_own_only(302), default=403
        ),
        "conventions:structure_list": Case(expected=COORDINATION, default=403),
        "conventions:structure_detail": Case(kwargs=sx, expected=_own_only(200), default=403),
        "conventions:structure_create": Case(expected=COORDINATION, default=403),
        "conventions:structure_update": Case(kwargs=sx, expected=_own_only(200), default=403),
    }
