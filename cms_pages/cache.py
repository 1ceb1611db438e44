"""The public pages' cache: whole responses for anonymous visitors, dropped on every publication.

Off unless ``CMS_PAGE_CACHE_SECONDS`` is above 0. Only anonymous ``GET``/``HEAD`` requests
outside previews are cached, keyed by the full path (query string included, so each
simulator result is its own entry), and only 200 responses. A signed-in partner always gets
a fresh page (the header differs). Every publish, unpublish, move or delete of a page bumps
a generation number that is part of every key, so no stale page survives a publication in a
shared cache (Redis); with the per-process default cache, entries also expire after the
configured number of seconds.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "cms_pages:generation"


def timeout() -> int:
    return int(getattr(settings, "CMS_PAGE_CACHE_SECONDS", 0) or 0)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate(**kwargs) -> None:
    """Signal receiver: every cached page becomes stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
        and not request.user.is_authenticated
    )


def serve_cached(page, request, serve, *args, **kwargs):
    seconds = timeout()
    if not seconds or not _cacheable(request):
        return serve(request, *args, **kwargs)
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"cms_pages:page:{generation()}:{request.get_host()}:{digest}"
    stored = cache.get(key)
    if stored is not None:
        content, content_type = stored
        return HttpResponse(content, content_type=content_type)
    response = serve(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code == 200 and not response.cookies:
        cache.set(key, (response.content, response["Content-Type"]), seconds)
    return response
