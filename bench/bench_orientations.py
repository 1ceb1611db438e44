"""« Mes orientations » and the coordinators' queue on the bench world (500 partners, two
referrals per pathway: 200 000 at 100 000 pathways).

Target: under 50 ms server time each on PostgreSQL, with a fixed number of queries whatever
the number of rows. Measured as a France Travail prescriber and as a coordinator of two
commune conventions.
"""

from __future__ import annotations

from django.urls import reverse

from bench.harness import ok, signed_in
from orientations.models import Orientation


def run(report, world) -> None:
    total = Orientation.objects.count()
    prescriber = signed_in(world.prescriber)
    liste = reverse("orientations:liste")
    report.measure("orientations : « Mes orientations » (page 1)", lambda: ok(prescriber.get(liste)),
                   rows=total, target_ms=50)
    report.measure("orientations : « Mes orientations » filtrée (envoyées)",
                   lambda: ok(prescriber.get(liste, {"etat": "envoyee"})), rows=total, target_ms=50)

    coordinator = signed_in(world.coordinator)
    queue = reverse("orientations:file")
    report.measure("orientations : file de la coordination (page 1)", lambda: ok(coordinator.get(queue)),
                   rows=total, target_ms=50)
    report.measure("orientations : file de la coordination (page 20)",
                   lambda: ok(coordinator.get(queue, {"page": 20})), rows=total, target_ms=50)
