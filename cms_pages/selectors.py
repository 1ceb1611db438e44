"""Reads of the public site: the facility directory, a scheme's facilities, the page tree, search.

The directory and the schemes read ``conventions`` directly (facilities are entered once, in
the back office). Each function costs a fixed number of queries whatever the number of rows.
Only public facility information is read: name, kind, address, telephone, places.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from conventions.models import Convention, Fermeture, HoraireOuverture, PlaceReservee, Structure
from portail.models import Commune


def _in_force(prefix: str = "") -> Q:
    """Conventions in force today: begun, and not ended unless renewed each year."""
    today = timezone.localdate()
    return Q(**{f"{prefix}debut__lte": today}) & (
        Q(**{f"{prefix}fin__gte": today}) | Q(**{f"{prefix}reconduction_annuelle": True})
    )


def directory_structures(*, commune: int | None = None, kind: str | None = None, q: str | None = None) -> QuerySet:
    """Active facilities with their commune, opening hours, coming closures (``upcoming_closures``)
    and the number of places reserved by conventions in force (``reserved_places``)."""
    structures = (
        Structure.objects.filter(is_active=True)
        .select_related("commune", "gestionnaire")
        .prefetch_related(
            Prefetch("horaires", queryset=HoraireOuverture.objects.order_by("weekday", "ouverture")),
            Prefetch(
                "fermetures",
                queryset=Fermeture.objects.filter(fin__gte=timezone.localdate()).order_by("debut"),
                to_attr="upcoming_closures",
            ),
        )
        .annotate(
            reserved_places=Count(
                "places_reservees", filter=_in_force("places_reservees__convention__"), distinct=True
            )
        )
        .order_by("commune__nom", "nom")
    )
    if commune:
        structures = structures.filter(commune_id=commune)
    if kind:
        structures = structures.filter(kind=kind)
    if q:
        structures = structures.filter(Q(nom__icontains=q) | Q(adresse__icontains=q))
    return structures


def _time(value) -> str:
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def opening_lines(horaires) -> list[str]:
    """Opening hours in words, consecutive days with the same periods grouped:
    ``["Du lundi au vendredi : 7 h 30 – 18 h 15"]``; ``[]`` when none is entered."""
    labels = dict(HoraireOuverture.Weekday.choices)
    by_day: dict[int, list[str]] = {}
    for horaire in horaires:
        by_day.setdefault(horaire.weekday, []).append(f"{_time(horaire.ouverture)} – {_time(horaire.fermeture)}")
    groups: list[tuple[int, int, list[str]]] = []
    for day in sorted(by_day):
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == by_day[day]:
            groups[-1] = (groups[-1][0], day, by_day[day])
        else:
            groups.append((day, day, by_day[day]))
    lines = []
    for first, last, periods in groups:
        if first == last:
            days = labels[first]
        elif last == first + 1:
            days = f"{labels[first]} et {labels[last].lower()}"
        else:
            days = f"Du {labels[first].lower()} au {labels[last].lower()}"
        lines.append(f"{days} : {' et '.join(periods)}")
    return lines


def directory_communes() -> QuerySet:
    """Communes that have at least one active facility, for the directory's filter."""
    return Commune.objects.filter(structure__is_active=True).distinct().order_by("nom")


def scheme_facilities(convention: Convention) -> list[Structure]:
    """The facilities where ``convention`` reserves places, each with its number of reserved places."""
    counts = (
        PlaceReservee.objects.filter(convention=convention)
        .values("structure")
        .annotate(total=Count("pk"))
    )
    by_structure = {row["structure"]: row["total"] for row in counts}
    structures = list(Structure.objects.filter(pk__in=by_structure).select_related("commune").order_by("nom"))
    for structure in structures:
        structure.reserved_places = by_structure[structure.pk]
    return structures


@dataclass
class TreeNode:
    page: Page
    children: list["TreeNode"] = field(default_factory=list)


def page_tree(root: Page) -> TreeNode:
    """Every published, public page under ``root`` (included), nested; one query."""
    pages = Page.objects.live().public().descendant_of(root, inclusive=True).order_by("path")
    nodes: dict[str, TreeNode] = {}
    top = TreeNode(root)
    for page in pages:
        node = TreeNode(page)
        nodes[page.path] = node
        parent = nodes.get(page.path[: -Page.steplen])
        if page.pk == root.pk:
            top = node
        elif parent is not None:
            parent.children.append(node)
    return top


def search_pages(query: str, *, site_root: Page):
    """Published public pages of the site matching ``query``, best first."""
    return Page.objects.live().public().descendant_of(site_root, inclusive=True).specific().search(query)
