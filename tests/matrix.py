"""The world of the authorisation matrix, shared by every app's ``access_matrix`` module.

``tests/portail/test_authorisation_matrix.py`` enumerates every URL pattern of the back office
(``/espace/…``) from the URL resolver and, for each role below, requests it and compares the
status code with the expected one. Each app with back-office views provides
``tests/<app>/access_matrix.py`` with:

* ``populate(world)``: creates the app's objects on top of what the apps below it created
  (the conventions app creates ``world.convention_x``, coordinated by ``coordinateur``, and
  ``world.convention_y``, coordinated by ``coordinateur_autre``; the referrals app creates a
  referral of partner A on convention X…), storing them as attributes of ``world``;
* ``cases(world)``: ``{url_name: Case}`` for every URL name of the app, e.g.
  ``"conventions:detail": Case(kwargs={"pk": world.convention_x.pk}, expected=...)``.

A URL without a case fails the matrix, so a new view cannot ship without its row.

How to add rows for a new app:

1. create ``tests/<app>/access_matrix.py`` with ``populate(world)`` and ``cases(world)``, and add
   the app to :data:`APPS` below (dependency order) if it is not there;
2. give every role its expected code: 302 for anonymous users (sign-in page), 403 for a role
   the page is not for, **404 for an object of another partner** (cross-partner reads and
   writes must not reveal that the object exists), 200 or the redirect after a write;
3. pick the object of a row so that it proves the isolation: e.g. a referral of partner A,
   so that ``prescripteur_b`` must get 404 (use a callable ``kwargs`` when the object depends
   on who asks).

The world is built **once** for the whole matrix (inside a transaction rolled back at the end)
and every row runs in a savepoint that is rolled back, so a POST row may write freely, but
``populate`` must not depend on the clock of a test (use explicit dates) and ``cases`` must
not write. Every user of the world already has a confirmed TOTP device, so ``tests.utils.login``
signs rows in with a verified second factor without writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.mfa import TOTP_DEVICE_NAME
from portail.models import Partenaire, Role
from tests.factories import MembershipFactory, PartenaireFactory, UserFactory

# The rows of the matrix.
ROLES = (
    "anonyme",
    "prescripteur_a",
    "prescripteur_b",
    "coordinateur",
    "coordinateur_autre",
    "financeur",
    "admin_partenaire",
    "superuser",
)

# Apps whose back-office URLs the matrix covers, in dependency order.
APPS = ("portail", "conventions", "orientations", "parcours", "rapports", "rgpd")


@dataclass
class Case:
    """How to request one URL, and the status code expected for each role.

    ``expected`` maps a role to a status code; ``default`` applies to the roles not listed.
    ``kwargs`` and ``data`` may be callables taking ``(world, role)`` when they depend on who asks.
    """

    expected: dict[str, int] = field(default_factory=dict)
    default: int = 200
    kwargs: dict | Callable[[World, str], dict] = field(default_factory=dict)
    method: str = "get"
    data: dict | Callable[[World, str], dict] | None = None

    def status_for(self, role: str) -> int:
        return self.expected.get(role, self.default)

    def resolve(self, value, world: World, role: str):
        return value(world, role) if callable(value) else value


def signed_in_only(status: int = 200, **overrides: int) -> dict[str, int]:
    """Every signed-in role gets ``status``; anonymous users are sent to the sign-in page."""
    return {"anonyme": 302, **dict.fromkeys(ROLES[1:], status), **overrides}


class World:
    """Partners A and B (prescribers), a coordinating CCAS, a funder (CAF), their members."""

    memberships: dict[str, Any]

    def __init__(self):
        self.partenaire_a = PartenaireFactory(nom="PMI A", kind=Partenaire.Kind.DEPARTEMENT_PMI)
        self.partenaire_b = PartenaireFactory(nom="PLIE B", kind=Partenaire.Kind.PLIE)
        self.partenaire_coordination = PartenaireFactory(
            nom="CCAS C", kind=Partenaire.Kind.CCAS_MAIRIE
        )
        self.partenaire_coordination_autre = PartenaireFactory(
            nom="Ville D", kind=Partenaire.Kind.CCAS_MAIRIE
        )
        self.partenaire_financeur = PartenaireFactory(
            nom="CAF E", kind=Partenaire.Kind.CAF, non_habilite=True
        )
        self.memberships = {
            "prescripteur_a": MembershipFactory(partenaire=self.partenaire_a, role=Role.PRESCRIPTEUR),
            "prescripteur_b": MembershipFactory(partenaire=self.partenaire_b, role=Role.PRESCRIPTEUR),
            "coordinateur": MembershipFactory(
                partenaire=self.partenaire_coordination, role=Role.COORDINATEUR
            ),
            "coordinateur_autre": MembershipFactory(
                partenaire=self.partenaire_coordination_autre, role=Role.COORDINATEUR
            ),
            "financeur": MembershipFactory(partenaire=self.partenaire_financeur, role=Role.FINANCEUR),
            "admin_partenaire": MembershipFactory(
                partenaire=self.partenaire_a, role=Role.ADMIN_PARTENAIRE
            ),
        }
        self.superuser = UserFactory(email="matrice.admin@exemple.fr", is_superuser=True, is_staff=True)
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
            for user in [m.user for m in self.memberships.values()] + [self.superuser]
        )

    def membership(self, role: str):
        return self.memberships.get(role)

    def user(self, role: str):
        if role == "superuser":
            return self.superuser
        membership = self.memberships.get(role)
        return membership.user if membership else None
