from django import template
from django.conf import settings
from django.utils import timezone

from rgpd import selectors

register = template.Library()


@register.inclusion_tag("rgpd/_home_card.html", takes_context=True)
def rgpd_home_card(context):
    """The coordinator's card: files anonymised within the warning delay (30 days by default)."""
    request = context["request"]
    warned = selectors.families_warned(request.user, getattr(request, "membership", None), timezone.localdate())
    return {"warned": warned, "days": settings.RGPD_WARNING_DAYS}
