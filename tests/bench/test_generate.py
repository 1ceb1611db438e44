"""The bench world's generator at a small size: deterministic, every state, the services' invariants."""

import importlib
import itertools
from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench import generate
from bench.harness import Report
from conventions import rules
from conventions.models import Attribution, Convention, PlaceReservee, Signataire
from orientations.models import Consentement, Enfant, Evenement, Famille, Orientation, Parent
from parcours.models import (
    Adaptation,
    Bilan,
    NoteSuivi,
    Parcours,
    Presence,
    ProjetAccueil,
    ReunionConjointe,
    Sortie,
    TransitionLog,
)
from portail.models import Membership, Partenaire, User

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 16)
SIZE = 200
TABLES = (Partenaire, Membership, Convention, Signataire, PlaceReservee, Famille, Parent, Enfant, Consentement,
          Orientation, Evenement, Parcours, ReunionConjointe, ProjetAccueil, Adaptation, Attribution, Presence,
          Bilan, Sortie, TransitionLog, NoteSuivi, TOTPDevice)


class Rollback(Exception):
    pass


def snapshot() -> dict:
    rows = {model.__name__: list(model.objects.order_by("pk").values_list()) for model in TABLES}
    # The password hash has a random salt: everything else of the users must match.
    rows["User"] = list(User.objects.order_by("pk").values_list("pk", "email", "first_name", "is_superuser",
                                                                 "date_joined"))
    return rows


def built(*stages, seed=generate.SEED) -> dict:
    """The rows after growing through ``stages``, then rolled back."""
    try:
        with transaction.atomic():
            for stage in stages:
                generate.grow(stage, seed, anchor=ANCHOR)
            rows = snapshot()
            raise Rollback
    except Rollback:
        return rows


def test_same_seed_same_rows_and_staged_growth_gives_the_same_rows_as_one_go():
    at_once = built(SIZE)
    assert Parcours.objects.count() == 0  # rolled back

    assert built(SIZE) == at_once
    # 70 then 200: the second stage finishes a batch begun by the first.
    assert built(70, SIZE) == at_once
    assert built(SIZE, seed=7)["Parcours"] != at_once["Parcours"]


def test_a_rerun_adds_nothing():
    generate.grow(SIZE, anchor=ANCHOR)
    before = snapshot()

    world = generate.grow(SIZE, anchor=ANCHOR)

    assert snapshot() == before
    assert world.pathways == SIZE


@pytest.fixture
def world():
    return generate.grow(SIZE, anchor=ANCHOR)


def test_every_state_of_referrals_and_pathways_is_present_with_more_referrals_than_pathways(world):
    assert set(Orientation.objects.values_list("state", flat=True)) == set(Orientation.State.values)
    assert set(Parcours.objects.values_list("state", flat=True)) == set(Parcours.State.values)
    assert Parcours.objects.count() == SIZE
    assert Orientation.objects.count() > SIZE
    assert Partenaire.objects.count() == 500
    assert set(Partenaire.objects.values_list("kind", flat=True)) >= {
        "departement_pmi", "france_travail", "plie", "ccas_mairie", "caf", "mission_locale", "mediation",
        "gestionnaire"}
    # Every referral's family gave its consent before anything was sent.
    assert not Famille.objects.filter(consentements__isnull=True).exists()


def test_pathways_satisfy_what_the_services_would_have_made(world):
    exits = dict(Sortie.objects.values_list("parcours_id", "date"))
    open_places = defaultdict(list)
    for attribution in Attribution.objects.select_related("parcours"):
        open_places[attribution.place_id].append((attribution.debut, attribution.fin))
        assert attribution.debut == attribution.parcours.premier_accueil_le
    for intervals in open_places.values():  # the exclusion constraint of PostgreSQL, checked everywhere
        intervals.sort()
        for (_a, end), (start, _b) in itertools.pairwise(intervals):
            assert end is not None and end < start

    presences = Counter(Presence.objects.values_list("parcours_id", flat=True))
    for parcours in Parcours.objects.select_related("convention", "orientation"):
        assert parcours.orientation.state == "acceptee"
        assert (parcours.famille_id, parcours.enfant_id, parcours.convention_id) == (
            parcours.orientation.famille_id, parcours.orientation.enfant_id, parcours.orientation.convention_id)
        first = parcours.premier_accueil_le
        if first is None:
            assert presences[parcours.pk] == 0
            assert not parcours.attributions.exists()
            continue
        assert parcours.bilan_prevu_le == rules.review_due(first)
        assert parcours.fin_gratuite_le == rules.free_period_end(first, parcours.convention.gratuite_mois,
                                                                 exits.get(parcours.pk))
        assert presences[parcours.pk] == generate.PRESENCES_PER_CARE
        assert Adaptation.objects.get(parcours=parcours).tenue_le <= first
        assert ReunionConjointe.objects.get(parcours=parcours).engagement_signe_le is not None
        assert ProjetAccueil.objects.filter(parcours=parcours).exists()
        still_open = parcours.attributions.filter(fin__isnull=True).exists()
        assert still_open == (parcours.state in ("accueil", "bilan"))
        for day in parcours.presences.values_list("date", flat=True):
            assert first <= day < ANCHOR
            assert parcours.state != "sortie" or day <= exits[parcours.pk]
        limit = parcours.convention.creneau_max_minutes
        assert all(p.minutes > 0 and (limit is None or p.minutes <= limit) for p in parcours.presences.all())
    assert Bilan.objects.filter(signe_famille_le__isnull=False).count() == Parcours.objects.filter(
        state__in=("bilan", "sortie")).count()
    assert Sortie.objects.count() == Parcours.objects.filter(state="sortie").count()


def test_the_transition_log_leads_to_the_current_state(world):
    for parcours in Parcours.objects.exclude(state="reperage").prefetch_related("transitions"):
        steps = list(parcours.transitions.all())
        assert steps[0].source == "reperage"
        assert all(a.target == b.source for a, b in itertools.pairwise(steps))
        assert steps[-1].target == parcours.state
    assert not TransitionLog.objects.filter(parcours__state="reperage").exists()


def test_a_generated_user_signs_in_with_the_password_and_a_code_through_the_pages(world):
    client = Client()
    user = world.coordinator.user
    response = client.post(reverse("portail:login") + "?next=/espace/",
                           {"username": user.email, "password": world.password})
    assert response.status_code == 302
    to_verify = client.get(response.url)
    assert to_verify.url.startswith(reverse("portail:mfa_verify"))

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.key == world.totp_key(user.email)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    verified = client.post(to_verify.url, {"token": f"{totp.token():06d}"})

    assert verified.status_code == 302
    assert client.get(reverse("parcours:dashboard")).status_code == 200


@pytest.mark.parametrize("name", ["bench_parcours", "bench_orientations", "bench_conventions", "bench_rapports",
                                  "bench_comparaisons"])
def test_each_bench_module_runs_on_a_tiny_world(name):
    world = generate.grow(40, anchor=ANCHOR)
    report = Report(stage=world.pathways)

    importlib.import_module(f"bench.{name}").run(report, world)

    assert report.measures and all(m.stage == 40 and m.queries > 0 for m in report.measures)
