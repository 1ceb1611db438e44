"""Pagination of the back-office lists, keeping the filters in the page links."""

from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 25):
    """The requested page of ``queryset`` (a wrong page number gives the last or first page)
    and the query string of the current filters, without ``page``, for the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
