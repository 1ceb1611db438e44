"""Every back-office URL × every role: the expected status code (see tests/matrix.py)."""

import importlib
import importlib.util

import pytest
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import APPS, ROLES, World
from tests.utils import login


def backoffice_url_names() -> list[str]:
    """``namespace:name`` of every URL pattern served under /espace/, from the resolver."""
    names = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and route.startswith("espace/"):
                assert pattern.name, f"le motif d'URL {route} n'a pas de nom"
                names.append(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "", None)
    return sorted(names)


def matrix_modules():
    modules = []
    for app in APPS:
        name = f"tests.{app}.access_matrix"
        if importlib.util.find_spec(f"tests.{app}") and importlib.util.find_spec(name):
            modules.append(importlib.import_module(name))
    return modules


URL_NAMES = backoffice_url_names()


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world and the cases, built once for the whole matrix.

    They are created inside a transaction held open for the module and rolled back at its end;
    each test runs in a savepoint inside it (pytest-django's ``db``), so what a request writes
    is undone before the next row, and the world is built once instead of once per row.
    """
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        make_password("")  # the hasher's first use, outside any row's timing
        world = World()
        modules = matrix_modules()
        for module in modules:
            module.populate(world)
        cases = {}
        for module in modules:
            cases.update(module.cases(world))
        yield world, cases
        transaction.set_rollback(True)


def test_the_matrix_covers_the_back_office(db, matrix):
    _world, cases = matrix
    assert "portail:home" in URL_NAMES
    assert len(URL_NAMES) == len(set(URL_NAMES)), "deux vues portent le même nom"
    missing = sorted(set(URL_NAMES) - set(cases))
    assert not missing, f"URL sans ligne dans la matrice d'autorisation : {', '.join(missing)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_authorisation_matrix(client, db, matrix, url_name, role):
    world, cases = matrix
    assert url_name in cases, f"{url_name} n'a pas de ligne dans la matrice d'autorisation"
    case = cases[url_name]

    user = world.user(role)
    if user is not None:
        login(client, user, world.membership(role))
    url = reverse(url_name, kwargs=case.resolve(case.kwargs, world, role))
    data = case.resolve(case.data, world, role) or {}
    response = getattr(client, case.method)(url, data)

    assert response.status_code == case.status_for(role), (
        f"{role} sur {url_name} ({case.method.upper()} {url}) : "
        f"{response.status_code} au lieu de {case.status_for(role)}"
    )
