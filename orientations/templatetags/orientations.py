from django import template

from orientations import rules

register = template.Library()


@register.simple_tag
def age(birth, on):
    """« 8 mois », « 2 ans et 3 mois »: the child's age on a day."""
    return rules.age_label(birth, on)
