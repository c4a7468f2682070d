"""Limited markup for text that staff write and everyone reads (scope of practice statements).

The syntax is a small Markdown subset: paragraphs, headings (``#``, ``##``, ``###``), bold
(``**bold**``), italic (``_italic_``), bullet (``-``) and numbered (``1.``) lists, and links
(``[text](https://...)``) to http, https or mailto addresses. Anything else stays as typed text.

Two locks, not one: markdown-it-py, restricted to those rules and with raw HTML off, escapes
every ``<`` it is given; nh3 (the ammonia sanitiser) then keeps only the tags and the one
attribute this subset produces, so a parser bug cannot put a script or an event handler on a
page. Headings move one level down (``#`` is an ``h2``): the page's own title is the ``h1``.
"""

from functools import cache
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "a", "br"}
LINK_SCHEMES = {"http", "https", "mailto"}
SYNTAX_HELP = (
    "Write plain paragraphs separated by an empty line. Also: # Heading, **bold**, _italic_, "
    "- bullet lists, 1. numbered lists, [link text](https://example.org)."
)


def _link_allowed(url: str) -> bool:
    # An explicit scheme from the list, or no link at all: relative and scheme-less targets
    # ("//evil.example", "javascript&colon;...") are refused along with javascript: itself.
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    return scheme in LINK_SCHEMES and (bool(parts.netloc) or scheme == "mailto")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["heading", "list", "emphasis", "link", "newline", "escape"])
    md.validateLink = _link_allowed  # type: ignore[method-assign]
    return md


def _tokens(source: str) -> list[Token]:
    tokens = _parser().parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 4)}"
    return tokens


def render_markup(source: str) -> SafeString:
    """The HTML of `source`, safe to put on a page as is."""
    md = _parser()
    html = md.renderer.render(_tokens(source), md.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 on the line above


def _inline_text(children: list[Token] | None) -> str:
    parts: list[str] = []
    href = ""
    start = 0
    for child in children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            start = len(parts)
        elif child.type == "link_close":
            label = "".join(parts[start:])
            if href and label != href.removeprefix("mailto:"):
                parts.append(f" ({href.removeprefix('mailto:')})")
    return "".join(parts)


def markup_to_text(source: str) -> str:
    """The plain text a reader of `render_markup(source)` sees: bullets as "•", numbered items
    with their numbers, a link's address after its text. What a signature's hash covers."""
    lines: list[str] = []
    lists: list[list[int]] = []  # per open list: [ordered (0/1), next number]
    marker: str | None = None
    for token in _tokens(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            lists.append([int(token.type == "ordered_list_open"), int(start or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            lists[-1][1] += 1
            marker = "  " * (len(lists) - 1) + (f"{number}. " if ordered else "• ")
        elif token.type == "inline":
            text = _inline_text(token.children)
            if marker is not None:
                lines.append(marker + text)
                marker = None
            elif lists:
                lines.append("  " * len(lists) + text)
            else:
                lines += [text, ""]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
