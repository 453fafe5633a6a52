"""Filling in a template: its ``{{Key}}`` placeholders, the form built from the
declared placeholders, and the filled text.

A template resource has a plain ``template_text`` in which placeholders are written
as ``{{Kommune}}`` (spaces inside the braces are allowed: ``{{ Kommune }}``) and a
list of declared ``TemplatePlaceholder`` rows that say how each one is asked for
(one line, several lines or a date), whether it is required and how long it may be.

Text and declarations are edited separately, so they can disagree. Such a template
is *broken*: :func:`template_problems` lists each disagreement precisely (for the
editors), and the use page only tells members that the template cannot be used yet
(``toolbox.views_templates``). A broken template is never filled half-way.

What a user types is data, never markup or template syntax: values are put into the
text in a single pass (a value containing ``{{Datum}}`` stays literally so), the
preview is auto-escaped by Django's templates, and downloads contain the text as
plain text. Control characters (except tab and line breaks in multi-line fields),
direction overrides and codes that are not characters (U+FFFE, surrogates, which
python-docx cannot write) are refused with a message (``komma.core.text``).
Nothing here stores anything.
"""

import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from komma.core.text import check_plain_text, is_noncharacter

from .models import PLACEHOLDER_KEY_RE, VALUE_MAX_LENGTH, TemplatePlaceholder

# Anything between double braces; whether the inside is a valid key is checked apart,
# so that "{{Kommune Name}}" is reported instead of silently left in the text.
PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
KEY_RE = re.compile(PLACEHOLDER_KEY_RE)

# The prefix of the value fields, so a placeholder key can never collide with another
# field of the page (the draft title, the municipality choice).
VALUES_PREFIX = "v"


@dataclass(frozen=True)
class TemplateProblem:
    """One disagreement between a template's text and its declared placeholders.

    ``code`` is one of ``undeclared`` (used in the text, not declared), ``unused``
    (declared, not in the text), ``malformed`` (braces around something that is not
    a valid key) and ``unbalanced`` (``{{`` or ``}}`` without its partner).
    """

    code: str
    key: str

    @property
    def message(self) -> str:
        messages = {
            "undeclared": _(
                "The text uses the placeholder {{%(key)s}}, but no such placeholder is declared."
            ),
            "unused": _(
                "The placeholder “%(key)s” is declared, but the text does not use {{%(key)s}}."
            ),
            "malformed": _(
                "“{{%(key)s}}” in the text is not a valid placeholder: a key starts with a "
                "letter and has only letters, digits and underscores (at most 40)."
            ),
            "unbalanced": _(
                "The text contains “%(key)s” without its partner; placeholders are "
                "written as {{Key}}."
            ),
        }
        return str(messages[self.code]) % {"key": self.key}


