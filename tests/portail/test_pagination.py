"""``page_of``: a page chosen on the list's own table, its rows read through another queryset."""

import pytest

from portail.models import Partenaire
from portail.pagination import page_of
from tests.factories import PartenaireFactory

pytestmark = pytest.mark.django_db


def test_page_keeps_the_lists_order_filters_and_count(django_assert_num_queries):
    names = [f"Partenaire {letter}" for letter in "EDCBA"]
    for name in names:
        PartenaireFactory(nom=name)
    PartenaireFactory(nom="Inactif", is_active=False)
    listed = Partenaire.objects.filter(is_active=True).order_by("-nom")
    with django_assert_num_queries(2):  # the count, then the page's rows
        page = page_of(listed, 2, 2, Partenaire.objects.all())
        rows = [p.nom for p in page]
    assert rows == names[2:4]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    assert [p.nom for p in page_of(listed, "99", 2, Partenaire.objects.all())] == names[4:]


def test_an_unordered_list_is_refused():
    with pytest.raises(ValueError):
        page_of(Partenaire.objects.filter(is_active=True), 1, 25, Partenaire.objects.all())
