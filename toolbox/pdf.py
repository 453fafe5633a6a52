"""A small PDF writer for the toolbox's exports (incident records, checklists), on fpdf2.

Usage::

    pdf = Document(_("Incident record"), footer="Exported ... · erstellt mit KomMA Netzwerk")
    pdf.heading("Incident").field(_("Account"), "@hater").paragraph(text)
    pdf.image(png_bytes, caption="Screenshot 1 · SHA-256 …")
    data = pdf.bytes()

Every method but ``bytes`` returns the document, so calls chain.

Fonts: DejaVu Sans (regular and bold) from ``/usr/share/fonts/truetype/dejavu/`` is
embedded when installed (Debian/Ubuntu package ``fonts-dejavu-core``): it covers
German, Turkish, Polish, Cyrillic, Greek, Arabic letters and more. Without it the PDF
uses the built-in Helvetica, which knows only Latin-1: typographic quotes and dashes
are replaced by their plain forms and every other character outside Latin-1 by "?".
The text is therefore always complete in a PDF made where DejaVu is installed; no
font is fetched from anywhere.
"""

import io
import logging
import os
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image as PILImage

# fpdf2 subsets the embedded font with fontTools, which logs every step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(os.environ.get("KOMMA_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
REGULAR_FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"

# Plain forms of typographic characters that Latin-1 lacks (for the Helvetica fallback).
_LATIN1_FALLBACKS = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u2022": "*",
        "\u00a0": " ",
        "\u202f": " ",
        "\u20ac": "EUR",
        "\u2192": "->",
    }
)

PX_TO_MM = 25.4 / 96  # screenshots are shown at most at their size on a 96 dpi screen


def unicode_font_available() -> bool:
    """Whether DejaVu Sans (regular and bold) is installed for full Unicode text."""
    return REGULAR_FONT.is_file() and BOLD_FONT.is_file()


def _printable(text) -> str:
    """``text`` without control characters (but with line breaks), NFC-normalised."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


class _FPDF(FPDF):
    footer_text = ""
    font_family_name = "Helvetica"
    clean = staticmethod(str)

    def footer(self):
        self.set_y(-14)
        self.set_font(self.font_family_name, "", 8)
        self.set_text_color(90, 90, 90)
        text = self.clean(f"{self.footer_text}  ·  {self.page_no()}/{{nb}}".strip(" ·"))
        self.cell(0, 8, text, align="C")
        self.set_text_color(0, 0, 0)


class Document:
    """A simple A4 document: a title, then headings, paragraphs, label/value fields
    and images in order, with a footer line and page numbers on every page."""

    def __init__(self, title: str, *, footer: str = "", subject: str = ""):
        self._pdf = _FPDF(format="A4", unit="mm")
        pdf = self._pdf
        if unicode_font_available():
            pdf.add_font("DejaVu", "", str(REGULAR_FONT))
            pdf.add_font("DejaVu", "B", str(BOLD_FONT))
            pdf.font_family_name = "DejaVu"
            pdf.clean = _printable
        else:
            pdf.font_family_name = "Helvetica"
            pdf.clean = self._latin1
        self.family = pdf.font_family_name
        pdf.footer_text = footer
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(True, margin=20)
        pdf.set_title(self._clean(title))
        if subject:
            pdf.set_subject(self._clean(subject))
        pdf.set_creator("KomMA Netzwerk")
        pdf.add_page()
        pdf.set_font(self.family, "B", 17)
        self._write(title, 8)
        pdf.ln(3)

    @staticmethod
    def _latin1(text) -> str:
        text = _printable(text).translate(_LATIN1_FALLBACKS)
        return text.encode("latin-1", "replace").decode("latin-1")

    def _clean(self, text) -> str:
        return self._pdf.clean(text)

    def _write(self, text, height: float) -> None:
        self._pdf.multi_cell(
            0, height, self._clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )

    def heading(self, text: str) -> "Document":
        """A section heading (bold, larger), kept with some space above."""
        pdf = self._pdf
        if pdf.get_y() > pdf.page_break_trigger - 25:
            pdf.add_page()  # no heading alone at the bottom of a page
        pdf.ln(3)
        pdf.set_font(self.family, "B", 13)
        self._write(text, 7)
        pdf.ln(1)
        return self

    def paragraph(self, text: str, *, size: float = 10.5) -> "Document":
        """Running text; line breaks in ``text`` are kept."""
        self._pdf.set_font(self.family, "", size)
        self._write(text, 5.5)
        self._pdf.ln(1.5)
        return self

    def field(self, label: str, value) -> "Document":
        """A bold label and its value below it ("–" when empty)."""
        pdf = self._pdf
        pdf.set_font(self.family, "B", 9.5)
        self._write(label, 5)
        pdf.set_font(self.family, "", 10.5)
        value = str(value) if value not in (None, "") else "\u2013"
        self._write(value, 5.5)
        pdf.ln(1.5)
        return self

    @staticmethod
    def _image_data(source) -> tuple[bytes, int, int]:
        """The bytes fpdf2 embeds (JPEG and PNG as they are, others as PNG) and the
        size in pixels."""
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
        with PILImage.open(io.BytesIO(data)) as img:
            img.load()
            if img.format not in ("JPEG", "PNG"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
                buffer = io.BytesIO()
                img.save(buffer, "PNG")
                data = buffer.getvalue()
            return data, img.size[0], img.size[1]

    def _image_box(self, width_px: int, height_px: int) -> tuple[float, float]:
        pdf = self._pdf
        max_width = pdf.epw
        max_height = pdf.eph - 45  # room for a few lines above and the caption below
        width = min(max_width, width_px * PX_TO_MM)
        height = width * height_px / width_px
        if height > max_height:
            height = max_height
            width = height * width_px / height_px
        return width, height

    def image_height(self, source) -> float:
        """The height in mm that ``image(source)`` will take (for ``keep_space``)."""
        _data, width_px, height_px = self._image_data(source)
        return self._image_box(width_px, height_px)[1]

    def keep_space(self, height: float) -> "Document":
        """Start a new page unless ``height`` mm are left on this one (to keep a
        label together with the image below it)."""
        pdf = self._pdf
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        return self

    def image(self, source, caption: str = "") -> "Document":
        """An image (a file path or the bytes of a JPEG/PNG/WebP), as wide as the
        text at most and never taller than a page, with ``caption`` below it."""
        pdf = self._pdf
        data, width_px, height_px = self._image_data(source)
        width, height = self._image_box(width_px, height_px)
        self.keep_space(height)
        top = pdf.get_y()
        pdf.image(io.BytesIO(data), x=pdf.l_margin, y=top, w=width, h=height)
        pdf.set_y(top + height + 1.5)
        if caption:
            self.paragraph(caption, size=8.5)
        pdf.ln(2)
        return self

    def rule(self) -> "Document":
        """A thin horizontal line across the text width."""
        pdf = self._pdf
        pdf.ln(1)
        pdf.set_draw_color(180, 180, 180)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)
        return self

    def bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self._pdf.output())
