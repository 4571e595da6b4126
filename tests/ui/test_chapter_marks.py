"""A chapter's headings, links and images as objects of their own for a screen reader
(issue 27), seen from inside the app: what is marked, where the marks sit, and how they
follow the text. Over the real AT-SPI stack: tests/a11y/test_chapter_reading.py."""

from __future__ import annotations

import pytest

from companion.ui import accessible_roles
from companion.ui.qt import QAccessible, QApplication, Qt
from companion.ui.widgets.chapter_browser import ChapterBrowser
from companion.ui.widgets.chapter_marks import HEADING, IMAGE, LINK, MAX_MARKS

PAGE = (
    "<h2>Protéger</h2><p>Baliser la zone. Voir la "
    "<a href='https://example.org/fiche'>fiche <b>mémo</b></a> et la "
    "<a href='https://example.org/autre'>suivante</a>.</p>"
    "<p><img src='companion-image:0' width='40' height='40' alt='Un casque jaune'>"
    "<img src='companion-image:1' width='40' height='40' alt=''></p>"
    "<h3>Alerter</h3>"
)


@pytest.fixture
def listening():
    """Assistive technology listening (Qt's accessibility active), as with a screen reader."""
    accessible_roles.install()
    QAccessible.setActive(True)
    yield
    QAccessible.setActive(False)


@pytest.fixture
def browser(qtbot, listening):
    shown = ChapterBrowser()
    qtbot.addWidget(shown)
    shown.resize(500, 300)
    shown.show()
    shown.setHtml(PAGE)
    return shown


def test_no_marks_are_made_while_no_assistive_technology_listens(qtbot):
    """They cost a chapter of 130 KB 1.7 times the time to show (bench_chapter): only for
    whom they serve. A screen reader started later gets them when the text takes the
    focus."""
    assert not QAccessible.isActive()
    shown = ChapterBrowser()
    qtbot.addWidget(shown)
    shown.show()
    shown.setHtml(PAGE)
    assert shown.marks.widgets == []
    QAccessible.setActive(True)
    try:
        shown.setFocus()
        qtbot.waitUntil(lambda: len(shown.marks.widgets) == 5)
    finally:
        QAccessible.setActive(False)


def test_headings_links_and_described_images_are_marked_in_reading_order(browser):
    marks = [widget.mark for widget in browser.marks.widgets]
    assert [(m.kind, m.words, m.level) for m in marks] == [
        (HEADING, "Protéger", 2),
        (LINK, "fiche mémo", 0),  # one link, though its words change font
        (LINK, "suivante", 0),
        (IMAGE, "Un casque jaune", 0),  # the one without a description is decoration
        (HEADING, "Alerter", 3),
    ]
    text = browser.toPlainText()
    assert text[marks[1].start : marks[1].end] == "fiche mémo"
    assert marks[1].href == "https://example.org/fiche"


def test_marks_are_headings_links_and_images_to_assistive_technology(browser):
    kinds = {}
    for widget in browser.marks.widgets:
        accessible = QAccessible.queryAccessibleInterface(widget)
        kinds[widget.mark.words] = accessible.role()
        assert accessible.text(QAccessible.Text.Name) == widget.mark.words
    role = QAccessible.Role
    assert kinds == {
        "Protéger": role.Heading,
        "fiche mémo": role.Link,
        "suivante": role.Link,
        "Un casque jaune": role.Graphic,
        "Alerter": role.Heading,
    }
    alerter = QAccessible.queryAccessibleInterface(browser.marks.widgets[-1])
    level = QAccessible.Attribute.Level
    assert alerter.attributesInterface().attributeKeys() == [level]
    assert alerter.attributesInterface().attributeValue(level) == 3


def test_a_mark_sits_over_its_words_and_follows_the_scroll(browser, qtbot):
    link = browser.marks.widgets[1]
    cursor = browser.textCursor()
    cursor.setPosition(link.mark.start + 1)
    assert link.geometry().contains(browser.cursorRect(cursor).center())
    browser.setHtml(PAGE + "<p>…</p>" * 80)  # long enough to scroll
    heading = browser.marks.widgets[-1]
    before = heading.geometry().top()
    browser.verticalScrollBar().setValue(200)
    assert heading.geometry().top() == before - 200
    state = QAccessible.queryAccessibleInterface(browser.marks.widgets[0]).state()
    assert state.offscreen  # scrolled out of sight: a screen reader knows


