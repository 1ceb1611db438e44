"""The small, stable set of StreamField blocks every content page is built from.

Kept in one module so editors meet the same few blocks everywhere and templates stay
accessible by construction: rich text cannot carry an ``h1`` (the page title is the only one),
tables have a caption and header cells, images have a text alternative or are marked
decorative, document links say their format and size.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# No h1: the page title is the page's only first-level heading.
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class CalloutBlock(blocks.StructBlock):
    """A framed message; its kind is written in words, never shown by colour alone."""

    kind = blocks.ChoiceBlock(
        label="type",
        choices=[("information", "Information"), ("important", "Important"), ("astuce", "Bon à savoir")],
        default="information",
    )
    title = blocks.CharBlock(label="titre", required=False, max_length=120)
    text = blocks.RichTextBlock(label="texte", features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        label = "encadré"
        icon = "warning"
        template = "cms_pages/blocks/callout.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="intitulé de l'étape", max_length=160)
    text = blocks.RichTextBlock(label="description", features=["bold", "italic", "link", "ul"], required=False)


class StepsBlock(blocks.StructBlock):
    """Numbered steps, rendered as an ordered list so the order is conveyed without styling."""

    title = blocks.CharBlock(label="titre", required=False, max_length=160)
    steps = blocks.ListBlock(StepBlock(), label="étapes", min_num=1)

    class Meta:
        label = "étapes"
        icon = "list-ol"
        template = "cms_pages/blocks/steps.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label="question", max_length=250)
    answer = blocks.RichTextBlock(label="réponse", features=["bold", "italic", "link", "ul", "ol"])


class FaqBlock(blocks.StructBlock):
    """Questions and answers as native disclosure widgets: keyboard- and reader-friendly without script."""

    title = blocks.CharBlock(label="titre", required=False, max_length=160)
    questions = blocks.ListBlock(QuestionBlock(), label="questions", min_num=1)

    class Meta:
        label = "questions fréquentes (accordéon)"
        icon = "help"
        template = "cms_pages/blocks/faq.html"


class CaptionedTableBlock(blocks.StructBlock):
    """A data table with a caption; the first row (and optionally column) are header cells."""

    caption = blocks.CharBlock(label="titre du tableau (légende)", max_length=200)
    table = TableBlock(label="tableau")

    class Meta:
        label = "tableau"
        icon = "table"
        template = "cms_pages/blocks/table.html"


class CardBlock(blocks.StructBlock):
    """A short teaser leading to a page of the site or an outside address."""

    title = blocks.CharBlock(label="titre", max_length=120)
    text = blocks.TextBlock(label="texte", required=False, max_length=400)
    page = blocks.PageChooserBlock(label="page du site", required=False)
    url = blocks.URLBlock(label="ou adresse externe", required=False)

    class Meta:
        label = "carte"
        icon = "doc-full"
        template = "cms_pages/blocks/card.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("page") and value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError("Choisissez une page du site ou une adresse externe, pas les deux.")
                }
            )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    """A link to a document that states its format and weight, as RGAA asks."""

    document = DocumentChooserBlock(label="document")
    label = blocks.CharBlock(label="intitulé du lien", required=False, max_length=160)

    class Meta:
        label = "lien vers un document"
        icon = "doc-full-inverse"
        template = "cms_pages/blocks/document_link.html"


class ImageBlock(blocks.StructBlock):
    """An image with its text alternative, or explicitly marked as decorative (empty ``alt``)."""

    image = ImageChooserBlock(label="image")
    alt = blocks.CharBlock(label="texte alternatif", required=False, max_length=250)
    decorative = blocks.BooleanBlock(label="image décorative (sans information)", required=False)
    caption = blocks.CharBlock(label="légende", required=False, max_length=250)

    class Meta:
        label = "image"
        icon = "image"
        template = "cms_pages/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "alt": ValidationError("Décrivez l'image ou cochez « image décorative ».")
                }
            )
        return value


class BodyBlock(blocks.StreamBlock):
    """The blocks of a content page's body."""

    text = blocks.RichTextBlock(label="texte", features=RICH_TEXT_FEATURES, template="cms_pages/blocks/text.html")
    callout = CalloutBlock()
    steps = StepsBlock()
    faq = FaqBlock()
    table = CaptionedTableBlock()
    card = CardBlock()
    document = DocumentLinkBlock()
    image = ImageBlock()
