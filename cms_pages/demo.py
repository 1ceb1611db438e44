"""Seeds the public site's page tree. Idempotent: pages are found by slug and updated."""

from wagtail.models import Page, Site

from .models import HomePage

HOME_INTRO = (
    "<p>Vous cherchez un mode d'accueil pour votre jeune enfant pendant votre recherche d'emploi, "
    "votre formation ou votre parcours d'insertion ? Des places en crèche sont réservées pour vous, "
    "gratuitement pendant une période limitée, quand un partenaire (PMI, France Travail, PLIE, CCAS) "
    "vous oriente.</p>"
)


def seed(stdout=None) -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="Parcours Petite Enfance", slug="accueil", intro=HOME_INTRO)
        root.add_child(instance=home)
    else:
        home.title, home.intro = "Parcours Petite Enfance", HOME_INTRO
    home.save_revision().publish()
    # The starter page Wagtail creates on install is replaced by ours as the site's root.
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Parcours Petite Enfance"},
    )
    for page in Page.objects.child_of(root).not_type(HomePage):
        if page.slug == "home" and not page.get_children().exists():
            page.delete()
    return home
