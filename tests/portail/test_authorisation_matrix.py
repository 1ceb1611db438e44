"""Every back-office URL × every role: the expected status code (see tests/matrix.py)."""

import importlib
import importlib.util

import pytest
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


def test_the_matrix_covers_the_back_office():
    assert "portail:home" in URL_NAMES
    assert len(URL_NAMES) == len(set(URL_NAMES)), "deux vues portent le même nom"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_authorisation_matrix(client, db, url_name, role):
    world = World()
    cases = {}
    for module in matrix_modules():
        module.populate(world)
    for module in matrix_modules():
        cases.update(module.cases(world))
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
