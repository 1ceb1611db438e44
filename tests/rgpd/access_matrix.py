"""Authorisation matrix rows of the data-protection pages (see tests/matrix.py).

The family of partner A's pathway on convention X (``world.parcours_a``): only the coordinator
of X (and a superuser) answer for its data; the other coordinator gets 404, other roles 403.
"""

from tests.matrix import Case

COORDINATION = {"anonyme": 302, "prescripteur_a": 403, "prescripteur_b": 403, "financeur": 403,
                "admin_partenaire": 403, "coordinateur": 200, "coordinateur_autre": 404, "superuser": 200}
COORDINATION_POST = {**COORDINATION, "coordinateur": 302, "superuser": 302}


def populate(world):
    world.famille_rgpd = world.parcours_a.famille


def cases(world):
    pk = {"pk": world.famille_rgpd.pk}
    return {
        "rgpd:familles": Case(expected={**COORDINATION, "coordinateur_autre": 200}),
        "rgpd:famille": Case(kwargs=pk, expected=COORDINATION),
        "rgpd:export_json": Case(kwargs=pk, method="post", expected=COORDINATION),
        "rgpd:export_pdf": Case(kwargs=pk, method="post", expected=COORDINATION),
        # The pathway is open: the request is refused with its legal reason, then back to the page.
        "rgpd:effacement": Case(kwargs=pk, method="post", data={"recue_le": "01/01/2026", "confirmation": "on"},
                                expected=COORDINATION_POST),
    }
