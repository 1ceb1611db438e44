"""Authorisation matrix rows of the reports (see tests/matrix.py).

Convention X is coordinated by ``coordinateur`` and funded by the CAF E (``financeur``);
``coordinateur_autre`` coordinates convention Y only, so X's report answers 404 to them. An
export job belongs to the one who asked for it: everyone else gets 404.
"""

from datetime import UTC, date, datetime

from orientations.models import Orientation
from rapports.models import Commission, ExportJob, Proposition
from tests.matrix import ROLES, Case, signed_in_only

READERS = ("coordinateur", "coordinateur_autre", "financeur", "superuser")


def _readers(ok: int, **overrides: int) -> dict[str, int]:
    """Coordinators and funders (and superusers); 403 for prescribers and partner administrators."""
    return {"anonyme": 302, **dict.fromkeys(ROLES[1:], 403), **dict.fromkeys(READERS, ok), **overrides}


def populate(world):
    world.export_x = ExportJob.objects.create(
        convention=world.convention_x, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        period_label="année 2026", format=ExportJob.Format.CSV, secrecy=False,
        requested_by=world.memberships["coordinateur"].user, membership=world.memberships["coordinateur"],
        expires_at=datetime(2100, 1, 1, tzinfo=UTC),
    )
    # Convention X's commission: the funder sits on it; coordinator_autre does not.
    world.commission_x = Commission.objects.create(
        convention=world.convention_x, date=date(2026, 4, 14), territoire="Territoire X", places_a_attribuer=1,
        created_by=world.memberships["coordinateur"].user,
    )
    world.commission_x.membres.add(world.memberships["financeur"])
    orientation = Orientation.objects.filter(convention=world.convention_x).first()
    world.proposition_x = Proposition.objects.create(
        commission=world.commission_x, orientation=orientation, code="D-01"
    )


def cases(world):
    x = {"pk": world.convention_x.pk}
    job = {"pk": world.export_x.pk}
    period = {"kind": "annee", "annee": "2026", "format": "csv"}
    own_job = _readers(200, coordinateur_autre=404, financeur=404, superuser=404)  # requester only
    commission = {"pk": world.commission_x.pk}
    # The commission's members (the funder) and its convention's coordinator; 404 for anyone else.
    seated = {"anonyme": 302, **dict.fromkeys(ROLES[1:], 404), "coordinateur": 200, "financeur": 200,
              "superuser": 200}
    acted = {**seated, "coordinateur": 302, "financeur": 302, "superuser": 302}
    return {
        "rapports:commission_list": Case(expected=signed_in_only()),
        "rapports:commission_create": Case(kwargs=x, expected={
            "anonyme": 302, **dict.fromkeys(ROLES[1:], 403), "coordinateur": 200, "coordinateur_autre": 404,
            "superuser": 200,
        }),
        "rapports:commission_detail": Case(kwargs=commission, expected=seated),
        "rapports:commission_minutes": Case(kwargs=commission, expected=seated),
        "rapports:commission_decide": Case(method="post", kwargs=commission, expected=acted),
        "rapports:proposition_update": Case(
            method="post", kwargs={"pk": world.proposition_x.pk},
            data={"proposition": "attribuee", "decision": "attribuee"}, expected=acted,
        ),
        "rapports:index": Case(expected=_readers(200)),
        "rapports:observatoire": Case(expected=_readers(200)),
        "rapports:convention_report": Case(kwargs=x, expected=_readers(200, coordinateur_autre=404)),
        "rapports:export_start": Case(
            method="post", kwargs=x, data=period, expected=_readers(302, coordinateur_autre=404)
        ),
        "rapports:export_detail": Case(kwargs=job, expected=own_job),
        "rapports:export_status": Case(kwargs=job, expected=own_job),
        # The job's file is not produced in the matrix (its task runs after a commit that never
        # comes): even its requester gets 404 here; tests/rapports/test_exports.py downloads it.
        "rapports:export_download": Case(kwargs=job, expected=_readers(404)),
    }
