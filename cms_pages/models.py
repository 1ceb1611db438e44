"""Wagtail pages of the public information site for families."""

from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's home page: the schemes and how a family is referred, in a few words."""

    intro = RichTextField("introduction", blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "page d'accueil"
