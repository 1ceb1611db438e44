"""The editors' group: pages at /cms/, never the back office nor family data."""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from cms_pages.editors import EDITORS_GROUP
from cms_pages.models import ContentPage
from tests.cms_pages.factories import editor, seeded_site
from tests.utils import login

pytestmark = pytest.mark.django_db

# Account pages every signed-in person has (sign-in, second factor, password): no family data.
ACCOUNT_PAGES = ("espace/connexion/", "espace/deconnexion/", "espace/double-authentification", "espace/mot-de-passe",
                 "espace/invitation/")


def backoffice_paths():
    """Every /espace/ path, converters filled with plausible values."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("espace/"):
                for converter, value in (("<int:", "1"), ("<uuid:", "00000000-0000-0000-0000-000000000001"),
                                         ("<str:", "x"), ("<slug:", "x"), ("<", "1")):
                    while converter in route:
                        start = route.index(converter)
                        route = route[:start] + value + route[route.index(">", start) + 1:]
                paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return paths


def test_the_group_exists_after_migrate():
    group = Group.objects.get(name=EDITORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {"access_admin"}  # no model permission on any app of the back office


def test_an_editor_edits_and_publishes_pages_at_cms(client):
    home = seeded_site()
    user = editor()
    login(client, user)
    assert client.get("/cms/").status_code == 200
    page = ContentPage.objects.get(slug="etre-oriente")
    assert client.get(f"/cms/pages/{page.pk}/edit/").status_code == 200
    assert client.get(f"/cms/pages/add/cms_pages/contentpage/{home.pk}/").status_code == 200
    assert page.permissions_for_user(user).can_publish()


def test_an_editor_never_reaches_the_back_office(client):
    login(client, editor())
    paths = backoffice_paths()
    assert len(paths) > 5
    for path in paths:
        if path.startswith(tuple("/" + prefix for prefix in ACCOUNT_PAGES)):
            continue
        response = client.get(path)
        if path == "/espace/":
            assert "aucun partenaire" in response.content.decode(), path
        else:
            assert response.status_code in (302, 403, 404, 405), (path, response.status_code)
            if response.status_code == 302:
                assert not response["Location"].startswith("/espace/") or "connexion" in response["Location"] \
                    or "double-authentification" in response["Location"], path


def test_an_editor_has_no_django_admin_nor_user_management(client):
    login(client, editor())
    assert client.get("/admin/").status_code == 302  # sent to the admin sign-in: not staff
    assert client.get("/cms/users/").status_code in (302, 403)
    assert client.get("/cms/groups/").status_code in (302, 403)
