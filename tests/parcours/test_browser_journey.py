"""In Chromium: a coordinator takes an accepted referral's pathway from the joint meeting to the
exit, through the pages; the prescriber then reads the outcome. The referral is sent and accepted
through the referral app's services (its own pages are tested by that app)."""

import datetime

import pytest
from django.utils import timezone

from conventions.models import PlaceReservee
from orientations.models import Orientation
from orientations.services import accepter_orientation
from parcours.models import Parcours
from tests.factories import MembershipFactory
from tests.parcours import factories as f

pytestmark = pytest.mark.browser


def iso(day: datetime.date) -> str:
    return day.isoformat()


def test_whole_pathway_journey_in_the_browser(page, sign_in, live_server):
    today = timezone.localdate()
    first = today - datetime.timedelta(days=40)
    convention = f.ConventionFactory(debut=today - datetime.timedelta(days=400))
    coordinateur = f.coordinator_of(convention)
    structure = f.StructureFactory(nom="Halte-jeux Les Petits Pas")
    f.PlaceFactory(convention=convention, structure=structure, numero=1, kind=PlaceReservee.Kind.REGULIERE)
    prescripteur = MembershipFactory(prescripteur=True)
    orientation = f.OrientationFactory(
        convention=convention, partenaire=prescripteur.partenaire, prescripteur=prescripteur.user,
        enfant__date_naissance=today - datetime.timedelta(days=420), date_souhaitee=first,
    )
    Orientation.objects.filter(pk=orientation.pk).update(state=Orientation.State.EN_ETUDE)
    orientation.refresh_from_db()
    accepter_orientation(orientation, request=f.request_for(coordinateur), convention=convention,
                         structure=structure)
    parcours = Parcours.objects.get(orientation=orientation)

    sign_in(coordinateur.user, coordinateur)
    page.goto(f"/espace/parcours/{parcours.pk}/")
    assert page.get_by_role("button", name="Valider la contractualisation").is_disabled()

    page.get_by_role("link", name="Saisir la réunion conjointe").click()
    page.get_by_label("Date de la réunion").fill(iso(first - datetime.timedelta(days=10)))
    page.get_by_label("Objectif : emploi").check()
    page.get_by_label("Durée du parcours d'insertion du parent (mois)").fill("6")
    page.get_by_label("Engagement signé le").fill(iso(first - datetime.timedelta(days=10)))
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Valider la contractualisation").click()
    assert "Contractualisation" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Saisir le projet d'accueil").click()
    page.get_by_label("Établi le").fill(iso(first - datetime.timedelta(days=10)))
    page.get_by_label("Rythme d'accueil prévu").fill("Mardi et jeudi matin")
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("link", name="Attribuer une place").click()
    page.get_by_label("Premier jour sur la place").fill(iso(first))
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("link", name="Planifier ou valider l'adaptation").click()
    page.get_by_label("Prévue le").fill(iso(first))
    page.get_by_label("Demi-journée").select_option("matin")
    page.get_by_label("Tenue le").fill(iso(first))
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("button", name="Commencer l'accueil régulier").click()
    assert "Accueil" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Saisir une présence").click()
    page.locator("#id_date").fill(iso(first + datetime.timedelta(days=1)))
    page.get_by_label("Arrivée").fill("09:00")
    page.get_by_label("Départ").fill("12:00")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Présence du" in page.content()
    page.get_by_role("link", name="Retour au parcours").click()

    page.get_by_role("link", name="Saisir le bilan").click()
    page.get_by_label("Date du bilan").fill(iso(today))
    page.get_by_label("Développement et adaptation de l'enfant").fill("Bonne adaptation")
    page.get_by_label("Progrès du parent sur chacun de ses objectifs").fill("Entretiens obtenus")
    page.get_by_label("Coût horaire d'une place pour la convention (€)").fill("11.50")
    page.get_by_label("Co-signé avec la famille le").fill(iso(today))
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Clore le bilan à 6 mois").click()

    page.get_by_role("link", name="Saisir la sortie").click()
    page.get_by_label("Date de sortie").fill(iso(today))
    page.get_by_label("Solution d'accueil de l'enfant").select_option("creche")
    page.get_by_label("Situation du parent").select_option("emploi")
    page.get_by_label("Type de contrat").select_option("cdi")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Clore par la sortie vers le droit commun").click()
    assert "Sortie vers le droit commun" in page.get_by_role("heading", level=1).inner_text()

    page.context.clear_cookies()
    sign_in(prescripteur.user, prescripteur)
    page.goto(f"/espace/parcours/{parcours.pk}/")
    text = page.locator("main").inner_text()
    assert "Contrat d'accueil régulier en crèche" in text
    assert "En emploi (CDI)" in text