def test_marks_let_the_mouse_through_and_never_take_the_focus(browser):
    for widget in browser.marks.widgets:
        assert widget.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        assert widget.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_a_new_chapter_replaces_the_marks(browser, qtbot):
    old = list(browser.marks.widgets)
    browser.setHtml("<p>Rien à signaler.</p>")
    assert browser.marks.widgets == []
    assert all(not widget.isVisible() for widget in old)
    qtbot.waitUntil(lambda: not browser.viewport().findChildren(type(old[0])))


def test_tab_gives_a_link_the_focus_and_moving_on_gives_it_back(browser, qtbot):
    browser.setFocus()
    qtbot.waitUntil(browser.hasFocus)
    first, second = browser.marks.widgets[1:3]
    assert browser.focusNextPrevChild(True)
    assert browser.marks.has_focus(first) and not browser.marks.has_focus(second)
    assert QAccessible.queryAccessibleInterface(first).state().focused
    assert browser.focusNextPrevChild(True)
    assert browser.marks.has_focus(second) and not browser.marks.has_focus(first)
    cursor = browser.textCursor()
    cursor.clearSelection()
    browser.setTextCursor(cursor)  # a key that moves the caret off the link
    assert not browser.marks.has_focus(second)


def test_a_links_action_opens_it_as_enter_does(browser, qtbot):
    link = browser.marks.widgets[2]
    actions = QAccessible.queryAccessibleInterface(link).actionInterface()
    with qtbot.waitSignal(browser.anchorClicked) as clicked:
        actions.doAction(actions.pressAction())
    assert clicked.args[0].toString() == "https://example.org/autre"
    actions.doAction(actions.setFocusAction())
    QApplication.processEvents()
    assert browser.textCursor().selectedText() == "suivante"
    assert browser.marks.has_focus(link)


def test_a_chapter_of_thousands_of_links_makes_a_bounded_number_of_marks(browser):
    browser.setHtml(
        "".join(f"<p><a href='https://example.org/{n}'>n{n}</a></p>" for n in range(2000))
    )
    assert len(browser.marks.widgets) == MAX_MARKS


def line_widths(browser) -> list[float]:
    widths = []
    block = browser.document().begin()
    while block.isValid():
        layout = block.layout()
        widths += [layout.lineAt(n).naturalTextWidth() for n in range(layout.lineCount())]
        block = block.next()
    return widths


def test_a_wide_window_keeps_lines_to_a_reading_measure_centred(browser, qtbot):
    """At 1280 px a chapter's lines ran 200 characters (issue 25): about 75 now, the text
    in the middle; a narrow window keeps the whole width."""
    browser.setHtml("<p>" + "Le bâtiment et les travaux publics restent un secteur. " * 40 + "</p>")
    browser.resize(1280, 600)
    measure = browser.fontMetrics().averageCharWidth() * 75
    qtbot.waitUntil(lambda: max(line_widths(browser)) <= measure)
    assert max(line_widths(browser)) > measure * 0.8  # lines fill the measure
    margin = browser.document().rootFrame().frameFormat().leftMargin()
    assert abs(2 * margin + measure - browser.viewport().width()) <= 2  # centred
    link = browser.marks.widgets  # marks follow the text when the margins change
    browser.resize(400, 600)
    qtbot.waitUntil(lambda: browser.document().rootFrame().frameFormat().leftMargin() == 0)
    assert max(line_widths(browser)) > browser.viewport().width() * 0.8
    assert link == browser.marks.widgets


def test_larger_text_widens_the_measure(browser, qtbot):
    browser.resize(1280, 600)
    before = browser.document().rootFrame().frameFormat().leftMargin()
    font = browser.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    browser.setFont(font)
    assert browser.document().rootFrame().frameFormat().leftMargin() < before


def test_marks_follow_the_text_into_its_measure(browser, qtbot):
    browser.resize(1280, 600)
    heading = browser.marks.widgets[0]
    margin = browser.document().rootFrame().frameFormat().leftMargin()
    assert heading.geometry().left() >= margin


def test_a_link_that_shows_no_words_is_named_by_its_image_or_its_address(browser):
    browser.setHtml(
        "<p><a href='https://example.org/plan'>"
        "<img src='companion-image:0' width='40' height='40' alt='Plan du site'></a> "
        "<a href='https://example.org/deco'><img src='companion-image:1' width='4' height='4'></a>"
        "</p>"
    )
    links = [w.mark for w in browser.marks.widgets if w.mark.kind == LINK]
    assert [m.words for m in links] == [
        "Plan du site",
        "https://example.org/deco",  # an undescribed image: its address
    ]
