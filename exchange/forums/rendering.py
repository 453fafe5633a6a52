"""Markdown to safe HTML, once, when a post is written (never per view).

CommonMark through markdown-it-py with raw HTML and images switched off, then
nh3 (ammonia) with an allow-list as the last word: whatever the Markdown layer
lets through, no script, event handler, style or foreign resource survives.
Images are not embedded from anywhere: a page must not load third-party
resources, and attachments are shown by the forum itself.

``@Pseudonym`` becomes a link to the member's profile when such a member exists;
code spans and existing links are left alone.
"""

import html
import re

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.token import Token

MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-zÄÖÜäöüß0-9][A-Za-zÄÖÜäöüß0-9._-]{2,29})")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
        "image"
    )
    # Headings in a post start below the page's own h1/h2 (see _shift_headings).
)


def mention_candidates(text: str) -> set[str]:
    """The lower-cased names after ``@`` in ``text`` (to look up in one query)."""
    return {match.group(1).rstrip("._-").lower() for match in MENTION_RE.finditer(text or "")}


def _mention_tokens(content: str, mentionable: dict[str, str]) -> list[Token] | None:
    """Split a text token at known mentions; None when there is none."""
    pieces, last, found = [], 0, False
    for match in MENTION_RE.finditer(content):
        name = match.group(1).rstrip("._-")
        pseudonym = mentionable.get(name.lower())
        if pseudonym is None:
            continue
        found = True
        start, end = match.start(), match.start() + 1 + len(name)
        if start > last:
            pieces.append(_text(content[last:start]))
        link = Token("link_open", "a", 1)
        link.attrs = {
            "href": reverse("accounts:member", kwargs={"pseudonym": pseudonym}),
            "class": "mention",
        }
        pieces += [link, _text("@" + pseudonym), Token("link_close", "a", -1)]
        last = end
    if not found:
        return None
    if last < len(content):
        pieces.append(_text(content[last:]))
    return pieces


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link_mentions(tokens: list[Token], mentionable: dict[str, str]) -> None:
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children, in_link = [], 0
        for child in token.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            replaced = (
                _mention_tokens(child.content, mentionable)
                if child.type == "text" and not in_link
                else None
            )
            children.extend(replaced or [child])
        token.children = children


def _shift_headings(tokens: list[Token]) -> None:
    """``#`` in a post is an h3: the page has h1 (thread) and h2 (posts) already."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 2, 6)
            token.tag = f"h{level}"


def sanitize(html: str) -> str:
    """The allow-list pass. Links get rel="nofollow noopener ugc"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


def render_markdown(text: str, mentionable: dict[str, str] | None = None) -> str:
    """Safe HTML of ``text``. ``mentionable`` maps lower-cased name -> pseudonym."""
    tokens = _markdown.parse(text or "")
    _shift_headings(tokens)
    if mentionable:
        _link_mentions(tokens, mentionable)
    return sanitize(_markdown.renderer.render(tokens, _markdown.options, {}))


def plain_text(text: str) -> str:
    """Readable text of a Markdown body for search, notifications and digests."""
    rendered = _markdown.render(text or "")
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(rendered, tags=set()))).strip()
