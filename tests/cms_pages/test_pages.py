"""Page types, the seeded tree, and what every visitor reads: pages, legal pages, site maps, search."""

import pytest
from wagtail.models import Page, Revision

from cms_pages.demo import seed
from cms_pages.models import (
    BookletPage,
    ContentPage,
    DirectoryPage,
    HomePage,
    LegalPage,
    SchemePage,
    SearchPage,
    SimulatorPage,
    SitemapPage,
)
from tests.cms_pages.factories import add_page, seeded_site

pytestmark = pytest.mark.django_db


# --- Allowed parents and children ------------------------------------------------------------


def test_the_home_page_sits_only_at_the_root_and_exists_once():
    home = seeded_site()
    root = Page.get_first_root_node()
    assert not HomePage.can_create_at(root)  # max_count 1, already there
    assert HomePage.allowed_parent_page_models() == [Page]
    assert not HomePage.can_create_at(home)


@pytest.mark.parametrize(
    ("model", "parent", "allowed"),
    [
        (ContentPage, HomePage, True),
        (ContentPage, ContentPage, True),
        (ContentPage, BookletPage, True),
        (ContentPage, SchemePage, False),
        (SchemePage, HomePage, True),
        (SchemePage, SchemePage, False),
        (SchemePage, BookletPage, False),
        (LegalPage, HomePage, True),
        (LegalPage, ContentPage, False),
        (BookletPage, HomePage, True),
        (BookletPage, BookletPage, False),
        (SitemapPage, ContentPage, False),
        (SearchPage, ContentPage, False),
    ],
)
def test_allowed_parents(model, parent, allowed):
    assert (model in parent.allowed_subpage_models() and parent in model.allowed_parent_page_models()) is allowed


@pytest.mark.parametrize("model", [DirectoryPage, SimulatorPage, SitemapPage, SearchPage])
def test_single_pages_cannot_be_added_twice(model):
    home = seeded_site()
    assert not model.can_create_at(home)


@pytest.mark.parametrize("model", [SchemePage, DirectoryPage, SimulatorPage, LegalPage, SitemapPage, SearchPage])
def test_leaf_pages_take_no_children(model):
    assert model.allowed_subpage_models() == []


# --- The seeded tree ---------------------------------------------------------------------------


def test_seeding_twice_gives_one_tree_and_no_new_revision():
    seed()
    pages, revisions = Page.objects.count(), Revision.objects.count()
    tree = list(Page.objects.order_by("path").values_list("path", "slug"))
    seed()
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions
    assert list(Page.objects.order_by("path").values_list("path", "slug")) == tree
    assert HomePage.objects.count() == 1


def test_seeding_keeps_what_editors_changed():
    home = seed()
    scheme = SchemePage.objects.get(slug="les-petits-pas")
    scheme.title = "Les Petits Pas (Lunel)"
    scheme.save_revision().publish()
    seed()
    assert SchemePage.objects.get(slug="les-petits-pas").title == "Les Petits Pas (Lunel)"
    assert home.get_children().filter(slug="les-petits-pas").count() == 1


def test_the_seeded_site_has_the_seeds_content():
    home = seed()
    slugs = set(home.get_children().values_list("slug", flat=True))
    assert {
        "places-reservees-pmi", "priorite-france-travail", "les-petits-pas", "etre-oriente", "annuaire",
        "calculer-votre-tarif", "livret-vallee-de-la-save", "accessibilite", "mentions-legales",
        "donnees-personnelles", "plan-du-site", "recherche",
    } <= slugs
    petits_pas = SchemePage.objects.get(slug="les-petits-pas")
    assert [step.value["title"] for step in petits_pas.steps] == [
        "Repérage", "Rendez-vous conjoint et contractualisation", "Adaptation",
        "Accueil de l'enfant et accompagnement du parent", "Sortie vers le droit commun",
    ]
    booklet = BookletPage.objects.get()
    assert booklet.chapters().count() == 3


def test_every_published_page_renders(client):
    seed()
    for page in Page.objects.live().filter(depth__gt=1).specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert html.count("<h1") == 1, page.url
        assert f"{page.title}</h1>".replace("'", "&#x27;") in html or f"{page.title}</h1>" in html


# --- Legal pages and the footer's links --------------------------------------------------------


@pytest.mark.parametrize("path", ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/plan-du-site/"])
def test_the_footer_links_lead_to_real_pages(client, path):
    seed()
    home_html = client.get("/").content.decode()
    assert f'href="{path}"' in home_html
    assert client.get(path).status_code == 200


def test_the_personal_data_page_says_what_is_kept_how_long_and_the_rights(client):
    seed()
    html = client.get("/donnees-personnelles/").content.decode()
    assert "6 ans après la dernière année d&#x27;accueil" in html or "6 ans après la dernière année d'accueil" in html
    for right in ("accès", "rectification", "effacement", "portabilité"):
        assert right in html
    assert "dpo@orleans-metropole.fr" in html
    assert "<caption>Ce qui est conservé, et combien de temps</caption>" in html


def test_the_accessibility_statement_gives_the_conformity_level(client):
    seed()
    html = client.get("/accessibilite/").content.decode()
    assert "partiellement conforme" in html
    assert "Défenseur des droits" in html
    assert "mise à jour le 01/11/2026" in html


# --- Site maps and search ----------------------------------------------------------------------


def test_the_readable_site_map_lists_the_tree_nested(client):
    seed()
    html = client.get("/plan-du-site/").content.decode()
    booklet = html.index("L&#x27;accueil de l&#x27;enfant de 0 à 6 ans")
    chapter = html.index("Demander une place : la commission d&#x27;attribution")
    assert booklet < chapter
    assert "<ul>" in html[booklet:chapter]  # the chapters are nested under the booklet


def test_a_draft_page_is_in_neither_site_map(client):
    home = seed()
    add_page(home, ContentPage, title="Brouillon secret", slug="brouillon-secret", publish=False)
    assert "Brouillon secret" not in client.get("/plan-du-site/").content.decode()
    assert "brouillon-secret" not in client.get("/sitemap.xml").content.decode()


def test_the_xml_sitemap_lists_the_published_pages(client):
    seed()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<urlset" in xml
    for path in ("/les-petits-pas/", "/calculer-votre-tarif/", "/livret-vallee-de-la-save/demander-une-place/"):
        assert path in xml


def test_search_finds_words_of_the_pages_body(client):
    seed()
    response = client.get("/recherche/", {"q": "commission"})
    assert response.status_code == 200
    titles = [page.title for page in response.context["page_obj"].object_list]
    assert "Demander une place : la commission d'attribution" in titles


def test_search_without_words_asks_for_some(client):
    seed()
    response = client.get("/recherche/", {"q": "   "})
    assert response.status_code == 200
    assert "Saisissez un ou plusieurs mots à rechercher." in response.content.decode()
    assert response.context["page_obj"] is None


def test_search_ignores_drafts(client):
    home = seed()
    add_page(home, ContentPage, title="Zanzibar brouillon", slug="zanzibar", publish=False)
    response = client.get("/recherche/", {"q": "Zanzibar"})
    assert response.context["page_obj"].paginator.count == 0
    assert "Aucune page ne contient ces mots" in response.content.decode()


def test_the_main_menu_marks_the_current_page(client):
    seed()
    html = client.get("/annuaire/").content.decode()
    assert 'href="/annuaire/" aria-current="page"' in html
    assert 'href="/calculer-votre-tarif/" aria-current' not in html
