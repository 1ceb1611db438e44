"""Template helpers of the public site: amounts (``1 234,56 €``, ``0,0619 %``), opening hours, main menu."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from wagtail.models import Page, Site

from cms_pages import selectors

register = template.Library()


@register.filter
def euros(value) -> str:
    """``Decimal("1234.5")`` → ``1 234,50 €`` (French grouping and decimal comma)."""
    if value in (None, ""):
        return ""
    return f"{number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}\u00a0€"


@register.filter
def percent(value) -> str:
    """A taux d'effort as the CNAF writes it: ``Decimal("0.0619")`` → ``0,0619 %``."""
    if value in (None, ""):
        return ""
    return f"{number_format(Decimal(value), 4, use_l10n=True)}\u00a0%"


@register.inclusion_tag("cms_pages/_site_navigation.html", takes_context=True)
def site_navigation(context):
    """The public site's main menu: the home page's published children shown in menus (one query)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    items = []
    if site is not None:
        current = request.path
        for page in Page.objects.live().public().in_menu().child_of(site.root_page).order_by("path"):
            url = page.get_url(request=request)
            items.append({"title": page.title, "url": url, "current": bool(url) and current.startswith(url)})
    return {"items": items}


@register.filter
def opening_lines(horaires) -> list[str]:
    """A facility's opening hours in words (see ``cms_pages.selectors.opening_lines``)."""
    return selectors.opening_lines(horaires)