def used_keys(text: str) -> list[str]:
    """The valid placeholder keys the text uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER_RE.finditer(text or ""):
        key = match.group(1)
        if KEY_RE.match(key):
            seen.setdefault(key, None)
    return list(seen)


def template_problems(text: str, placeholders) -> list[TemplateProblem]:
    """Everything that makes the template unusable; empty when text and declarations
    agree. ``placeholders`` are the declared ``TemplatePlaceholder`` rows."""
    text = text or ""
    problems: list[TemplateProblem] = []
    declared = [p.key for p in placeholders]
    malformed: dict[str, None] = {}
    for match in PLACEHOLDER_RE.finditer(text):
        if not KEY_RE.match(match.group(1)):
            malformed.setdefault(match.group(1), None)
    problems += [TemplateProblem("malformed", key) for key in malformed]
    rest = PLACEHOLDER_RE.sub("", text)
    for brace in ("{{", "}}"):
        if brace in rest:
            problems.append(TemplateProblem("unbalanced", brace))
    used = used_keys(text)
    problems += [TemplateProblem("undeclared", key) for key in used if key not in declared]
    problems += [TemplateProblem("unused", key) for key in declared if key not in used]
    return problems


def validate_characters(value: str, *, multiline: bool) -> None:
    """Refuse control characters, direction overrides and codes that are not
    characters (and line breaks in one-line fields): ``komma.core.text``."""
    check_plain_text(value, multiline=multiline)


class ValueField(forms.CharField):
    """A one-line or multi-line value; control characters are refused."""

    def __init__(self, *, multiline: bool, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if self.multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    def validate(self, value):
        super().validate(value)
        validate_characters(value, multiline=self.multiline)


def field_max_length(placeholder) -> int:
    """The editor's limit, within the platform's limit for one value."""
    return max(1, min(placeholder.max_length or VALUE_MAX_LENGTH, VALUE_MAX_LENGTH))


class FillForm(forms.Form):
    """The values of a template's placeholders, one field per declared placeholder.

    Field names are ``v-<key>`` (form prefix ``v``). ``values()`` gives the values as
    they go into the text; ``stored_values()`` as a draft keeps them (dates in ISO
    form, so the form can be filled again).
    """

    def __init__(self, placeholders, *args, language: str = "de", **kwargs):
        kwargs.setdefault("prefix", VALUES_PREFIX)
        super().__init__(*args, **kwargs)
        self.placeholders = list(placeholders)
        self.language = language
        for placeholder in self.placeholders:
            self.fields[placeholder.key] = self.make_field(placeholder)

    @staticmethod
    def make_field(placeholder) -> forms.Field:
        common = {
            "label": placeholder.label or placeholder.key,
            "required": placeholder.required,
            "help_text": placeholder.help_text,
        }
        if placeholder.kind == TemplatePlaceholder.Kind.DATE:
            return forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
                error_messages={
                    "invalid": _("Enter a date, for example 21.11.2026."),
                },
                **common,
            )
        multiline = placeholder.kind == TemplatePlaceholder.Kind.MULTILINE
        widget = forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput()
        return ValueField(
            multiline=multiline,
            max_length=field_max_length(placeholder),
            widget=widget,
            strip=True,
            **common,
        )

    def values(self) -> dict[str, str]:
        """The cleaned values as text (dates written out in the template's language)."""
        result = {}
        for placeholder in self.placeholders:
            value = self.cleaned_data.get(placeholder.key)
            result[placeholder.key] = format_value(value, self.language)
        return result

    def stored_values(self) -> dict[str, str]:
        """The cleaned values as a draft stores them (ISO dates, empty strings)."""
        result = {}
        for placeholder in self.placeholders:
            value = self.cleaned_data.get(placeholder.key)
            if value is None:
                result[placeholder.key] = ""
            elif hasattr(value, "isoformat"):
                result[placeholder.key] = value.isoformat()
            else:
                result[placeholder.key] = str(value)
        return result


def format_value(value, language: str = "de") -> str:
    """A cleaned value as it appears in the text: dates in the template's language."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        lang = (language or "de").split("-")[0]
        with translation.override(lang):
            return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def initial_from_stored(placeholders, stored: dict) -> dict:
    """Initial form data from a draft's stored values; keys the template no longer
    declares are dropped (the template may have changed since)."""
    stored = stored if isinstance(stored, dict) else {}
    return {p.key: str(stored.get(p.key, "")) for p in placeholders if stored.get(p.key)}


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each ``{{Key}}`` replaced by its value, in one pass, so a value
    is never read as a placeholder. Line breaks are normalised to ``\\n``."""

    def replace(match):
        key = match.group(1)
        return values.get(key, match.group(0))

    filled = PLACEHOLDER_RE.sub(replace, text or "")
    return filled.replace("\r\n", "\n").replace("\r", "\n")


# --- downloads --------------------------------------------------------------------

EXPORT_FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def paragraphs(text: str) -> list[list[str]]:
    """The text as paragraphs (separated by blank lines) of lines."""
    blocks = re.split(r"\n[ \t]*\n", (text or "").strip("\n"))
    return [block.split("\n") for block in blocks if block.strip()]


def xml_safe(text: str) -> str:
    """Without the characters XML 1.0 cannot hold (values never contain them; this
    guards the editors' template text too)."""
    return "".join(
        char
        for char in text
        if char in "\t\n"
        or (unicodedata.category(char) not in ("Cc", "Cs") and not is_noncharacter(char))
    )


def as_txt(title: str, text: str) -> bytes:
    """The filled text, as it is, UTF-8."""
    return (text.rstrip("\n") + "\n").encode("utf-8")


def as_markdown(title: str, text: str) -> bytes:
    """A heading with the template's title, then the filled text unchanged: the file
    is plain text, and a user's value is never rewritten (not even escaped)."""
    heading = " ".join(title.split())
    return f"# {heading}\n\n{text.rstrip()}\n".encode()


def as_docx(title: str, text: str) -> bytes:
    """A Word document: the title as heading, each paragraph of the text as a
    paragraph, its single line breaks kept as line breaks."""
    from io import BytesIO

    from docx import Document

    document = Document()
    properties = document.core_properties
    properties.title = xml_safe(title)[:255]
    # python-docx's template names itself as the author; nobody is named instead.
    properties.author = "KomMA Netzwerk"
    properties.last_modified_by = "KomMA Netzwerk"
    properties.comments = ""
    document.add_heading(xml_safe(title), level=1)
    for lines in paragraphs(xml_safe(text)):
        paragraph = document.add_paragraph()
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            if number < len(lines) - 1:
                run.add_break()
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BUILDERS = {"txt": as_txt, "md": as_markdown, "docx": as_docx}


def build_download(fmt: str, title: str, text: str) -> bytes:
    """The file contents of ``fmt`` (one of ``EXPORT_FORMATS``)."""
    return BUILDERS[fmt](title, text)


def download_filename(slug: str, fmt: str) -> str:
    """A safe ASCII file name from the resource's slug."""
    base = re.sub(r"[^a-z0-9-]+", "-", (slug or "").lower()).strip("-")[:80] or "vorlage"
    return f"{base}.{fmt}"
