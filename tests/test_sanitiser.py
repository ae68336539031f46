"""The one Markdown rendering (issue #8): no XSS vector survives it, whatever the input."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intranet.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

VECTORS = [line for line in (Path(__file__).parent / "data" / "xss_vectors.txt")
           .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}


class Inspector(HTMLParser):
    """Every element and attribute of rendered HTML, and what is wrong with them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and urlsplit((value or "").strip()).scheme.lower() \
                    not in SAFE_SCHEMES:
                self.problems.append(f"address {value!r}")
            if name == "rel" and value != "noopener noreferrer nofollow":
                self.problems.append(f"rel {value!r}")


def problems(source: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(str(render_markdown(source)))
    inspector.close()
    return inspector.problems


def test_the_corpus_is_large_enough():
    assert len(VECTORS) >= 100


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_survives(vector):
    assert problems(vector) == []
    assert problems(f"Úvod\n\n{vector}\n\nZávěr") == []
    assert problems(f"- bod\n- {vector}") == []


def test_the_whole_corpus_as_one_text():
    assert problems("\n\n".join(VECTORS)) == []
    assert problems("\n".join(VECTORS)) == []


def test_safe_formatting_stays():
    html = str(render_markdown("**tučně** [odkaz](https://example.cz)\n\n| a | b |\n|---|---|\n"
                               "| 1 | 2 |"))
    assert "<strong>tučně</strong>" in html and "<table>" in html
    assert '<a href="https://example.cz" rel="noopener noreferrer nofollow">odkaz</a>' in html


FRAGMENTS = st.sampled_from(VECTORS + ["<", ">", '"', "'", "`", "[", "](", ")", "javascript:",
                                       "hx-get=", "data-", " on", "=", "\n", "\n\n", "**", "- ",
                                       "&#", ";", "<a href=", "<img src=x ", "ž"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=12))
def test_any_mix_of_text_and_vectors_stays_safe(parts):
    assert problems("".join(parts)) == []


# --- rendered text shown inside a page (#27) ---------------------------------------------

def test_a_text_under_a_page_s_headings_is_shifted_down():
    from intranet.markup import shift_headings

    html = render_markdown("# Zápis\n\n## Program\n\n###### Drobnost")
    assert str(shift_headings(html, 2)) == (
        "<h3>Zápis</h3>\n<h4>Program</h4>\n<h6>Drobnost</h6>")


def test_sections_get_ids_without_diacritics_unique_and_safe():
    from intranet.markup import with_section_ids

    html = render_markdown('## Průběh jednání\n\n## Průběh jednání\n\n## "><b>\n\n### Dál')
    text, sections = with_section_ids(html, "oddil-")
    assert sections == [("oddil-prubeh-jednani", "Průběh jednání"),
                        ("oddil-prubeh-jednani-2", "Průběh jednání"),
                        ("oddil-b", '"><b>')]
    assert '<h2 id="oddil-prubeh-jednani-2">Průběh jednání</h2>' in text
    assert "<h3>Dál</h3>" in text  # only the sections (h2) are led to
    inspector = Inspector()
    inspector.feed(str(text))
    assert set(inspector.problems) == {"attribute id on <h2>"}  # nothing else added
