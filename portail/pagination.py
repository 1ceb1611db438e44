"""Pagination of the back-office lists, keeping the filters in the page links."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate(request, queryset, per_page: int = 25):
    """The requested page of ``queryset`` (a wrong page number gives the last or first page)
    and the query string of the current filters, without ``page``, for the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def page_of(queryset: QuerySet, number, per_page: int, rows: QuerySet) -> Page:
    """Page ``number`` of ``queryset`` (ordered), whose rows are then read through ``rows``.

    The page's primary keys are chosen on ``queryset``'s own table (its filters and its order,
    which an index can give: ``ORDER BY … LIMIT/OFFSET`` without any join), and only those rows
    are then joined to what the page shows (``rows``: its ``select_related``/``only``, unscoped:
    the keys come from the scoped ``queryset``). One query, ``pk IN (… LIMIT/OFFSET)``, instead of
    joining every matching row before sorting them; the count stays a count over the one table.
    A page's cost then follows its 25 rows, not the number of rows in scope.
    """
    order = queryset.query.order_by
    if not order:
        raise ValueError("page_of needs an explicitly ordered queryset.")
    page = Paginator(queryset, per_page).get_page(number)
    page.object_list = rows.filter(pk__in=page.object_list.values("pk")).order_by(*order)
    return page
