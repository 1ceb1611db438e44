"""Site d'information des familles."""
from django.apps import AppConfig


class CmsPagesConfig(AppConfig):
    name = "cms_pages"
    verbose_name = "Site d'information des familles"

    def ready(self):
        from django.db.models.signals import post_migrate
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import cache, editors

        post_migrate.connect(editors.create_editors_group_after_migrate, dispatch_uid="cms_pages_editors_group")
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(cache.invalidate, dispatch_uid=f"cms_pages_cache_{id(signal)}")
