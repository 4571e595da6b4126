"""A chapter read by caret over AT-SPI, as Orca reads a document (issue 27): it was one
label whose caret never moved; Down went nowhere a screen reader could follow, the numbers
of an ordered list were missing from the text."""

from __future__ import annotations

from typing import Any

from tests.a11y.atspi import ACCESSIBLE, ACTION, ROLES, STATE_FOCUSABLE, STATE_FOCUSED, TEXT, Node

OPEN_TEXT = (
    "import tests.a11y.steps as steps; steps.downloaded(window)\n"
    "reader = steps.open_chapter(window, steps.TEXT_CHAPTER)\n"
    "wait_until(lambda: steps.focused() is reader.browser)"
)


def chapter_text(companion) -> Node:
    tree: Node = companion.tree()
    return tree.one("label", "Texte du chapitre")


def caret_moved_to(companion, offset: int) -> None:
    """Heard as a screen reader hears it: Object:TextCaretMoved with the new offset."""
    companion.bus.wait_for_event("TextCaretMoved", lambda body: body[1] == offset)


def test_a_chapter_is_read_line_by_line_with_the_caret(companion):
    companion.run(OPEN_TEXT)
    text = chapter_text(companion)
    assert text.description == "Les principaux dangers d'un chantier"  # said with its name
    whole = text.text()
    assert whole.startswith("Pourquoi la sécurité d'abord\n")
    assert text.caret() == 0
    # Down, line after line: the caret moves, AT-SPI says so, and each line read at the
    # caret is the next piece of the chapter, in order, to its end.
    lines, offsets = [text.line_at(0)], [0]
    for _press in range(200):
        companion.bus.forget_events()
        companion.run("keys(Qt.Key.Key_Down)")
        offset = text.caret()
        if offset == offsets[-1]:
            break  # the last line
        caret_moved_to(companion, offset)
        assert offset > offsets[-1]
        offsets.append(offset)
        lines.append(text.line_at(offset))
    assert len(lines) >= 10, lines
    assert lines[0].startswith("Pourquoi la sécurité d'abord")
    read = " ".join(lines)
    assert read.replace("\n", " ").split() == whole.replace("\n", " ").split()
    # Ctrl+Home, Ctrl+End: the start, the end.
    companion.run("keys((Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier))")
    assert text.caret() == 0
    companion.run("keys((Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier))")
    caret_moved_to(companion, len(whole))
    assert text.caret() == len(whole)
    assert text.line_at(len(whole)).strip().endswith("il est censé demander.")


def test_an_ordered_list_keeps_its_numbers_in_the_text(companion):
    companion.run(OPEN_TEXT + "\nsteps.open_chapter(window, steps.IMAGE_CHAPTER)")
    whole = chapter_text(companion).text()
    assert "1. le casque" in whole
    assert "2. les chaussures de sécurité" in whole
    assert "3. le gilet haute visibilité" in whole


def test_next_takes_the_focus_to_the_new_chapter(companion):
    companion.run(OPEN_TEXT + "\nreader.next_button.setFocus()")
    companion.bus.forget_events()
    companion.run(
        "keys(Qt.Key.Key_Space)\n"
        "wait_until(lambda: reader.title.text() == steps.IMAGE_CHAPTER)\n"
        "wait_until(lambda: steps.focused() is reader.browser)"
    )
    text = chapter_text(companion)
    assert text.description == "Les équipements de protection individuelle"
    assert text.caret() == 0
    companion.bus.wait_for_event("StateChanged", lambda body: body[:2] == ("focused", 1))
    assert text.call(TEXT, "GetText", "ii", 0, 14)[0] == "Les EPI obligatoires"[:14]


def test_an_image_is_read_by_its_authors_description(companion):
    """The course's alt text reaches the reader (it was dropped, the caption used instead):
    in the text, the words follow the image; the image is an object named with them (it
    was one unnamed character of the text, U+FFFC)."""
    companion.run(OPEN_TEXT + "\nsteps.open_chapter(window, steps.IMAGE_CHAPTER)")
    text = chapter_text(companion)
    whole = text.text()
    alt = "Pictogrammes des équipements obligatoires : casque, chaussures, gilet"
    assert f"Image : {alt}" in whole
    caption = "Port obligatoire : casque, chaussures de sécurité, gilet haute visibilité"
    assert whole.index(caption) > whole.index(f"Image : {alt}")  # the caption after it
    image = text.one("graphic", alt)  # Qt's name for AT-SPI's image role
    assert image.call(ACCESSIBLE, "GetRole") == (ROLES["image"],)
    assert within(image.extents(), text.extents())


