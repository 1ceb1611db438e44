"""Template helpers other apps may use: ``{% load conventions_tags %}``.

- ``{% periode_gratuite parcours as periode %}`` gives a :class:`conventions.selectors.FreePeriod`
  (``first_day``, ``last_day``, ``max_months``, ``exited``, ``started``);
- ``{% include "conventions/_gratuite.html" with parcours=parcours %}`` shows it as a sentence;
- ``{{ montant|euros }}`` shows ``1 234,56 €`` (no-break spaces).
"""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from conventions import selectors

register = template.Library()


@register.simple_tag
def periode_gratuite(parcours):
    return selectors.free_period(parcours)


@register.filter
def euros(value):
    if value is None or value == "":
        return ""
    return f"{number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}\N{NO-BREAK SPACE}€"
