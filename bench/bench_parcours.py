"""The coordinator's pathway pages on the bench world: the dashboard and the list.

Target of the dashboard: under 100 ms server time on PostgreSQL with a fixed number of queries,
barely growing from 1 000 to 100 000 pathways (1 000 000 attendance rows). Measured as a
coordinator of two commune conventions (a few % of the pathways) and as the coordinator of the
departmental convention of the Loiret (a quarter of them).
"""

from __future__ import annotations

from django.urls import reverse

from bench.harness import ok, signed_in
from parcours.models import Parcours, Presence


def run(report, world) -> None:
    pathways = Parcours.objects.count()
    presences = Presence.objects.count()
    dashboard, listing = reverse("parcours:dashboard"), reverse("parcours:list")
    for label, membership in (("2 conventions", world.coordinator), ("convention départementale",
                                                                        world.big_coordinator)):
        client = signed_in(membership)
        report.measure(f"parcours : tableau de bord (coordination {label}) ; lignes : présences",
                       lambda c=client: ok(c.get(dashboard)), rows=presences, target_ms=100)
        report.measure(f"parcours : liste (coordination {label}) page 1",
                       lambda c=client: ok(c.get(listing)), rows=pathways, target_ms=50)
