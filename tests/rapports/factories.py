"""Hand-built data of the report tests: every figure below is counted by hand in the tests.

The convention reproduces the Orléans PMI convention (seed 000): two reserved places, free of
charge for at most 6 months, a six-month review, funded by the Département and the CAF
(40 681 € together), a budget of 50 000 €.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.utils import timezone

from conventions.models import Attribution, Convention, Financement, PlaceReservee, Signataire, Structure
from orientations.models import Enfant, Famille, Orientation
from parcours.models import Bilan, Parcours, Presence, Sortie
from portail.models import Partenaire, Role
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory, UserFactory

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Crèche des rapports {n}")
    kind = Structure.Kind.CRECHE_COLLECTIVE
    gestionnaire = factory.SubFactory(PartenaireFactory, kind=Partenaire.Kind.CCAS_MAIRIE)
    commune = factory.SubFactory(CommuneFactory)
    places_total = 40

    class Params:
        en_qpv = factory.Trait(qpv=True)


class ConventionFactory(factory.django.DjangoModelFactory):
    """A 2026 convention with ``places=N`` regular slots in one facility."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    titre = factory.Sequence(lambda n: f"Convention PMI {n}")
    debut = D(2026, 1, 1)
    fin = D(2026, 12, 31)
    gratuite_mois = 6

    class Params:
        orleans = factory.Trait(titre="Convention PMI Orléans", budget_annuel=Decimal("50000.00"))

    @factory.post_generation
    def places(obj, create, extracted, **kwargs):
        if create and extracted:
            structure = kwargs.get("structure") or StructureFactory()
            for numero in range(1, extracted + 1):
                PlaceReservee.objects.create(convention=obj, structure=structure, numero=numero)


def funder_of(convention, partenaire=None):
    """A funder member of a partner signing ``convention`` as *financeur*."""
    partenaire = partenaire or PartenaireFactory(kind=Partenaire.Kind.CAF, non_habilite=True)
    Signataire.objects.get_or_create(
        convention=convention, partenaire=partenaire, role=Signataire.RoleConvention.FINANCEUR
    )
    return MembershipFactory(partenaire=partenaire, role=Role.FINANCEUR)


def coordinator_of(convention):
    membership = MembershipFactory(role=Role.COORDINATEUR, partenaire__kind=Partenaire.Kind.CCAS_MAIRIE)
    convention.coordinateurs.add(membership)
    return membership


def referral(convention, partenaire, *, sent, answered=None, state=Orientation.State.ENVOYEE, commune=None,
             qpv=False, **extra):
    """A referral sent on ``sent`` (10:00) and answered on ``answered`` (10:00)."""
    prescripteur = MembershipFactory(partenaire=partenaire, role=Role.PRESCRIPTEUR)
    famille = Famille.objects.create(
        commune=commune or CommuneFactory(), qpv=qpv, created_by_partenaire=partenaire
    )
    enfant = Enfant.objects.create(famille=famille, prenom="Lina", nom="Dupré", date_naissance=D(2025, 3, 1))
    return Orientation.objects.create(
        famille=famille, enfant=enfant, partenaire=partenaire, prescripteur=prescripteur.user,
        convention=convention, date_souhaitee=sent, besoin="Trois matinées par semaine",
        state=state, sent_at=at(sent), answered_at=at(answered) if answered else None, **extra,
    )


def pathway(orientation, *, state=Parcours.State.ACCUEIL, **fields):
    parcours = Parcours.objects.create(
        orientation=orientation, famille=orientation.famille, enfant=orientation.enfant,
        convention=orientation.convention, **fields,
    )
    Parcours.objects.filter(pk=parcours.pk).update(state=state)
    parcours.refresh_from_db()
    return parcours


def attribution(parcours, numero, debut, fin=None):
    place = PlaceReservee.objects.get(convention=parcours.convention, numero=numero)
    return Attribution.objects.create(place=place, parcours=parcours, debut=debut, fin=fin, created_by=UserFactory())


def presence(parcours, day, start, end):
    return Presence.objects.create(
        parcours=parcours, date=day, arrivee=datetime.time(*start), depart=datetime.time(*end),
        recorded_by=UserFactory(),
    )


def bilan(parcours, day, *, waived, cost):
    return Bilan.objects.create(
        parcours=parcours, date=day, developpement_enfant="Bien adapté", progres_parent="Formation suivie",
        heures_accueil=Decimal("100"), tarif_horaire=Decimal("1.23"), montant_exonere=Decimal(waived),
        cout_horaire=Decimal("10"), cout_convention=Decimal(cost), signe_famille_le=day, recorded_by=UserFactory(),
    )


