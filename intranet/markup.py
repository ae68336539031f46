"""Markdown → safe HTML: the one rendering path for every Markdown text in the app."""

import re
from functools import lru_cache
from html import unescape

import markdown
import nh3
from markupsafe import Markup, escape

from .text import fold

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


# A link whose address the sanitiser removed (javascript: and the like) stays as its text.
LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)


class _NoRawHtml(markdown.Extension):
    """Treat raw HTML in the source as text: it is escaped, never passed through."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


@lru_cache(maxsize=1024)
def render_markdown(source: str) -> Markup:
    """Render Markdown without raw HTML, then sanitise with nh3 (no data-*, no hx-* attributes).
    A line break typed is kept (nl2br): signatures, addresses and short lists written line
    by line read as they were typed."""
    html = markdown.markdown(source or "", extensions=["sane_lists", "tables", "nl2br",
                                                       _NoRawHtml()])
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto", "tel"},
                      link_rel="noopener noreferrer nofollow")
    return Markup(LINK_WITHOUT_ADDRESS.sub(r"\1", clean))


def text_html(text: str) -> Markup:
    """A plain text (an e-mail's) as safe HTML: paragraphs and line breaks kept, nothing
    interpreted."""
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return Markup("\n".join(
        "<p>" + "<br>\n".join(map(str, map(escape, p.splitlines()))) + "</p>"
        for p in paragraphs if p.strip()))


def register_markdown(app) -> None:
    app.add_template_filter(render_markdown, "markdown")


TAG = re.compile(r"<[^>]+>")
# Tags inside a line of text: they go without a space, so that "**seminář**," stays "seminář,".
INLINE_TAG = re.compile(r"</?(?:a|abbr|b|code|del|em|i|mark|s|small|span|strong|sub|sup|u)"
                        r"(?:\s[^>]*)?>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """The words of rendered HTML, for a search index (and its passages)."""
    return unescape(TAG.sub(" ", INLINE_TAG.sub("", html)))


# The headings of sanitised HTML: the sanitiser leaves them no attributes.
HEADING = re.compile(r"<(/?)h([1-6])>")
SECTION = re.compile(r"<h2>(.*?)</h2>", re.S)


def shift_headings(html: str, levels: int) -> Markup:
    """Sanitised HTML with its headings `levels` lower (h1 → h3 for 2; h6 at most): a text
    shown under a page's own headings keeps the page's outline."""
    return Markup(HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + levels, 6)}>", str(html)))


def with_section_ids(html: str, prefix: str) -> tuple[Markup, list[tuple[str, str]]]:
    """Sanitised HTML with an id on each second-level heading (the prefix and the heading's
    words without diacritics: "oddil-prubeh-jednani"), and those headings as (id, text):
    the sections an in-page navigation leads to."""
    sections, taken = [], set()

    def with_id(match) -> str:
        text = unescape(TAG.sub("", match[1])).strip()
        anchor = prefix + (re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
                           or str(len(sections) + 1))
        unique, n = anchor, 1
        while unique in taken:
            n += 1
            unique = f"{anchor}-{n}"
        taken.add(unique)
        sections.append((unique, text))
        return f'<h2 id="{unique}">{match[1]}</h2>'

    return Markup(SECTION.sub(with_id, str(html))), sections
