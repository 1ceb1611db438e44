"""Hostile input for every field of a form found in a page, and the checks every answer must pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

SCRIPT = "<script>alert(31337)</script>"
ATTRIBUTE = "\"><img src=x onerror=alert(31337)>"
RAW_MARKERS = (b"<script>alert(31337)", b"<img src=x onerror=alert(31337)")

HOSTILE = [
    SCRIPT, ATTRIBUTE, "'; DROP TABLE orientations_famille; --", "1 OR 1=1", "' OR '1'='1",
    "a" * 10_000, "\x00", "\x1b[31m\x07\x08", "\u202eevil", "\ufeff", "é" * 300, "😀" * 50,
    "-1", "0", "99999999999999999999999999999999", "1e309", "NaN", "-0.0000001", "1,5", "1 234,56",
    "31/02/2026", "00/00/0000", "2026-13-45", "29/02/2025", "01/01/0001", "31/12/9999", "9999-99-99",
    "../../etc/passwd", "%00", "{{ 7*7 }}", "${7*7}", "", " ", "null", "true", "[]", "{}",
]

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@dataclass
class Field:
    name: str
    kind: str
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page: action, method and named fields (with the options of a select)."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(attrs.get("action") or "", (attrs.get("method") or "get").lower()))
        elif not self.forms:
            return
        elif tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            if kind in ("submit", "button", "reset", "image"):
                return
            current = self.forms[-1].fields.setdefault(attrs["name"], Field(attrs["name"], kind))
            if kind in ("radio", "checkbox") and attrs.get("value"):
                current.options.append(attrs["value"])
            if tag == "select":
                self._select = current
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.fields]


def value_for(data, fld: Field):
    """One hostile value for ``fld``: a known attack, random text, a huge number, or one of its options."""
    if fld.name in ("csrfmiddlewaretoken",):
        return None
    if fld.kind == "file":
        name = data.draw(st.sampled_from(["piece.pdf", SCRIPT + ".pdf", "../../x.pdf", "a" * 300 + ".pdf"]))
        content = data.draw(st.sampled_from([b"%PDF-1.4\n", b"MZ\x90\x00", b"", b"<script>"]))
        return SimpleUploadedFile(name, content)
    choices = [st.sampled_from(HOSTILE), TEXT, NUMBERS]
    if fld.options:
        choices.append(st.sampled_from(fld.options))
    return data.draw(st.one_of(*choices), label=fld.name)


def hostile_payload(data, form: Form) -> dict:
    payload = {}
    for fld in form.fields.values():
        value = value_for(data, fld)
        if value is not None:
            payload[fld.name] = value
    return payload


def row_counts() -> dict[str, int]:
    """Rows of every model of the portal's apps: a refused form must leave them all unchanged."""
    return {
        model._meta.label: model._base_manager.count()
        for app in ("portail", "conventions", "orientations", "parcours", "rapports", "rgpd")
        for model in apps.get_app_config(app).get_models()
    }


def assert_safe(response, url):
    assert response.status_code < 500, f"{url} : erreur {response.status_code}"
    content = response.content
    for marker in RAW_MARKERS:
        assert marker not in content, f"{url} renvoie une entrée non échappée"
