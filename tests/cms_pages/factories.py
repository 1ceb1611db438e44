"""Factories of the public site: the seeded tree, extra pages, opening hours, an editor."""

from datetime import time

import factory
from wagtail.models import Page, Site

from cms_pages.demo import seed
from cms_pages.editors import EDITORS_GROUP, ensure_editors_group
from cms_pages.models import ContentPage, HomePage, SchemePage
from conventions.models import Fermeture, HoraireOuverture
from tests.conventions.factories import StructureFactory
from tests.factories import UserFactory


def seeded_site() -> HomePage:
    """The whole site as ``seed_demo`` creates it (without the conventions demo)."""
    return seed()


def home_page() -> HomePage:
    """A bare site: the home page as the default site's root, nothing under it."""
    home = HomePage(title="Parcours Petite Enfance", slug="accueil")
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


def add_page(parent, model=ContentPage, *, publish=True, **fields):
    """A child page of ``parent``; published unless ``publish=False`` (then a draft only)."""
    fields.setdefault("title", "Une page")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    if model is SchemePage:
        fields.setdefault("audience", "<p>Les familles.</p>")
        fields.setdefault("referral", "<p>Par la PMI.</p>")
    page = model(live=publish, **fields)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


class HoraireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoraireOuverture

    structure = factory.SubFactory(StructureFactory)
    weekday = HoraireOuverture.Weekday.LUNDI
    ouverture = time(7, 30)
    fermeture = time(18, 15)

    class Params:
        matin = factory.Trait(ouverture=time(8, 30), fermeture=time(12, 15))
        apres_midi = factory.Trait(ouverture=time(13, 30), fermeture=time(17, 0))


class FermetureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fermeture

    structure = factory.SubFactory(StructureFactory)
    motif = "Congés d'été"


def editor(email="redaction@exemple.fr"):
    """A member of the editors' group: no membership, not staff."""
    user = UserFactory(email=email)
    group = ensure_editors_group()
    assert group.name == EDITORS_GROUP
    user.groups.add(group)
    return user
