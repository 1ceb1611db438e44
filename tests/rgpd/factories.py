"""Family files at the end of their life: a child cared for until a given day, a referral refused
on a given day, each with names, contacts, free text and an attachment to anonymise."""

import datetime

from django.core.files.base import ContentFile
from freezegun import freeze_time

from orientations.models import Consentement, Evenement, MotifRefus, Orientation, Parent, PieceJointe
from parcours.models import NoteSuivi, Parcours, TransitionLog
from tests.factories import UserFactory
from tests.parcours.factories import (
    ConventionFactory,
    OrientationFactory,
    ParcoursFactory,
    attribution,
    bilan,
    coordinator_of,
    presence,
    reunion,
)

FAMILY_NAME = "Diallo-Testard"
PARENT_EMAIL = "awa.diallo-testard@example.org"
ADDRESS = "12 rue des Lilas, 45000 Orléans"


def _family_details(orientation):
    famille = orientation.famille
    famille.adresse = ADDRESS
    famille.save(update_fields=["adresse"])
    Parent.objects.create(
        famille=famille, prenom="Awa", nom=FAMILY_NAME, telephone="06 12 34 56 78", email=PARENT_EMAIL,
        situation=Parent.Situation.DEMANDEUR_EMPLOI,
    )
    enfant = orientation.enfant
    enfant.prenom, enfant.nom = "Lina", FAMILY_NAME
    enfant.save()
    Consentement.objects.create(
        famille=famille, date=orientation.date_souhaitee, recueilli_par=orientation.prescripteur,
        finalites="Orientation vers le dispositif",
    )
    piece = PieceJointe(
        orientation=orientation, nom=f"attestation-{FAMILY_NAME}.pdf", type_mime="application/pdf", taille=9,
        ajoutee_par=orientation.prescripteur,
    )
    piece.fichier.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    piece.save()
    return famille


def cared_family(last_day: datetime.date, convention=None, first_day=datetime.date(2026, 1, 5)):
    """A family whose child was cared for from ``first_day`` to ``last_day`` (the exit)."""
    convention = convention or ConventionFactory()
    with freeze_time(first_day - datetime.timedelta(days=30)):
        orientation = OrientationFactory(convention=convention, besoin=f"Besoin de {FAMILY_NAME}")
        Orientation.objects.filter(pk=orientation.pk).update(state=Orientation.State.ACCEPTEE)
        _family_details(orientation)
        parcours = ParcoursFactory(orientation=orientation, state=Parcours.State.ACCUEIL)
    Parcours.objects.filter(pk=parcours.pk).update(premier_accueil_le=first_day)
    reunion(parcours, objectifs_detail=f"Objectifs de Awa {FAMILY_NAME}")
    attribution(parcours, debut=first_day, fin=last_day)
    presence(parcours, first_day)
    presence(parcours, last_day)
    bilan(parcours)
    NoteSuivi.objects.create(parcours=parcours, author=UserFactory(), texte=f"Appel de Mme {FAMILY_NAME}")
    from parcours.models import Sortie

    Sortie.objects.create(
        parcours=parcours, date=last_day, issue_enfant="creche", situation_parent="emploi", contrat="cdd",
        commentaire=f"{FAMILY_NAME} en emploi", recorded_by=UserFactory(),
    )
    with freeze_time(last_day):
        TransitionLog.objects.create(
            parcours=parcours, transition="sortir", source=Parcours.State.BILAN, target=Parcours.State.SORTIE,
            actor=UserFactory(), comment=f"Sortie de {FAMILY_NAME}",
        )
    Parcours.objects.filter(pk=parcours.pk).update(state=Parcours.State.SORTIE)
    parcours.refresh_from_db()
    return parcours


def refused_referral(on: datetime.date, convention=None, state=Orientation.State.REFUSEE):
    """A referral closed (refused by default) on ``on``, that never led to care."""
    convention = convention or ConventionFactory()
    with freeze_time(on):
        orientation = OrientationFactory(convention=convention, besoin=f"Besoin de {FAMILY_NAME}")
        _family_details(orientation)
        Orientation.objects.filter(pk=orientation.pk).update(
            state=state, message_refus=f"Désolé {FAMILY_NAME}", updated_at=orientation.updated_at,
            motif_refus=MotifRefus.COMPLET if state == Orientation.State.REFUSEE else "",
        )
        Evenement.objects.create(orientation=orientation, source=Orientation.State.EN_ETUDE, cible=state)
    orientation.refresh_from_db()
    return orientation


__all__ = ["cared_family", "coordinator_of", "refused_referral"]
