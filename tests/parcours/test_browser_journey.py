"""In Chromium, the whole journey through the pages: a prescriber fills the referral form and sends
it; a coordinator finds it in the queue, studies it and accepts it; the pathway that acceptance
opened is taken from the joint meeting to the exit; the prescriber then reads the outcome.

The same journey checks the promise of the RGPD issue: no personal data in URLs, logs or
e-mails. Every log record emitted meanwhile (root logger at DEBUG, the live server's thread
included: its request handler is quiet, so the URLs below stand for its request log), every
e-mail sent and every URL the browser navigated to or requested are scanned for the family's and
the child's first and last names, as typed, casefolded and without accents.
"""

import datetime
import logging
import re
import unicodedata
from urllib.parse import unquote_plus

import pytest
from django.utils import timezone

from conventions.models import PlaceReservee, Signataire
from orientations.models import Orientation
from parcours.models import Parcours
from tests.factories import CommuneFactory, MembershipFactory
from tests.parcours import factories as f

pytestmark = pytest.mark.browser

PARENT_FIRST, FAMILY_NAME, CHILD_FIRST = "Zéphyrine", "Quenardel", "Ysaline"
# Loggers the settings set above DEBUG; django.db.backends stays as configured (SQL only logs in DEBUG).
QUIET_LOGGERS = ("axes", "django_tasks", "wagtail")


def iso(day: datetime.date) -> str:
    return day.isoformat()


