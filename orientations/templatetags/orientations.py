from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from orientations import rules
from orientations.models import Orientation

register = template.Library()

STATE_CLASSES = {
    Orientation.State.ACCEPTEE: "text-bg-success",
    Orientation.State.REFUSEE: "text-bg-danger",
    Orientation.State.EXPIREE: "text-bg-danger",
    Orientation.State.ANNULEE: "text-bg-secondary",
    Orientation.State.BROUILLON: "text-bg-light border",
}
# Rendered once: the lists show 25 badges a page.
STATE_BADGES = {
    state.value: format_html('<span class="badge {}">{}</span>', STATE_CLASSES.get(state, "text-bg-primary"),
                             state.label)
    for state in Orientation.State
}


@register.simple_tag
def age(birth, on):
    """« 8 mois », « 2 ans et 3 mois »: the child's age on a day."""
    return rules.age_label(birth, on)


@register.simple_tag
def etat(orientation):
    """The referral's state as a coloured badge."""
    return STATE_BADGES[orientation.state]


@register.simple_tag
def anonymisation(famille, text=""):
    """Where a name would be: the badge « Dossier anonymisé le … » for an anonymised family
    (its names read « Anonyme »), else ``text`` (e.g. the child's initials)."""
    on = famille.anonymisee_le
    if on is None:
        return text
    return format_html('<span class="badge text-bg-secondary">Dossier anonymisé le {}</span>',
                       date_format(localtime(on), "d/m/Y"))
