"""The printable booklet (WeasyPrint) and the public pages' cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms_pages import booklet as booklet_module
from cms_pages.models import BookletPage, ContentPage, SimulatorPage
from tests.cms_pages.factories import add_page, editor, home_page
from tests.utils import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def booklet():
    page = add_page(home_page(), BookletPage, title="L'accueil de l'enfant de 0 à 6 ans", slug="livret")
    add_page(page, ContentPage, title="Les modes d'accueil", slug="modes",
             body=[{"type": "text", "value": "<p>Accueil collectif et individuel.</p>"}])
    add_page(page, ContentPage, title="La commission d'attribution", slug="commission")
    add_page(page, ContentPage, title="Chapitre en préparation", slug="brouillon", publish=False)
    return page


def test_the_booklet_pdf_is_generated_from_the_published_chapters(client, booklet, monkeypatch):
    printed = {}
    real_html = booklet_module.HTML

    def spy(*args, **kwargs):
        printed["html"] = kwargs["string"]
        return real_html(*args, **kwargs)

    monkeypatch.setattr(booklet_module, "HTML", spy)
    response = client.get("/livret/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = printed["html"]
    assert html.index("Les modes d&#x27;accueil") < html.index("La commission d&#x27;attribution")
    assert "Accueil collectif et individuel." in html
    assert "Chapitre en préparation" not in html


def test_the_booklet_page_links_to_its_pdf_and_lists_its_chapters(client, booklet):
    html = client.get("/livret/").content.decode()
    assert 'href="/livret/pdf/"' in html
    assert "Les modes d&#x27;accueil" in html
    assert "Chapitre en préparation" not in html


def test_the_booklet_never_fetches_outside_resources():
    fetcher = booklet_module.LocalMediaFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://exemple.fr/image.png")
    with pytest.raises(ValueError):
        fetcher.fetch(booklet_module.BASE_URL + "media/../../etc/passwd")


@pytest.fixture
def page_cache(settings):
    settings.CMS_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_anonymous_pages_are_served_from_the_cache(client, page_cache):
    add_page(home_page(), SimulatorPage, title="Calculer votre tarif", slug="tarif")
    url = "/tarif/?ressources=72000&periode=annuelles&enfants=1&accueil=collectif&heures=100"
    with CaptureQueriesContext(connection) as computed:
        first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url)
    assert second.content == first.content
    assert any("conventions_bareme" in query["sql"] for query in computed.captured_queries)
    # Wagtail still routes the request through the page tree; the barème and the page are not read again.
    assert not any("conventions_" in query["sql"] for query in cached.captured_queries)
    assert len(cached) < len(computed)
    other = client.get(url.replace("72000", "36000"))
    assert other.content != first.content  # each query string is its own entry


def test_publishing_a_page_empties_the_cache(client, page_cache):
    home = home_page()
    page = add_page(home, ContentPage, title="Avant", slug="page")
    assert "Avant" in client.get("/page/").content.decode()
    page.title = "Après"
    page.save_revision().publish()
    assert "Après" in client.get("/page/").content.decode()


def test_signed_in_users_are_never_served_a_cached_page(client, page_cache):
    home = home_page()
    add_page(home, ContentPage, title="Page", slug="page")
    client.get("/page/")
    login(client, editor())
    assert "Mon espace" in client.get("/page/").content.decode()
