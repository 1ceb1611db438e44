"""Wagtail pages of the public information site for families.

Every page type derives from :class:`BasePage` (an introduction, the search fields, the page
cache). The tree is: the home page at the root; under it content pages, scheme pages, the
booklet (whose children are its chapters), the facility directory, the fee simulator, the
legal pages, the site map and the search page. Pages that hold data of the back office
(schemes, directory) read it from ``conventions`` and never copy it.
"""

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from . import selectors
from .blocks import BodyBlock, StepBlock
from .cache import serve_cached
from .forms import DirectoryFilterForm, FeeSimulatorForm, SearchForm

INTRO_FEATURES = ["bold", "italic", "link"]
PAGE_SIZE = 20


class BasePage(Page):
    """What every page of the site has: a short introduction, indexed for search, and the page cache."""

    intro = RichTextField("introduction", blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, "intro"]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        return serve_cached(self, request, super().serve, *args, **kwargs)


class HomePage(BasePage):
    """The site's home page: the schemes and how a family is referred, in a few words."""

    body = StreamField(BodyBlock(), verbose_name="contenu", blank=True, use_json_field=True)

    content_panels = [*BasePage.content_panels, "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "page d'accueil"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["schemes"] = SchemePage.objects.live().public().descendant_of(self).order_by("path")
        context["tools"] = (
            Page.objects.live().public().child_of(self)
            .type(DirectoryPage, SimulatorPage, BookletPage).specific().order_by("path")
        )
        return context


class ContentPage(BasePage):
    """A page of text built from the site's blocks (also the booklet's chapters)."""

    body = StreamField(BodyBlock(), verbose_name="contenu", blank=True, use_json_field=True)

    content_panels = [*BasePage.content_panels, "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage", "cms_pages.BookletPage"]
    subpage_types = ["cms_pages.ContentPage"]

    class Meta:
        verbose_name = "page de contenu"
        verbose_name_plural = "pages de contenu"


class SchemePage(BasePage):
    """A referral scheme as families read it, tied to the convention that organises it.

    The free period and the facilities come from the convention, so they never disagree with
    what the back office applies.
    """

    convention = models.ForeignKey(
        "conventions.Convention", verbose_name="convention", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text="La durée de gratuité et les structures d'accueil affichées viennent de cette convention.",
    )
    audience = RichTextField("pour qui ?", features=["bold", "italic", "link", "ul"])
    referral = RichTextField("comment être orienté, et par qui ?", features=["bold", "italic", "link", "ul"])
    free_period = RichTextField(
        "gratuité : précisions", blank=True, features=["bold", "italic", "link", "ul"],
        help_text="Complète la durée de gratuité tirée de la convention.",
    )
    steps = StreamField(
        [("step", StepBlock(label="étape"))], verbose_name="les étapes du parcours", blank=True, use_json_field=True
    )
    body = StreamField(BodyBlock(), verbose_name="autres informations", blank=True, use_json_field=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("convention"),
        "audience",
        "referral",
        "free_period",
        "steps",
        "body",
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("audience"),
        index.SearchField("referral"),
        index.SearchField("free_period"),
        index.SearchField("steps"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = "page de dispositif"
        verbose_name_plural = "pages de dispositif"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["facilities"] = selectors.scheme_facilities(self.convention) if self.convention_id else []
        return context


class DirectoryPage(BasePage):
    """The facility directory, read from the conventions data (never entered twice)."""

    content_panels = BasePage.content_panels
    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "annuaire des structures"
        verbose_name_plural = "annuaires des structures"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = DirectoryFilterForm(request.GET or None, communes=selectors.directory_communes())
        filters = form.cleaned_data if form.is_valid() else {}
        structures = selectors.directory_structures(
            commune=filters.get("commune"), kind=filters.get("kind"), q=filters.get("q")
        )
        page_obj = Paginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page_obj=page_obj, structures=page_obj.object_list, query=query.urlencode())
        return context


class SimulatorPage(BasePage):
    """The fee simulator: the CNAF barème in force applied to what the family enters (GET form)."""

    body = StreamField(BodyBlock(), verbose_name="explications", blank=True, use_json_field=True)

    content_panels = [*BasePage.content_panels, "body"]
    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "simulateur de tarif"
        verbose_name_plural = "simulateurs de tarif"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = FeeSimulatorForm(request.GET or None, day=timezone.localdate())
        context.update(form=form, result=form.result() if form.is_valid() else None)
        return context


class LegalPage(BasePage):
    """Accessibility statement, legal notice, personal data: dated, without children."""

    body = StreamField(BodyBlock(), verbose_name="contenu", use_json_field=True)
    updated_on = models.DateField("mise à jour le", null=True, blank=True)

    content_panels = [*BasePage.content_panels, "updated_on", "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "page légale"
        verbose_name_plural = "pages légales"


class SitemapPage(BasePage):
    """A readable site map: every published page, nested as in the tree."""

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "plan du site"
        verbose_name_plural = "plans du site"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = self.get_site()
        context["tree"] = selectors.page_tree(site.root_page if site else self.get_parent())
        return context


class SearchPage(BasePage):
    """Search over the published pages (Wagtail's database search backend)."""

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "page de recherche"
        verbose_name_plural = "pages de recherche"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = SearchForm(request.GET or None)
        results, page_obj = None, None
        if form.is_valid():
            results = selectors.search_pages(form.cleaned_data["q"], site_root=self.get_parent())
            page_obj = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(form=form, page_obj=page_obj, q=form.cleaned_data.get("q", "") if form.is_bound else "")
        return context


class BookletPage(RoutablePageMixin, BasePage):
    """A printable booklet: its chapters are its child pages; ``pdf/`` gives them as one PDF."""

    body = StreamField(BodyBlock(), verbose_name="présentation", blank=True, use_json_field=True)

    content_panels = [*BasePage.content_panels, "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage"]
    subpage_types = ["cms_pages.ContentPage"]

    class Meta:
        verbose_name = "livret"
        verbose_name_plural = "livrets"

    def chapters(self):
        return ContentPage.objects.live().public().child_of(self).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = self.chapters()
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("pdf/")
    def pdf(self, request):
        from .booklet import render_booklet_pdf

        response = HttpResponse(render_booklet_pdf(self, request), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{self.slug}.pdf"'
        return response
