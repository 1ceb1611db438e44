"""Authorisation matrix rows of the pathway pages (see tests/matrix.py).

Partner A's accepted referral on convention X opened a pathway: its prescriber (A) and the
coordinator of X reach it; partner B's prescriber and the other coordinator get 404.
"""

from orientations.models import Orientation
from parcours.models import Parcours
from tests.matrix import Case

from .factories import EnfantFactory, FamilleFactory, OrientationFactory, ParcoursFactory

FAMILY_FILE = {"anonyme": 302, "financeur": 403, "admin_partenaire": 403}
READ = {**FAMILY_FILE, "prescripteur_a": 200, "prescripteur_b": 404, "coordinateur": 200,
        "coordinateur_autre": 404, "superuser": 200}
WRITE_POST = {**FAMILY_FILE, "prescripteur_a": 302, "prescripteur_b": 404, "coordinateur": 302,
              "coordinateur_autre": 404, "superuser": 302}
COORDINATION_ONLY = {"anonyme": 302, "prescripteur_a": 403, "prescripteur_b": 403, "financeur": 403,
                     "admin_partenaire": 403, "coordinateur": 200, "coordinateur_autre": 404, "superuser": 200}


def populate(world):
    famille = FamilleFactory(created_by_partenaire=world.partenaire_a)
    orientation = OrientationFactory(
        famille=famille, enfant=EnfantFactory(famille=famille), partenaire=world.partenaire_a,
        prescripteur=world.memberships["prescripteur_a"].user, convention=world.convention_x,
        state=Orientation.State.ACCEPTEE,
    )
    world.parcours_a = Parcours.objects.filter(orientation=orientation).first() or ParcoursFactory(
        orientation=orientation
    )


def cases(world):
    pk = {"pk": world.parcours_a.pk}
    guard = {"expected_state": Parcours.State.REPERAGE, "comment": ""}
    return {
        "parcours:list": Case(expected={
            "anonyme": 302, "financeur": 403, "admin_partenaire": 403,
        }),
        "parcours:dashboard": Case(expected={"anonyme": 302, "coordinateur": 200, "coordinateur_autre": 200,
                                             "superuser": 200}, default=403),
        "parcours:detail": Case(kwargs=pk, expected=READ),
        # Refused (no joint meeting yet): back to the page with the reason; never a 500.
        "parcours:transition": Case(kwargs={**pk, "name": "contractualiser"}, method="post", data=guard,
                                    expected=WRITE_POST),
        "parcours:step": Case(kwargs={**pk, "step": "reunion"}, expected=COORDINATION_ONLY),
        "parcours:place": Case(kwargs=pk, expected=COORDINATION_ONLY),
        "parcours:presence": Case(kwargs=pk, expected=COORDINATION_ONLY),
        "parcours:note": Case(kwargs=pk, method="post", data={"expected_state": "reperage", "texte": "Appel",
                                                             "visibilite": "partenaires"}, expected=WRITE_POST),
    }
