"""Authorisation matrix rows of the referrals (see tests/matrix.py).

Partner A (prescripteur_a) sent a referral to convention X (coordinated by ``coordinateur``) and
keeps a draft; partner B and the other coordinator must get 404 on them, whoever asks.
"""

from datetime import UTC, date, datetime

from django.core.files.base import ContentFile

from conventions.models import Signataire
from orientations.models import Orientation, PieceJointe
from tests.matrix import Case

from .factories import ConsentementFactory, ConventionFactory, EnfantFactory, FamilleFactory

ATTACHMENT_NAME = "orientations/matrice/piece-jointe.pdf"


def populate(world):
    if not hasattr(world, "convention_x"):
        world.convention_x = ConventionFactory(
            titre="Convention X", coordinateurs=[world.memberships["coordinateur"]],
            prescripteurs=[world.partenaire_a],
        )
    elif not Signataire.objects.filter(convention=world.convention_x, partenaire=world.partenaire_a).exists():
        Signataire.objects.create(convention=world.convention_x, partenaire=world.partenaire_a,
                                  role=Signataire.RoleConvention.PRESCRIPTEUR)
    prescripteur = world.memberships["prescripteur_a"].user
    famille = FamilleFactory(created_by_partenaire=world.partenaire_a)
    ConsentementFactory(famille=famille, recueilli_par=prescripteur)
    enfant = EnfantFactory(famille=famille, date_naissance=date(2025, 6, 1))
    common = {"famille": famille, "enfant": enfant, "partenaire": world.partenaire_a, "prescripteur": prescripteur,
                  "convention": world.convention_x, "date_souhaitee": date(2027, 1, 4), "besoin": "Deux matinées"}
    world.orientation_a = Orientation.objects.create(
        **common, state=Orientation.State.ENVOYEE, sent_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        echeance=date(2026, 11, 12),
    )
    world.brouillon_a = Orientation.objects.create(**common)
    piece = PieceJointe(orientation=world.orientation_a, nom="bilan.pdf", type_mime="application/pdf", taille=9,
                        ajoutee_par=prescripteur)
    storage = piece.fichier.storage
    if not storage.exists(ATTACHMENT_NAME):
        storage.save(ATTACHMENT_NAME, ContentFile(b"%PDF-1.4\n"))
    piece.fichier.name = ATTACHMENT_NAME
    piece.save()
    world.piece_a = piece


def _rows(**codes) -> dict[str, int]:
    return {"anonyme": 302, **codes}


PRESCRIBERS = _rows(prescripteur_a=200, prescripteur_b=200, superuser=200)
COORDINATORS = _rows(coordinateur=200, coordinateur_autre=200, superuser=200)
# A's referral: its prescriber and its convention's coordinator; 404 for the others of the same role.
READ_A = _rows(prescripteur_a=200, prescripteur_b=404, coordinateur=200, coordinateur_autre=404, superuser=200)


def cases(world):
    a = {"pk": world.orientation_a.pk}
    return {
        "orientations:liste": Case(expected=PRESCRIBERS, default=403),
        "orientations:nouvelle": Case(expected=_rows(prescripteur_a=200, prescripteur_b=200), default=403),
        "orientations:file": Case(expected=COORDINATORS, default=403),
        "orientations:detail": Case(kwargs=a, expected=READ_A, default=403),
        "orientations:modifier": Case(
            kwargs={"pk": world.brouillon_a.pk}, expected=_rows(prescripteur_a=200, prescripteur_b=404), default=403
        ),
        # The family file of A's referral: corrected by its convention's coordination only.
        "orientations:famille": Case(
            kwargs=a, expected=_rows(coordinateur=200, coordinateur_autre=404, superuser=200), default=403
        ),
        "orientations:annuler": Case(
            kwargs=a, method="post", expected=_rows(prescripteur_a=302, prescripteur_b=404), default=403
        ),
        "orientations:ajouter_piece_jointe": Case(
            kwargs=a, method="post",
            expected=_rows(prescripteur_a=302, prescripteur_b=404, superuser=302), default=403,
        ),
        "orientations:piece_jointe": Case(kwargs={"pk": world.piece_a.pk}, expected=READ_A, default=403),
        "orientations:etudier": Case(
            kwargs=a, method="post", expected=_rows(coordinateur=302, coordinateur_autre=404, superuser=302),
            default=403,
        ),
        "orientations:accepter": Case(
            kwargs=a, expected=_rows(coordinateur=200, coordinateur_autre=404, superuser=200), default=403
        ),
        "orientations:ponderation": Case(
            kwargs={"pk": world.convention_x.pk},
            expected=_rows(coordinateur=200, coordinateur_autre=404, superuser=200), default=403,
        ),
        "orientations:refuser": Case(
            kwargs=a, expected=_rows(coordinateur=200, coordinateur_autre=404, superuser=200), default=403
        ),
    }
