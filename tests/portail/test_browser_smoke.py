"""Smoke test in Chromium: the public home page renders; a partner signs in and reaches the back office."""

import pytest

from portail.models import Role
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.browser


def test_public_home_page_renders(page):
    from cms_pages.demo import seed as seed_site

    seed_site()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Parcours Petite Enfance"
    assert page.get_by_role("link", name="Espace partenaires").is_visible()


def test_a_funder_signs_in_and_reaches_the_back_office(page):
    membership = MembershipFactory(role=Role.FINANCEUR, user__email="financeur@exemple.fr", user__first_name="Inès")
    page.goto("/espace/")
    assert "/espace/connexion/" in page.url
    page.get_by_label("Adresse électronique").fill("financeur@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    assert "Bonjour Inès" in page.get_by_role("heading", level=1).inner_text()
    assert membership.partenaire.nom in page.locator("header").inner_text()
