from django.conf import settings


def portal(request):
    """What every page needs: the current role and the other memberships one may switch to."""
    return {
        "current_membership": getattr(request, "membership", None),
        "user_memberships": getattr(request, "memberships", []),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
