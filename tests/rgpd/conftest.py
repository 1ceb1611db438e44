import shutil

import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments go to a temporary private root, removed after each test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "prive"
    yield settings.PRIVATE_MEDIA_ROOT
    shutil.rmtree(tmp_path / "prive", ignore_errors=True)
