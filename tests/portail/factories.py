"""Factories of the portal's access objects (invitations); users and partners are in tests/factories.py."""

from datetime import timedelta

import factory
from django.utils import timezone

from portail.models import Invitation, Role
from portail.services import hash_token
from tests.factories import MembershipFactory, PartenaireFactory, UserFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose link token is ``invitation.token`` (only its hash is stored)."""

    class Meta:
        model = Invitation

    partenaire = factory.SubFactory(PartenaireFactory)
    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    role = Role.PRESCRIPTEUR
    token = factory.Sequence(lambda n: f"jeton-d-invitation-{n:04d}-abcdefghijklmnop")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Params:
        expiree = factory.Trait(expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1)))
        acceptee = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        annulee = factory.Trait(cancelled_at=factory.LazyFunction(timezone.now))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token = kwargs.pop("token", None)
        obj = super()._create(model_class, *args, **kwargs)
        obj.token = token
        return obj


def admin_of(partenaire=None, **kwargs):
    """A partner administrator's membership (of a new partner unless one is given)."""
    if partenaire is not None:
        kwargs["partenaire"] = partenaire
    return MembershipFactory(admin_partenaire=True, **kwargs)
