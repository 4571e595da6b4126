"""An ordered list's numbers are in the chapter's text (issue 27): Qt draws them but leaves
them out of what a screen reader reads, so steps were read without their order."""

from __future__ import annotations

from companion.services.chapter_text import numbered_lists, sanitise


def test_ordered_items_carry_their_numbers_nested_and_loose_lists_too():
    html = numbered_lists(
        sanitise(
            "<ol><li>casque</li><li>gants<ol><li>cuir</li></ol></li><li>gilet</li></ol>"
            "<ul><li>bullet</li></ul><ol><li><p>loose</p></li></ol>"
        )
    )
    assert "<li>1. casque</li><li>2. gants" in html
    assert "<li>1. cuir</li>" in html  # a nested list counts on its own
    assert "<li>3. gilet</li>" in html  # and the outer one goes on after it
    assert "<li>bullet</li>" in html  # a bullet list is left as it is
    assert "<li><p>1. loose</p></li>" in html  # the number inside the paragraph
    # Drawn once: Qt's own number is turned off, the indent kept.
    assert html.count("<ol style='list-style-type:none'>") == 3


def test_text_without_lists_is_unchanged():
    clean = sanitise("<h2>Titre</h2><p>Un <b>mot</b>.</p>")
    assert numbered_lists(clean) == clean
