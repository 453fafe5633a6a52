"""The Markdown sanitiser: whatever a member types, no script, event handler, style,
foreign resource or javascript: link survives (Hypothesis), mentions link only known
pseudonyms and never inside code, and headings start at h3."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.forums.rendering import mention_candidates, plain_text, render_markdown

MENTIONABLE = {"ratgeber": "RatGeber", "mutigeeiche": "MutigeEiche"}

# Building blocks of attacks, freely combined with arbitrary text.
ATTACKS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<iframe src=https://evil.example></iframe>", "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java&#x09;script:alert(1))",
    "[x](&#106;avascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![bild](https://evil.example/track.png)", "![x](data:image/png;base64,AAAA)",
    "<div style=\"background:url(x)\">", "<p onclick=alert(1)>", "<svg onload=alert(1)>",
    "&lt;script&gt;", "&#60;script&#62;", "\"><script>x</script>", "`<script>`",
    "```\n<script>alert(1)</script>\n```", "> > > <img src=x>", "> quote\n>> nested",
    "<style>*{}</style>", "[link](vbscript:msgbox(1))", "<a href=x onmouseover=y>z</a>",
    "<math><mi xlink:href=\"javascript:alert(1)\">", "[a]: javascript:alert(1)\n\n[a]",
    "<https://ok.example/>", "<javascript:alert(1)>", "@RatGeber", "@Unbekannt",
    "`@RatGeber`", "# Überschrift", "###### klein", "<!-- kommentar -->", "*", "_", "\\",
    "<object data=x>", "<embed src=x>", "<form action=x><input></form>", "<base href=x>",
]  # fmt: skip

ALLOWED_TAGS = {"p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
                "a", "h3", "h4", "h5", "h6"}  # fmt: skip
ALLOWED_ATTRIBUTES = {"href", "class", "rel", "start"}
# Raw (unescaped) markup that must never be in the output, whatever it is inside.
RAW_FORBIDDEN = re.compile(r"<\s*/?\s*(script|img|iframe|svg|math|object|embed|form|input|base|"
                           r"style|h1|h2|div|span)\b", re.I)  # fmt: skip


class Elements(HTMLParser):
    """Every start tag with its attributes (entities in values decoded, as a browser does)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(output: str) -> None:
    """Structurally: only allowed tags and attributes, no event handler or style, and
    every link is http(s), mailto or a local path. Text that merely *reads* like
    an attack ("javascript:" in a paragraph) is shown as text and is harmless."""
    assert not RAW_FORBIDDEN.search(output), output
    parser = Elements()
    parser.feed(output)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, output)
        assert set(attrs) <= ALLOWED_ATTRIBUTES, (tag, attrs, output)
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        href = attrs.get("href")
        if href is not None:
            # Browsers drop tabs and newlines inside URLs; the scheme is what counts.
            squeezed = re.sub(r"[\x00-\x20]", "", href).lower()
            scheme = re.match(r"^([a-z][a-z0-9+.-]*):", squeezed)
            assert scheme is None or scheme.group(1) in ("http", "https", "mailto"), (
                href, output,
            )  # fmt: skip


texts = st.lists(
    st.one_of(st.sampled_from(ATTACKS), st.text(max_size=40)), min_size=1, max_size=8
).map(lambda parts: "".join(parts))
joined = st.lists(
    st.one_of(st.sampled_from(ATTACKS), st.text(max_size=20)), min_size=1, max_size=8
).flatmap(lambda parts: st.sampled_from([" ", "\n", "\n\n", "", "> ", "- "]).map(
    lambda sep: sep.join(parts)
))  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(texts)
def test_nothing_dangerous_survives(text):
    assert_inert(render_markdown(text, MENTIONABLE))


@settings(max_examples=300, deadline=None)
@given(joined)
def test_nothing_dangerous_survives_across_blocks(text):
    assert_inert(render_markdown(text, MENTIONABLE))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_plain_text_has_no_markup(text):
    result = plain_text(text)
    # Markup never adds characters: every "<" comes from a "<" or an entity typed.
    assert result.count("<") <= text.count("<") + text.count("&")
    assert not re.search(r"\s\s|\n", result) and result == result.strip()


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_building_block_alone_is_inert(attack):
    assert_inert(render_markdown(attack, MENTIONABLE))


def test_escaped_text_is_shown_as_text():
    html = render_markdown("Bitte kein <script>alert(1)</script> posten")
    assert "&lt;script&gt;" in html and "<script" not in html


def test_safe_links_keep_working_with_rel():
    html = render_markdown("[Beratung](https://beratung.example/hilfe)")
    assert 'href="https://beratung.example/hilfe"' in html
    assert "nofollow" in html and "noopener" in html


def test_markdown_formatting_survives():
    html = render_markdown("**fett** _kursiv_ `code`\n\n> Zitat\n\n- eins\n- zwei")
    for tag in ("<strong>", "<em>", "<code>", "<blockquote>", "<ul>", "<li>"):
        assert tag in html


@pytest.mark.parametrize(
    ("markdown", "tag"),
    [("# Eins", "h3"), ("## Zwei", "h4"), ("### Drei", "h5"), ("###### Sechs", "h6")],
)
def test_headings_are_shifted_below_the_page_headings(markdown, tag):
    html = render_markdown(markdown)
    assert f"<{tag}>" in html
    assert "<h1" not in html and "<h2" not in html


def test_setext_headings_are_shifted_too():
    html = render_markdown("Titel\n=====\n\nUnter\n-----")
    assert "<h3>" in html and "<h4>" in html and "<h1" not in html


def test_mentions_link_only_known_pseudonyms():
    html = render_markdown("Hallo @ratgeber und @Unbekannt!", MENTIONABLE)
    assert html.count('class="mention"') == 1
    assert ">@RatGeber</a>" in html  # the pseudonym as spelt by its owner
    assert "/RatGeber" in html
    assert "@Unbekannt" in html and "Unbekannt</a>" not in html


def test_no_mentions_in_code_spans_blocks_or_links():
    html = render_markdown(
        "`@RatGeber` und\n\n    @RatGeber\n\n```\n@MutigeEiche\n```\n\n[@RatGeber](https://x.example)",
        MENTIONABLE,
    )
    assert 'class="mention"' not in html


def test_mentions_are_not_found_in_addresses():
    assert mention_candidates("mail an info@RatGeber.de") == set()
    assert mention_candidates("@RatGeber, @mutigeeiche.") == {"ratgeber", "mutigeeiche"}


def test_mention_without_mentionable_map_is_text():
    html = render_markdown("@RatGeber")
    assert "<a" not in html and "@RatGeber" in html


def test_plain_text_drops_markup_and_keeps_words():
    text = plain_text("# Titel\n\n**fett** und <script>alert(1)</script> [Link](https://x.example)")
    assert text.startswith("Titel fett und")
    assert "**" not in text and "#" not in text
    assert "Link" in text and "https://x.example" not in text
