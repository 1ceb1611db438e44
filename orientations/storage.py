"""Where prescribers' attachments live: under ``settings.PRIVATE_MEDIA_ROOT``, never a public URL."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="orientations.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at ``PRIVATE_MEDIA_ROOT`` (read on every use) with no URL.

    Files are served only by ``orientations.views.piece_jointe``, after the permission check.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.fspath(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Les pièces jointes ne sont servies que par la vue contrôlée du portail.")
