"""The editors' Wagtail group: they edit and publish the public pages at ``/cms/``, nothing else.

Members of this group have no ``Membership`` (so no access to the back office ``/espace/``),
are not staff (no Django admin), and hold only page, image and document permissions: Wagtail
exposes no family data to them.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

EDITORS_GROUP = "Rédacteurs du site"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}


def ensure_editors_group() -> Group:
    """Creates or completes the editors' group. Idempotent."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    root = Page.get_first_root_node()
    if root is not None:
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    collection = Collection.get_first_root_node()
    if collection is not None:
        for app_label, codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
    return group


def create_editors_group_after_migrate(sender, **kwargs):
    """``post_migrate`` receiver: once the last app (``django.contrib.auth`` comes after Wagtail's
    apps in ``INSTALLED_APPS``, so their permissions exist by then) has migrated, make the group."""
    if sender.label == "auth":
        ensure_editors_group()
