"""Security headers on every back-office page (the URLs come from the authorisation matrix's
enumeration of the resolver) and on the public site."""

import pytest
from django.urls import reverse

from tests.portail.test_authorisation_matrix import URL_NAMES, matrix  # noqa: F401  (module fixture)
from tests.portail.test_deploy import run
from tests.utils import login


def assert_hardened(response, *, personal=True):
    url = response.wsgi_request.path
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert "camera=()" in response["Permissions-Policy"], url
    if personal:
        assert "no-store" in response.get("Cache-Control", ""), url


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_every_back_office_page_is_hardened_for_its_users(client, db, matrix, url_name):  # noqa: F811
    world, cases = matrix
    case = cases[url_name]
    login(client, world.superuser)
    url = reverse(url_name, kwargs=case.resolve(case.kwargs, world, "superuser"))
    response = getattr(client, case.method)(url, case.resolve(case.data, world, "superuser") or {})
    assert response.status_code < 500
    assert_hardened(response)


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_every_back_office_page_is_hardened_for_anonymous_visitors(client, db, matrix, url_name):  # noqa: F811
    world, cases = matrix
    case = cases[url_name]
    response = client.get(reverse(url_name, kwargs=case.resolve(case.kwargs, world, "anonyme")))
    assert_hardened(response)


@pytest.mark.parametrize("path", ["/", "/sitemap.xml", "/page-qui-n-existe-pas/"])
def test_public_pages_carry_the_policy(client, db, path):
    response = client.get(path)
    assert_hardened(response, personal=False)


def test_a_signed_in_user_is_never_cached_even_on_the_public_site(client, db):
    from tests.factories import MembershipFactory

    membership = MembershipFactory(coordinateur=True)
    login(client, membership.user, membership)
    assert "no-store" in client.get("/")["Cache-Control"]


@pytest.mark.parametrize("path", ["/cms/", "/admin/"])
def test_the_admins_are_never_cached_and_only_wagtails_allows_inline_scripts(client, db, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert ("'unsafe-inline'" in policy) == (path == "/cms/")
    assert "frame-ancestors 'none'" in policy


def test_htmx_does_not_inject_its_inline_indicator_style(client, db):
    page = client.get(reverse("portail:login")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


def test_production_sends_hsts_and_secure_cookies():
    result = run("shell", "-c", (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY)"
    ))
    assert result.returncode == 0, result.stderr
    # The last line: the shell may announce its automatic imports first.
    assert result.stdout.strip().splitlines()[-1].split() == ["31536000", "True", "True", "True", "True", "True"]
