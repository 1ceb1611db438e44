"""Factories of the conventions app (and the minimal referral/pathway rows an attribution needs)."""

from datetime import date

import factory

from conventions.models import Convention, PlaceReservee, Signataire, Structure
from orientations.models import Enfant, Famille, Orientation
from parcours.models import Parcours
from portail.models import Partenaire, Role
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory, UserFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Multi-accueil {n}")
    kind = Structure.Kind.MULTI_ACCUEIL
    gestionnaire = factory.SubFactory(PartenaireFactory, kind=Partenaire.Kind.CCAS_MAIRIE)
    commune = factory.SubFactory(CommuneFactory)
    places_total = 20

    class Params:
        halte_jeux = factory.Trait(kind=Structure.Kind.HALTE_JEUX, places_total=7)
        grande = factory.Trait(kind=Structure.Kind.CRECHE_COLLECTIVE, places_total=60)

    @factory.post_generation
    def coordinateurs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinateurs.set(extracted)


class ConventionFactory(factory.django.DjangoModelFactory):
    """A convention of 2026 with, by default, no place: use ``places`` / ``adaptation``."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    titre = factory.Sequence(lambda n: f"Convention {n}")
    debut = date(2026, 1, 1)
    fin = date(2026, 12, 31)
    gratuite_mois = 6
    age_min_semaines = 10
    age_max_mois = 60

    class Params:
        petits_pas = factory.Trait(gratuite_mois=None, age_min_semaines=13, age_max_mois=36, creneau_max_minutes=210)

    @factory.post_generation
    def places(obj, create, extracted, **kwargs):
        """``places=N`` regular slots in one new facility (or ``places__structure``)."""
        if create and extracted:
            structure = kwargs.get("structure") or StructureFactory()
            for numero in range(1, extracted + 1):
                PlaceReservee.objects.create(convention=obj, structure=structure, numero=numero)

    @factory.post_generation
    def adaptation(obj, create, extracted, **kwargs):
        """``adaptation=N`` adaptation-or-emergency slots, numbered after the others."""
        if create and extracted:
            first = obj.places_reservees.first()
            structure = first.structure if first else StructureFactory()
            last = obj.places_reservees.count()
            for offset in range(1, extracted + 1):
                PlaceReservee.objects.create(
                    convention=obj, structure=structure, numero=last + offset,
                    kind=PlaceReservee.Kind.ADAPTATION_URGENCE,
                )

    @factory.post_generation
    def coordinateur(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinateurs.add(extracted)


class SignataireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signataire

    convention = factory.SubFactory(ConventionFactory)
    partenaire = factory.SubFactory(PartenaireFactory)
    role = Signataire.RoleConvention.PRESCRIPTEUR


def coordinateur(**kwargs):
    return MembershipFactory(role=Role.COORDINATEUR, partenaire__kind=Partenaire.Kind.CCAS_MAIRIE, **kwargs)


def parcours_for(convention, *, naissance=date(2025, 1, 1), prescripteur=None):
    """A pathway on ``convention`` for a child born on ``naissance`` (no personal data beyond the model's)."""
    prescripteur = prescripteur or MembershipFactory()
    famille = Famille.objects.create(commune=CommuneFactory(), created_by_partenaire=prescripteur.partenaire)
    enfant = Enfant.objects.create(famille=famille, prenom="Léa", nom="Martin", date_naissance=naissance)
    orientation = Orientation.objects.create(
        famille=famille, enfant=enfant, partenaire=prescripteur.partenaire, prescripteur=prescripteur.user,
        convention=convention, date_souhaitee=date(2026, 2, 1), besoin="Deux matinées par semaine",
    )
    return Parcours.objects.create(orientation=orientation, famille=famille, enfant=enfant, convention=convention)


class Actor:
    """What the services need of a request: ``user`` and ``membership``."""

    def __init__(self, membership=None, user=None):
        self.membership = membership
        self.user = user or membership.user


def superuser_actor():
    return Actor(user=UserFactory(email="admin.conventions@exemple.fr", is_superuser=True, is_staff=True))
