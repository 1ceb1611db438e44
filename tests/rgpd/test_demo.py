"""The demo: one erasure request, refused with its legal reason while the pathway is open; idempotent."""

import io

import pytest
from freezegun import freeze_time

from parcours import demo as parcours_demo
from rgpd import demo
from rgpd.models import DemandeEffacement
from tests.parcours import factories as f

pytestmark = pytest.mark.django_db


@freeze_time("2026-11-22")
def test_the_demo_records_one_refused_erasure_request_once():
    f.convention_ready_for_the_demo()
    parcours_demo.seed(io.StringIO())

    demo.seed(io.StringIO())
    demo.seed(io.StringIO())

    demande = DemandeEffacement.objects.get()
    assert demande.decision == DemandeEffacement.Decision.REFUSEE
    assert demande.motif_refus == DemandeEffacement.MotifRefus.EN_COURS
