"""In Chromium: axe-core finds no WCAG A/AA violation on the family pages, and the simulator
works with the keyboard alone (no mouse, no JavaScript of ours)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cms_pages.demo import seed
from tests.conventions.factories import ConventionFactory, StructureFactory
from tests.utils import restore_migrated_data

pytestmark = pytest.mark.browser

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
RESULT = "/calculer-votre-tarif/?ressources=72+000&periode=annuelles&enfants=2&accueil=collectif&heures=120"


def assert_no_violation(page):
    results = Axe().run(page, options=WCAG_A_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def site(transactional_db):
    restore_migrated_data()  # an earlier transactional test may have flushed it
    structure = StructureFactory(nom="Le Baron", adresse="5 rue du Baron")
    ConventionFactory(titre="Places réservées par le Département pour la PMI", places=6, places__structure=structure)
    return seed()


@pytest.mark.parametrize(
    "path", ["/", "/places-reservees-pmi/", "/les-petits-pas/", "/annuaire/", "/calculer-votre-tarif/", RESULT]
)
def test_no_wcag_violation(page, site, path):
    response = page.goto(path)
    assert response.status == 200, page.content()[:2000]
    assert page.get_by_role("heading", level=1).is_visible()
    assert_no_violation(page)


def test_the_simulator_errors_have_no_wcag_violation(page, site):
    page.goto("/calculer-votre-tarif/?ressources=abc&enfants=30&heures=-1")
    assert page.get_by_role("alert").is_visible()
    assert_no_violation(page)


def test_the_simulator_with_the_keyboard_alone(page, site):
    page.goto("/calculer-votre-tarif/")
    resources = page.get_by_label("Ressources de la famille (en euros)")
    # From the top of the page, Tab reaches the first field of the form.
    for _ in range(40):
        page.keyboard.press("Tab")
        if resources.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Le champ des ressources n'est pas atteignable au clavier.")
    page.keyboard.type("72000")
    page.keyboard.press("Tab")  # the radio group "annuelles / mensuelles": "annuelles" is checked
    assert page.get_by_label("annuelles (par an)").evaluate("element => element === document.activeElement")
    page.keyboard.press("Tab")
    page.keyboard.type("3")  # children
    page.keyboard.press("Tab")  # care type radios
    page.keyboard.press("ArrowDown")  # → crèche familiale
    assert page.get_by_label("crèche familiale").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("100")  # hours
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # outside the commune
    assert page.get_by_label("La famille habite hors de la commune de la crèche").is_checked()
    page.keyboard.press("Tab")
    assert page.get_by_role("button", name="Calculer mon tarif").evaluate(
        "element => element === document.activeElement"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/calculer-votre-tarif/?**")
    result = page.get_by_role("region", name="Votre tarif estimé")
    # 2023 table at the ceiling for a familial crèche with 3 children is 1,86 €; today's ceiling is 8 500 €,
    # and 72 000 €/year = 6 000 €/month sits under it: 6 000 × 0,0310 % = 1,86 €, + 2,28 € outside the commune.
    assert "4,14 € de l'heure" in result.get_by_test_id("tarif-horaire").inner_text().replace("\u00a0", " ")
    assert "414,00 €" in result.get_by_test_id("montant-mensuel").inner_text().replace("\u00a0", " ")
    assert_no_violation(page)
