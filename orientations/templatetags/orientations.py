from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from orientations import rules

register = template.Library()

STATE_BADGES = {
    "acceptee": "text-bg-success",
    "refusee": "text-bg-danger",
    "expiree": "text-bg-danger",
    "annulee": "text-bg-secondary",
    "brouillon": "text-bg-light border",
}


@register.simple_tag
def age(birth, on):
    """« 8 mois », « 2 ans et 3 mois »: the child's age on a day."""
    return rules.age_label(birth, on)


@register.simple_tag
def etat(orientation):
    """The referral's state as a coloured badge (a tag, not an include: the lists show 25 a page)."""
    css = STATE_BADGES.get(orientation.state, "text-bg-primary")
    return format_html('<span class="badge {}">{}</span>', css, orientation.get_state_display())


@register.simple_tag
def anonymisation(famille, text=""):
    """Where a name would be: the badge « Dossier anonymisé le … » for an anonymised family
    (its names read « Anonyme »), else ``text`` (e.g. the child's initials)."""
    on = famille.anonymisee_le
    if on is None:
        return text
    return format_html('<span class="badge text-bg-secondary">Dossier anonymisé le {}</span>',
                       date_format(localtime(on), "d/m/Y"))
