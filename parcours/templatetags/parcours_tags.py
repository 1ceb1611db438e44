"""The coordinator's dashboard, embedded in the portal's home page of coordinators."""

from django import template
from django.utils import timezone

from parcours import selectors

register = template.Library()


@register.inclusion_tag("parcours/_dashboard.html", takes_context=True)
def parcours_dashboard(context):
    return selectors.dashboard(context["request"], timezone.localdate())