def within(inner: tuple[int, ...], outer: tuple[int, ...]) -> bool:
    x, y, width, height = inner
    left, top, outer_width, outer_height = outer
    inside = left <= x and x + width <= left + outer_width
    return inside and top <= y and y + height <= top + outer_height and width > 0 < height


def test_a_chapters_headings_are_headings_of_their_level(companion):
    """The course's headings were bold text only: each is a heading object of the level
    the course gave it, in reading order, over its words in the text."""
    companion.run(
        OPEN_TEXT + "\nreader = steps.open_chapter(window, steps.LINK_CHAPTER)\n"
        "wait_until(lambda: steps.focused() is reader.browser)"
    )
    tree = companion.tree()
    title = tree.one("heading", steps_link_chapter())
    assert title.attributes() == {"level": "1"}  # the view's title
    text = tree.one("label", "Texte du chapitre")
    headings = text.find("heading")
    assert [h.name for h in headings] == ["Protéger", "Alerter", "Secourir"], text.dump()
    assert all(h.attributes() == {"level": "2"} for h in headings)
    lines = text.text().split("\n")
    where = [lines.index(h.name) for h in headings]  # each a line of the text, in order
    assert where == sorted(where)
    tops = [h.extents()[1] for h in headings]
    assert tops == sorted(tops) and all(within(h.extents(), text.extents()) for h in headings)


def steps_link_chapter() -> str:
    from tests.a11y.steps import LINK_CHAPTER

    return LINK_CHAPTER


def test_tab_in_a_chapter_focuses_its_link_object(companion):
    """Qt exposes a link in a text as blue underlined characters: it is also a link object
    now, named with its words; Tab selects it in the text and gives it the focus (a screen
    reader says "link"), Enter or its action opens it, and moving on in the text gives the
    focus back to the text."""
    companion.run(
        OPEN_TEXT + "\nreader = steps.open_chapter(window, steps.LINK_CHAPTER)\n"
        "wait_until(lambda: steps.focused() is reader.browser)"
    )
    text = chapter_text(companion)
    whole = text.text()
    words = "Fiche mémo du cours (PDF)"
    start = whole.index(words)
    assert text.attributes_at(start + 1)["underline"] == "single"
    (link,) = text.find("link", words, showing=False)  # below the fold, perhaps
    companion.bus.forget_events()
    companion.run("keys(Qt.Key.Key_Tab)")
    companion.bus.wait_for_event("StateChanged", focused, path=link.path)
    shown = chapter_text(companion).one("link", words)  # scrolled to: showing
    assert {STATE_FOCUSABLE, STATE_FOCUSED} <= shown.states
    assert within(shown.extents(), text.extents())
    selection = text.call(TEXT, "GetSelection", "i", 0)
    assert selection == (start, start + len(words))
    # Enter opens it (in the system's viewer: here, a recorder); so does its action.
    opened = companion.run(
        "opened = []\n"
        "window.library_view.open_externally = lambda path: opened.append(path) or True\n"
        "keys(Qt.Key.Key_Return); wait_until(lambda: opened)\n"
        "result = opened[0].suffix"
    )
    assert opened == "'.pdf'"
    assert link.call(ACTION, "GetName", "i", 0) == ("Press",)
    assert link.call(ACTION, "DoAction", "i", 0) == (True,)
    assert companion.run("wait_until(lambda: len(opened) == 2); result = opened[1].suffix")
    # The caret moves on: the text has the focus again, its caret followed.
    companion.bus.forget_events()
    companion.run("reader.browser.setFocus(); keys(Qt.Key.Key_Up)")
    companion.bus.wait_for_event("StateChanged", focused, path=text.path)
    (link,) = chapter_text(companion).find("link", words, showing=False)
    assert STATE_FOCUSED not in link.states


def focused(body: tuple[Any, ...]) -> bool:
    return bool(body[:2] == ("focused", 1))
