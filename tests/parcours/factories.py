"""Factories of the pathway and of the objects below it that a pathway needs.

The PMI convention of Orléans (seed 000: free for at most 6 months) and the Petits Pas
halte-jeux of Lunel (seed 002: slots of at most 3 h 30, at least twice a month, a parent's
pathway of at least 2 months) are the two conventions the traits reproduce.
"""

import datetime

import factory

from conventions.models import Attribution, Convention, PlaceReservee, Signataire, Structure
from orientations.models import Enfant, Famille, Orientation
from parcours.models import Adaptation, Bilan, Parcours, Presence, ProjetAccueil, ReunionConjointe, Sortie
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory, UserFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Crèche {n}")
    kind = Structure.Kind.CRECHE_COLLECTIVE
    gestionnaire = factory.SubFactory(PartenaireFactory)
    commune = factory.SubFactory(CommuneFactory)
    places_total = 40


class ConventionFactory(factory.django.DjangoModelFactory):
    """The Orléans PMI convention by default; ``petits_pas`` gives the Lunel halte-jeux."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    titre = factory.Sequence(lambda n: f"Convention PMI {n}")
    debut = datetime.date(2025, 1, 1)
    fin = datetime.date(2027, 12, 31)
    gratuite_mois = 6
    duree_min_parcours_mois = 2
    frequentation_min_par_mois = 2

    class Params:
        petits_pas = factory.Trait(
            titre="Les Petits Pas – Lunel", gratuite_mois=None, creneau_max_minutes=210,
            duree_min_parcours_mois=2, frequentation_min_par_mois=2,
        )

    @factory.post_generation
    def coordinateurs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinateurs.add(*extracted)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaceReservee

    convention = factory.SubFactory(ConventionFactory)
    structure = factory.SubFactory(StructureFactory)
    numero = factory.Sequence(lambda n: n + 1)


class FamilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Famille

    commune = factory.SubFactory(CommuneFactory)
    created_by_partenaire = factory.SubFactory(PartenaireFactory)
    enfants_a_charge = 1
    ressources_statut = "connues"
    ressources_mensuelles = "1500.00"


class EnfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enfant

    famille = factory.SubFactory(FamilleFactory)
    prenom = "Lina"
    nom = "Martin"
    date_naissance = datetime.date(2024, 6, 1)


class OrientationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Orientation

    famille = factory.SubFactory(FamilleFactory)
    enfant = factory.SubFactory(EnfantFactory, famille=factory.SelfAttribute("..famille"))
    partenaire = factory.SubFactory(PartenaireFactory)
    prescripteur = factory.SubFactory(UserFactory)
    convention = factory.SubFactory(ConventionFactory)
    date_souhaitee = datetime.date(2026, 1, 5)
    besoin = "Deux demi-journées par semaine"


class ParcoursFactory(factory.django.DjangoModelFactory):
    """A pathway at ``repérage``; the state is protected, so other steps are set in the database."""

    class Meta:
        model = Parcours

    orientation = factory.SubFactory(OrientationFactory)
    famille = factory.SelfAttribute("orientation.famille")
    enfant = factory.SelfAttribute("orientation.enfant")
    convention = factory.SelfAttribute("orientation.convention")

    @classmethod
    def _create(cls, model_class, *args, state=Parcours.State.REPERAGE, **kwargs):
        parcours = super()._create(model_class, *args, **kwargs)
        if state != Parcours.State.REPERAGE:
            Parcours.objects.filter(pk=parcours.pk).update(state=state)
            parcours.refresh_from_db()
        return parcours


def coordinator_of(convention):
    membership = MembershipFactory(coordinateur=True)
    convention.coordinateurs.add(membership)
    return membership


def convention_ready_for_the_demo() -> Convention:
    """A convention the pathway demo can fill: a coordinator, a prescribing partner, one facility
    with 6 regular places and 1 adaptation-or-emergency place (as Les Petits Pas)."""
    convention = ConventionFactory(debut=datetime.date(2024, 1, 1))
    coordinator_of(convention)
    prescriber = MembershipFactory(prescripteur=True)
    Signataire.objects.create(
        convention=convention, partenaire=prescriber.partenaire, role=Signataire.RoleConvention.PRESCRIPTEUR
    )
    structure = StructureFactory()
    for numero in range(1, 7):
        PlaceFactory(convention=convention, structure=structure, numero=numero)
    PlaceFactory(convention=convention, structure=structure, numero=7, kind=PlaceReservee.Kind.ADAPTATION_URGENCE)
    return convention


def reunion(parcours, **kwargs):
    values = {
        "date": datetime.date(2025, 12, 1), "objectif_emploi": True, "duree_parcours_parent_mois": 6,
        "engagement_signe_le": datetime.date(2025, 12, 1), "recorded_by": UserFactory(),
    }
    return ReunionConjointe.objects.create(parcours=parcours, **{**values, **kwargs})


def projet(parcours, **kwargs):
    values = {"etabli_le": datetime.date(2025, 12, 1), "rythme": "Mardi et jeudi matin"}
    return ProjetAccueil.objects.create(parcours=parcours, **{**values, **kwargs})


def attribution(parcours, debut=datetime.date(2026, 1, 5), **kwargs):
    place = kwargs.pop("place", None) or PlaceFactory(convention=parcours.convention)
    return Attribution.objects.create(place=place, parcours=parcours, debut=debut, created_by=UserFactory(), **kwargs)


def adaptation(parcours, held=True):
    day = datetime.date(2026, 1, 5)
    return Adaptation.objects.create(
        parcours=parcours, prevue_le=day, demi_journee="matin", tenue_le=day if held else None
    )


def presence(parcours, day, start=(9, 0), end=(12, 0)):
    return Presence.objects.create(
        parcours=parcours, date=day, arrivee=datetime.time(*start), depart=datetime.time(*end),
        recorded_by=UserFactory(),
    )


def bilan(parcours, signed=True):
    return Bilan.objects.create(
        parcours=parcours, date=datetime.date(2026, 7, 3), developpement_enfant="Bien adaptée",
        progres_parent="Formation commencée", heures_accueil=0, tarif_horaire=0, montant_exonere=0,
        cout_horaire=0, cout_convention=0, signe_famille_le=datetime.date(2026, 7, 3) if signed else None,
        recorded_by=UserFactory(),
    )


def sortie(parcours):
    return Sortie.objects.create(
        parcours=parcours, date=datetime.date(2026, 7, 31), issue_enfant="creche", situation_parent="emploi",
        contrat="cdd", recorded_by=UserFactory(),
    )


def request_for(membership=None, user=None):
    """A request acting through ``membership`` (or as ``user``), as the services expect."""
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = user or membership.user
    request.membership = membership
    return request
