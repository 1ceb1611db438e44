"""Factories of the referrals, with traits; conventions built with the seeds' numbers."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from conventions.models import Convention, PlaceReservee, Signataire, Structure
from orientations.models import Consentement, Enfant, Famille, Orientation, Parent
from portail.models import Partenaire
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory, UserFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Multi-accueil {n}")
    kind = Structure.Kind.MULTI_ACCUEIL
    gestionnaire = factory.SubFactory(PartenaireFactory, kind=Partenaire.Kind.CCAS_MAIRIE)
    commune = factory.SubFactory(CommuneFactory)
    places_total = 40


class ConventionFactory(factory.django.DjangoModelFactory):
    """The Orléans PMI convention by default: 10 weeks – 5 years, Orléans only, 10 days to answer."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    titre = factory.Sequence(lambda n: f"Convention PMI – crèches d'Orléans {n}")
    debut = date(2016, 1, 1)
    fin = date(2030, 12, 31)
    age_min_semaines = 10
    age_max_mois = 60
    duree_min_parcours_mois = 0
    gratuite_mois = 6

    class Params:
        # Lunel, "Les Petits Pas": 3 months – 3 years, parent's pathway of at least 2 months.
        petits_pas = factory.Trait(
            titre=factory.Sequence(lambda n: f"Les Petits Pas {n}"), age_min_semaines=13, age_max_mois=36,
            duree_min_parcours_mois=2, gratuite_mois=None,
        )
        terminee = factory.Trait(fin=date(2025, 12, 31))

    @factory.post_generation
    def communes(obj, create, extracted, **kwargs):
        if create:
            obj.communes.set(extracted if extracted is not None else [CommuneFactory()])

    @factory.post_generation
    def prescripteurs(obj, create, extracted, **kwargs):
        for partenaire in extracted or ():
            Signataire.objects.create(convention=obj, partenaire=partenaire,
                                      role=Signataire.RoleConvention.PRESCRIPTEUR)

    @factory.post_generation
    def coordinateurs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinateurs.set(extracted)

    @factory.post_generation
    def structures(obj, create, extracted, **kwargs):
        for numero, structure in enumerate(extracted or (), start=1):
            PlaceReservee.objects.create(convention=obj, structure=structure, numero=numero)


class FamilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Famille

    commune = factory.SubFactory(CommuneFactory)
    created_by_partenaire = factory.SubFactory(PartenaireFactory)

    class Params:
        prioritaire = factory.Trait(monoparentale=True, qpv=True, minima_sociaux=True)


class ParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parent

    famille = factory.SubFactory(FamilleFactory)
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    situation = Parent.Situation.DEMANDEUR_EMPLOI

    class Params:
        insertion = factory.Trait(
            situation=Parent.Situation.INSERTION, parcours_debut=date(2026, 9, 1), parcours_duree_mois=6
        )


class EnfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enfant

    famille = factory.SubFactory(FamilleFactory)
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    date_naissance = date(2025, 6, 1)


class ConsentementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consentement

    famille = factory.SubFactory(FamilleFactory)
    date = date(2026, 11, 2)
    recueilli_par = factory.SubFactory(UserFactory)
    finalites = "Étudier la demande d'accueil"


class OrientationFactory(factory.django.DjangoModelFactory):
    """A draft by a prescriber of an authorised partner, with the family's consent."""

    class Meta:
        model = Orientation
        skip_postgeneration_save = True

    famille = factory.SubFactory(FamilleFactory)
    enfant = factory.SubFactory(EnfantFactory, famille=factory.SelfAttribute("..famille"))
    partenaire = factory.SelfAttribute("famille.created_by_partenaire")
    prescripteur = factory.SubFactory(UserFactory)
    convention = factory.SubFactory(ConventionFactory)
    date_souhaitee = date(2027, 1, 4)
    besoin = "Deux demi-journées par semaine"
    motifs = factory.LazyFunction(lambda: ["recherche_emploi"])

    class Params:
        # States set directly: the transitions themselves are tested through the services.
        envoyee = factory.Trait(
            state=Orientation.State.ENVOYEE, sent_at=factory.LazyFunction(timezone.now),
            echeance=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10)),
        )
        en_etude = factory.Trait(
            state=Orientation.State.EN_ETUDE, sent_at=factory.LazyFunction(timezone.now),
            echeance=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10)),
        )

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ConsentementFactory(famille=obj.famille, recueilli_par=obj.prescripteur)


def prescriber_of(partenaire):
    return MembershipFactory(partenaire=partenaire, prescripteur=True)
