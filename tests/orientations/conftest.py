import shutil
from types import SimpleNamespace

import pytest

from portail.models import Partenaire
from tests.factories import CommuneFactory, MembershipFactory, PartenaireFactory

from .factories import ConventionFactory, StructureFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments go to a temporary private root, removed after each test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "prive"
    yield settings.PRIVATE_MEDIA_ROOT
    shutil.rmtree(tmp_path / "prive", ignore_errors=True)


@pytest.fixture
def monde(db):
    """The seeds' Orléans PMI convention and Lunel's Petits Pas, their prescribers and coordinators."""
    orleans = CommuneFactory(nom="Orléans", code_insee="45234")
    lunel = CommuneFactory(nom="Lunel", code_insee="34145", code_postal="34400")
    pmi = PartenaireFactory(nom="PMI du Loiret", kind=Partenaire.Kind.DEPARTEMENT_PMI)
    plie = PartenaireFactory(nom="PLIE Est Héraultais", kind=Partenaire.Kind.PLIE)
    ccas = PartenaireFactory(nom="CCAS d'Orléans", kind=Partenaire.Kind.CCAS_MAIRIE)
    lunel_ville = PartenaireFactory(nom="Ville de Lunel", kind=Partenaire.Kind.CCAS_MAIRIE)
    coord_orleans = MembershipFactory(partenaire=ccas, coordinateur=True)
    coord_lunel = MembershipFactory(partenaire=lunel_ville, coordinateur=True)
    creche = StructureFactory(nom="Multi-accueil Madeleine", gestionnaire=ccas, commune=orleans)
    halte = StructureFactory(nom="Les Petits Pas", kind="halte_jeux", gestionnaire=lunel_ville, commune=lunel)
    convention_pmi = ConventionFactory(
        titre="Convention PMI – crèches d'Orléans", communes=[orleans], prescripteurs=[pmi],
        coordinateurs=[coord_orleans], structures=[creche],
    )
    petits_pas = ConventionFactory(
        petits_pas=True, titre="Les Petits Pas", communes=[lunel], prescripteurs=[plie],
        coordinateurs=[coord_lunel], structures=[halte],
    )
    return SimpleNamespace(
        orleans=orleans, lunel=lunel, pmi=pmi, plie=plie, ccas=ccas,
        prescripteur_pmi=MembershipFactory(partenaire=pmi, prescripteur=True),
        prescripteur_plie=MembershipFactory(partenaire=plie, prescripteur=True),
        coord_orleans=coord_orleans, coord_lunel=coord_lunel, creche=creche, halte=halte,
        convention_pmi=convention_pmi, petits_pas=petits_pas,
    )
