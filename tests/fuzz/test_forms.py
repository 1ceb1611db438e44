"""Property-based fuzzing: hostile input in every field of every form of the back office and of
the fee simulator. Whatever is thrown, no 500, no script echoed unescaped, and a refused form
writes nothing (the audit trail of reads aside). Profiles: see ``conftest.py``."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.cms_pages.test_simulator import URL as SIMULATOR_URL
from tests.cms_pages.test_simulator import site  # noqa: F401  (fixture)
from tests.portail.test_authorisation_matrix import URL_NAMES, matrix  # noqa: F401  (module fixture)
from tests.utils import login

from .hostile import assert_safe, forms_of, hostile_payload, row_counts

# Whose page to fuzz: the first role that reaches it, the users of the family files first.
FUZZ_ROLES = ("coordinateur", "prescripteur_a", "admin_partenaire", "financeur", "superuser")
# Signing out would end the session the other examples need.
LEFT_OUT = (reverse("portail:logout"),)
REFUSED_MARKERS = (b"Le formulaire contient", b'class="invalid-feedback')


def _fuzz(client, form, default_url):
    target = form.action or default_url
    send = client.post if form.method == "post" else client.get

    @given(data=st.data())
    def attack(data):
        payload = hostile_payload(data, form)
        before = row_counts()
        response = send(target, payload)
        assert_safe(response, target)
        if response.status_code == 400 or any(marker in response.content for marker in REFUSED_MARKERS):
            after = row_counts()
            before.pop("portail.AuditEvent"), after.pop("portail.AuditEvent")
            assert after == before, f"{target} : écriture partielle d'un formulaire refusé"

    attack()


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_hostile_input_in_every_back_office_form(client, db, matrix, url_name):  # noqa: F811
    world, cases = matrix
    case = cases[url_name]
    role = next(r for r in FUZZ_ROLES if case.status_for(r) == 200 or r == "superuser")
    login(client, world.user(role), world.membership(role))
    url = reverse(url_name, kwargs=case.resolve(case.kwargs, world, role))
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        pytest.skip(f"{url_name} n'est pas une page HTML en GET ({page.status_code}) : ses formulaires sont "
                    "fuzzés depuis la page qui les affiche")
    forms = [
        form for form in forms_of(page.content.decode())
        if form.action not in LEFT_OUT and set(form.fields) - {"csrfmiddlewaretoken"}
    ]
    if not forms:
        pytest.skip(f"{url_name} n'affiche aucun formulaire à remplir")
    for form in forms:
        _fuzz(client, form, url)


def test_hostile_input_in_the_fee_simulator(client, site):  # noqa: F811
    page = client.get(SIMULATOR_URL)
    assert page.status_code == 200
    forms = [form for form in forms_of(page.content.decode()) if "ressources" in form.fields]
    assert forms, "le simulateur n'affiche pas son formulaire"
    _fuzz(client, forms[0], SIMULATOR_URL)