def field(page, label: str):
    """The form control labelled exactly ``label`` (a required field's label adds « * (obligatoire) »)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*(\(obligatoire\))?\s*$"))


def _forms(name: str) -> set[str]:
    folded = name.casefold()
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return {name, folded, plain}


SECRETS = set().union(*(_forms(name) for name in (PARENT_FIRST, FAMILY_NAME, CHILD_FIRST)))


def leaks(where: str, text: str) -> list[str]:
    folded = text.casefold()
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return [f"{where}: {secret!r}" for secret in sorted(SECRETS)
            if secret in text or secret.casefold() in folded or secret.casefold() in plain]


def test_whole_pathway_journey_in_the_browser(page, sign_in, live_server, caplog, mailoutbox):
    caplog.set_level(logging.DEBUG)
    for name in QUIET_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    urls: list[str] = []
    page.on("framenavigated", lambda frame: urls.append(frame.url))
    page.on("request", lambda request: urls.append(request.url))

    today = timezone.localdate()
    commune = CommuneFactory()
    convention = f.ConventionFactory(debut=today - datetime.timedelta(days=400),
                                     fin=today + datetime.timedelta(days=400))
    coordinateur = f.coordinator_of(convention)
    structure = f.StructureFactory(nom="Halte-jeux Les Petits Pas")
    f.PlaceFactory(convention=convention, structure=structure, numero=1, kind=PlaceReservee.Kind.REGULIERE)
    prescripteur = MembershipFactory(prescripteur=True)
    Signataire.objects.create(convention=convention, partenaire=prescripteur.partenaire,
                              role=Signataire.RoleConvention.PRESCRIPTEUR)

    caplog.clear()  # the journey's own records only, not the factories'
    nav = page.get_by_role("navigation", name="Navigation de l'espace")

    # The prescriber refers the family through the referral form.
    sign_in(prescripteur.user, prescripteur)
    page.goto("/espace/")
    nav.get_by_role("link", name="Mes orientations").click()
    page.get_by_role("link", name="Nouvelle orientation").click()
    field(page, "Commune de résidence").select_option(label=commune.nom)
    field(page, "Famille monoparentale").check()
    field(page, "Ressources").select_option(label="Connues")
    field(page, "Ressources mensuelles (€)").fill("1500")
    field(page, "Prénom du parent").fill(PARENT_FIRST)
    field(page, "Nom du parent").fill(FAMILY_NAME)
    field(page, "Situation du parent").select_option(label="En parcours d'insertion")
    field(page, "Durée prévue du parcours d'insertion (mois)").fill("6")
    field(page, "Prénom de l'enfant").fill(CHILD_FIRST)
    field(page, "Nom de l'enfant").fill(FAMILY_NAME)
    field(page, "Date de naissance de l'enfant").fill(iso(today - datetime.timedelta(days=420)))
    field(page, "La famille a donné son accord au partage de ses données pour les finalités cochées").check()
    field(page, "Date du recueil du consentement").fill(iso(today))
    field(page, "Convention").select_option(label=convention.titre)
    page.get_by_role("checkbox", name="Recherche d'emploi").check()
    field(page, "Date d'accueil souhaitée").fill(iso(today))
    field(page, "Besoin d'accueil (jours, demi-journées, heures)").fill("Mardi et jeudi matin")
    page.get_by_role("button", name="Envoyer").click()
    assert "est envoyée à la coordination" in page.locator("main").inner_text()
    orientation = Orientation.objects.get(partenaire=prescripteur.partenaire)
    assert orientation.state == Orientation.State.ENVOYEE

    # The coordinator studies it from the queue and accepts it, choosing the facility.
    page.context.clear_cookies()
    sign_in(coordinateur.user, coordinateur)
    page.goto("/espace/")
    nav.get_by_role("link", name="Orientations à traiter").click()
    page.get_by_role("link", name=orientation.reference).click()
    page.get_by_role("button", name="Prendre en étude").click()
    page.get_by_role("link", name="Accepter", exact=True).click()
    field(page, "Convention").select_option(label=convention.titre)
    field(page, "Structure d'accueil").select_option(label=structure.nom)
    page.get_by_role("button", name="Accepter l'orientation").click()
    assert "le parcours est ouvert" in page.locator("main").inner_text()
    parcours = Parcours.objects.get(orientation=orientation)

    nav.get_by_role("link", name="Parcours", exact=True).click()
    page.get_by_role("link", name=f"Parcours n° {parcours.pk}").click()
    assert page.get_by_role("button", name="Valider la contractualisation").is_disabled()

    page.get_by_role("link", name="Saisir la réunion conjointe").click()
    page.get_by_label("Date de la réunion").fill(iso(today))
    page.get_by_label("Objectif : emploi").check()
    page.get_by_label("Durée du parcours d'insertion du parent (mois)").fill("6")
    page.get_by_label("Engagement signé le").fill(iso(today))
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Valider la contractualisation").click()
    assert "Contractualisation" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Saisir le projet d'accueil").click()
    page.get_by_label("Établi le").fill(iso(today))
    page.get_by_label("Rythme d'accueil prévu").fill("Mardi et jeudi matin")
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("link", name="Attribuer une place").click()
    page.get_by_label("Premier jour sur la place").fill(iso(today))
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("link", name="Planifier ou valider l'adaptation").click()
    page.get_by_label("Prévue le").fill(iso(today))
    page.get_by_label("Demi-journée").select_option("matin")
    page.get_by_label("Tenue le").fill(iso(today))
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("button", name="Commencer l'accueil régulier").click()
    assert "Accueil" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Saisir une présence").click()
    page.locator("#id_date").fill(iso(today))
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

    # The prescriber reads the outcome.
    page.context.clear_cookies()
    sign_in(prescripteur.user, prescripteur)
    page.goto("/espace/")
    nav.get_by_role("link", name="Parcours", exact=True).click()
    page.get_by_role("link", name=f"Parcours n° {parcours.pk}").click()
    text = page.locator("main").inner_text()
    assert "Contrat d'accueil régulier en crèche" in text
    assert "En emploi (CDI)" in text
    # The pages do show the family to those entitled to see it: the scan below is not vacuous.
    page.goto(f"/espace/orientations/{orientation.pk}/")
    assert f"{CHILD_FIRST} {FAMILY_NAME}" in page.locator("main").inner_text()

    # No personal data in logs, e-mails or URLs.
    assert any(r.name == "parcours.services" for r in caplog.records), "the journey's transitions log nothing?"
    assert mailoutbox, "the acceptance and the exit e-mail the prescriber"
    assert urls
    found = leaks("logs", caplog.text)
    for record in caplog.records:
        found += leaks(f"log {record.name}", record.getMessage() + (record.exc_text or ""))
    for message in mailoutbox:
        alternatives = " ".join(str(content) for content, _ in getattr(message, "alternatives", []))
        found += leaks(f"e-mail « {message.subject} »",
                       " ".join([message.subject, message.body, alternatives, *message.to, *message.cc]))
    for url in urls:
        found += leaks(f"URL {url}", unquote_plus(url))
    assert not found, "\n".join(found)
