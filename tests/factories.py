"""Factories of the portal's own models; each app keeps its own in tests/<app>/factories.py."""

import factory
from django.utils import timezone

from portail.models import Commune, Membership, Partenaire, Role, User

PASSWORD = "Motdepasse-solide-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code_insee",)

    nom = "Orléans"
    code_insee = "45234"
    code_postal = "45000"


class PartenaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partenaire

    nom = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = Partenaire.Kind.DEPARTEMENT_PMI
    habilite = True
    habilite_le = factory.LazyFunction(timezone.now)

    class Params:
        non_habilite = factory.Trait(habilite=False, habilite_le=None)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partenaire = factory.SubFactory(PartenaireFactory)
    role = Role.PRESCRIPTEUR

    class Params:
        prescripteur = factory.Trait(role=Role.PRESCRIPTEUR)
        coordinateur = factory.Trait(role=Role.COORDINATEUR)
        direction = factory.Trait(role=Role.DIRECTION)
        financeur = factory.Trait(role=Role.FINANCEUR)
        admin_partenaire = factory.Trait(role=Role.ADMIN_PARTENAIRE)
