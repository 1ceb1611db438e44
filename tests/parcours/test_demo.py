"""The demo: pathways in every state, an overdue review, a free period ending this month; idempotent."""

import datetime
import io

import pytest
from freezegun import freeze_time

from parcours import demo, selectors
from parcours.models import Parcours, TransitionLog
from tests.parcours import factories as f

pytestmark = pytest.mark.django_db


@freeze_time("2026-11-22")
def test_demo_builds_every_state_through_the_services_and_is_idempotent():
    f.convention_ready_for_the_demo()

    out = io.StringIO()
    demo.seed(out)
    assert "arrêté" not in out.getvalue(), out.getvalue()
    states = sorted(Parcours.objects.values_list("state", flat=True))
    assert states == sorted(["reperage", "contractualisation", "accueil", "accueil", "accueil", "bilan", "sortie",
                             "abandon"])
    today = datetime.date(2026, 11, 22)
    overdue = Parcours.objects.filter(state="accueil", bilan_prevu_le__lt=today)
    assert overdue.count() == 1
    assert Parcours.objects.filter(state="accueil", fin_gratuite_le=datetime.date(2026, 11, 30)).count() == 1
    assert [p.pk for p in selectors.under_attendance(Parcours.objects.all(), today)] == [overdue.get().pk]
    logs = TransitionLog.objects.count()

    demo.seed(io.StringIO())
    assert Parcours.objects.count() == 8
    assert TransitionLog.objects.count() == logs
