"""The printable booklet: the published chapters of a booklet page rendered as one PDF (WeasyPrint).

Nothing is fetched from the network: the only resources the PDF may load are the site's own
media files (images of the chapters), read from storage by :class:`LocalMediaFetcher`.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

BASE_URL = "http://livret.invalid/"


class LocalMediaFetcher(URLFetcher):
    """Serves ``MEDIA_URL`` paths from ``MEDIA_ROOT``; refuses every other address."""

    def fetch(self, url, headers=None):
        prefix = BASE_URL.rstrip("/") + settings.MEDIA_URL
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(prefix):
            raise ValueError("Ressource externe refusée dans le livret.")
        root = Path(settings.MEDIA_ROOT).resolve()
        target = (root / url[len(prefix):].split("?")[0]).resolve()
        if root not in target.parents:
            raise ValueError("Chemin de fichier refusé dans le livret.")
        return super().fetch(target.as_uri(), headers)


def render_booklet_pdf(booklet, request) -> bytes:
    """The booklet page and its published, public chapters, in tree order, as PDF bytes."""
    html = render_to_string(
        "cms_pages/booklet_print.html",
        {"page": booklet, "chapters": [chapter.specific for chapter in booklet.chapters()],
         "printed_on": timezone.localdate()},
        request=request,
    )
    fetcher = LocalMediaFetcher(allowed_protocols=["http", "file", "data"])
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
