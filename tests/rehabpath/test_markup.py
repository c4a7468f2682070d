"""The limited markup of scope statements: the subset renders, nothing hostile survives."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabpath.markup import ALLOWED_TAGS, markup_to_text, render_markup


def test_the_subset_renders_as_html():
    html = render_markup(
        "# Scope\n\nWork **within** your _training_.\n\n- one\n- two\n\n1. first\n2. second\n\n"
        "See [the guide](https://example.org/guide)."
    )
    assert "<h2>Scope</h2>" in html  # one level below the page's own h1
    assert "<strong>within</strong>" in html and "<em>training</em>" in html
    assert "<ul>\n<li>one</li>" in html and "<ol>\n<li>first</li>" in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer nofollow">' in html


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](//evil.example/)",
    "[x](/admin/)",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "<!-- comment --><b>raw bold</b>",
    "![img](https://evil.example/x.png)",
    "    <script>code block</script>",
    "```\n<script>fenced</script>\n```",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_leaves_no_tag_attribute_or_scheme_outside_the_subset(source):
    html = render_markup(f"Before\n\n{source}\n\nAfter")

    real_tags = "".join(re.findall(r"<[^>]*>", html))  # escaped text has no "<"
    tags = set(re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", real_tags))
    assert tags <= ALLOWED_TAGS
    attributes = set(re.findall(r"\s([a-zA-Z-]+)\s*=", real_tags))
    assert attributes <= {"href", "rel"}
    for href in re.findall(r'href="([^"]*)"', real_tags):
        assert href.startswith(("https://", "http://", "mailto:"))
    # What is left of the hostile part is escaped text, shown as typed; no real tag has it.
    assert not any("script" in tag.lower() for tag in re.findall(r"<[^>]*>", html))


@given(st.text(alphabet=st.sampled_from(list("<>\"'=/ ajvscriptonerlh:()[]*_#-1.\n")), max_size=80))
def test_no_generated_text_escapes_the_subset(source):
    real_tags = "".join(re.findall(r"<[^>]*>", render_markup(source)))
    assert set(re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", real_tags)) <= ALLOWED_TAGS
    for href in re.findall(r'href="([^"]*)"', real_tags):
        assert href.startswith(("https://", "http://", "mailto:"))


def test_the_plain_text_is_what_a_reader_sees():
    text = markup_to_text(
        "# Scope\n\nWork **within** it.\n\n- one\n- two\n  1. nested\n\n3. third\n4. fourth\n\n"
        "[Guide](https://example.org) and [mail](mailto:help@example.org)"
    )
    assert text == (
        "Scope\n\nWork within it.\n\n• one\n• two\n  1. nested\n\n3. third\n4. fourth\n\n"
        "Guide (https://example.org) and mail (help@example.org)"
    )


def test_raw_html_stays_visible_as_typed_text():
    assert "&lt;b&gt;bold&lt;/b&gt;" in render_markup("<b>bold</b>")
    assert markup_to_text("<b>bold</b>") == "<b>bold</b>"