def sortie(parcours, day, **fields):
    values = {"issue_enfant": "creche", "situation_parent": "emploi", "contrat": "cdd"}
    return Sortie.objects.create(parcours=parcours, date=day, recorded_by=UserFactory(), **{**values, **fields})


@dataclass
class Scenario:
    convention: Convention
    pmi: Partenaire
    plie: Partenaire
    p1: Parcours
    p2: Parcours
    p3: Parcours
    caf: Partenaire
    departement: Partenaire


def orleans_semester() -> Scenario:
    """The first semester of 2026 of the Orléans convention, built by hand.

    Referrals sent in the semester: PMI 3 (2 accepted after 2 and 4 days, 1 refused "complet"
    after 6 days), PLIE 2 (1 waiting, 1 expired); one more sent in 2025 (outside).
    Places: 2 slots. P1 on slot 1 from 5 to 31 January (27 days), P2 on slot 2 from 20 January,
    still there (12 + 28 + 31 + 30 + 31 + 30 = 162 days): 189 occupied of 362 reserved place-days.
    Presences in the semester: 3 h + 3 h 30 + 3 h 30 = 10 h (and 2 h in July, outside).
    Reviews: P1 on 10 February, due 5 February (late, 123,45 € waived, 1 000 € cost); P2 on 18 June,
    due 20 June (on time, 456,78 €, 2 000 €); P3 due 1 May, not held.
    Exit: P1 on 15 February (41 days after 5 January): crèche, parent in employment, CDD.
    """
    convention = ConventionFactory(orleans=True, places=2)
    pmi = PartenaireFactory(kind=Partenaire.Kind.DEPARTEMENT_PMI)
    plie = PartenaireFactory(kind=Partenaire.Kind.PLIE)
    caf = PartenaireFactory(kind=Partenaire.Kind.CAF, non_habilite=True)
    departement = PartenaireFactory(kind=Partenaire.Kind.DEPARTEMENT_PMI, non_habilite=True)
    Financement.objects.create(convention=convention, partenaire=caf, annee=2026, montant=Decimal("30000"))
    Financement.objects.create(convention=convention, partenaire=departement, annee=2026, montant=Decimal("10681"))
    Financement.objects.create(convention=convention, partenaire=caf, annee=2025, montant=Decimal("99999"))
    accepted = Orientation.State.ACCEPTEE
    o1 = referral(convention, pmi, sent=D(2026, 1, 2), answered=D(2026, 1, 4), state=accepted)
    o2 = referral(convention, pmi, sent=D(2026, 1, 10), answered=D(2026, 1, 14), state=accepted)
    referral(convention, pmi, sent=D(2026, 3, 1), answered=D(2026, 3, 7), state=Orientation.State.REFUSEE,
             motif_refus="complet")
    referral(convention, plie, sent=D(2026, 6, 1))
    referral(convention, plie, sent=D(2026, 2, 1), state=Orientation.State.EXPIREE)
    o3 = referral(convention, pmi, sent=D(2025, 11, 2), answered=D(2025, 11, 3), state=accepted)
    p1 = pathway(o1, state=Parcours.State.SORTIE, premier_accueil_le=D(2026, 1, 5), bilan_prevu_le=D(2026, 2, 5))
    p2 = pathway(o2, premier_accueil_le=D(2026, 1, 20), bilan_prevu_le=D(2026, 6, 20))
    p3 = pathway(o3, premier_accueil_le=D(2025, 11, 1), bilan_prevu_le=D(2026, 5, 1))
    attribution(p1, 1, D(2026, 1, 5), D(2026, 1, 31))
    attribution(p2, 2, D(2026, 1, 20))
    presence(p1, D(2026, 1, 6), (9, 0), (12, 0))
    presence(p1, D(2026, 1, 8), (8, 30), (12, 0))
    presence(p2, D(2026, 1, 21), (13, 30), (17, 0))
    presence(p2, D(2026, 7, 2), (9, 0), (11, 0))
    bilan(p1, D(2026, 2, 10), waived="123.45", cost="1000")
    bilan(p2, D(2026, 6, 18), waived="456.78", cost="2000")
    sortie(p1, D(2026, 2, 15))
    return Scenario(convention=convention, pmi=pmi, plie=plie, p1=p1, p2=p2, p3=p3, caf=caf, departement=departement)
