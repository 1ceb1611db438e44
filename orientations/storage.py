"""Where prescribers' attachments live: under ``settings.PRIVATE_MEDIA_ROOT``, never a public URL.

Files are written at once (so a failing write fails the use case), but they follow the
transaction of :func:`atomic_with_files`: when it rolls back, the files written inside it are
deleted, so no file outlives the row that named it.
"""

import os
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.deconstruct import deconstructible

# The files written inside the innermost open ``atomic_with_files`` block (``None`` outside one).
_written: ContextVar[list | None] = ContextVar("orientations_files_written", default=None)


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

    def _save(self, name, content):
        name = super()._save(name, content)
        written = _written.get()
        if written is not None:
            written.append((self, name))
        return name


@contextmanager
def atomic_with_files():
    """``transaction.atomic()`` whose attachment files follow it.

    Every file a :class:`PrivateStorage` writes inside the block is deleted if the block leaves
    with an exception (its rows are rolled back then). A block nested in another one hands its
    files to the outer block when it succeeds, so they go if the outer one fails. The services
    open this block themselves (views do not wrap requests in a transaction), so its success is
    the commit.
    """
    outer = _written.get()
    files: list = []
    token = _written.set(files)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for storage, name in files:
            storage.delete(name)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(files)
