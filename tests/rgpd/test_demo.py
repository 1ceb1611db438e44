"""The demo: one erasure request, refused with its legal reason while the pathway is open; idempotent."""

import datetime
import io

import pytest
from freezegun import freeze_time

from conventions.models import PlaceReservee, Signataire
from parcours import demo as parcours_demo
from rgpd import demo
from rgpd.models import DemandeEffacement
from tests.factories import MembershipFactory
from tests.parcours import factories as f

pytestmark = pytest.mark.django_db


@freeze_time("2026-11-22")
def test_the_demo_records_one_refused_erasure_request_once():
    convention = f.ConventionFactory(debut=datetime.date(2024, 1, 1))
    f.coordinator_of(convention)
    prescriber = MembershipFactory(prescripteur=True)
    Signataire.objects.create(convention=convention, partenaire=prescriber.partenaire,
                              role=Signataire.RoleConvention.PRESCRIPTEUR)
    structure = f.StructureFactory()
    for numero in range(1, 7):
        f.PlaceFactory(convention=convention, structure=structure, numero=numero)
    f.PlaceFactory(convention=convention, structure=structure, numero=7, kind=PlaceReservee.Kind.ADAPTATION_URGENCE)
    parcours_demo.seed(io.StringIO())

    demo.seed(io.StringIO())
    demo.seed(io.StringIO())

    demande = DemandeEffacement.objects.get()
    assert demande.decision == DemandeEffacement.Decision.REFUSEE
    assert demande.motif_refus == DemandeEffacement.MotifRefus.EN_COURS
