"""Reading a chapter offline, and taking a quiz; positions and attempts saved at once."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from companion.domain import Chapter, Quiz
from companion.i18n import _
from companion.services.progress import QuestionResult, QuizResult

from companion.ui import qt, theme
from companion.ui.announce import announce
from companion.ui.headings import mark_heading
from companion.ui.qt import (
    QAction,
    QButtonGroup,
    QCheckBox,
    QDesktopServices,
    QEvent,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QObject,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
    rich_label,
)
from companion.ui.widgets.chapter_browser import ChapterBrowser
from companion.ui.widgets.media_player import MediaPlayer
from companion.ui.widgets.read_aloud import ReadAloudButton

# Right and wrong in the quiz result, with a symbol and words beside the colour; both
# read on the light background at WCAG AA (4.5:1 or more).


class ArrowKeys(QObject):
    """Up and Down move between the boxes of one several-answer question, as they do
    between radio buttons (Qt's own moving does not, for check boxes); Space ticks."""

    _STEPS: ClassVar[dict[Qt.Key, int]] = {
        Qt.Key.Key_Up: -1,
        Qt.Key.Key_Left: -1,
        Qt.Key.Key_Down: 1,
        Qt.Key.Key_Right: 1,
    }

    def __init__(self, boxes: list[QCheckBox | QRadioButton], parent: QObject) -> None:
        super().__init__(parent)
        self.boxes = boxes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return False
        step = self._STEPS.get(Qt.Key(event.key()))
        if step is None or watched not in self.boxes:
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Alt+arrows and the like are someone else's
        index = self.boxes.index(watched) + step
        if 0 <= index < len(self.boxes):
            forward = Qt.FocusReason.TabFocusReason
            self.boxes[index].setFocus(forward if step > 0 else Qt.FocusReason.BacktabFocusReason)
        return True


def best_line(best: float) -> str:
    return _("Your best score: {score} %").format(score=round(best * 100))


class QuizWidget(QWidget):
    submitted = Signal(object)  # {question id: frozenset of choice ids}

    def __init__(self) -> None:
        super().__init__()
        self.quiz: Quiz | None = None
        self._inputs: dict[str, list[tuple[str, QCheckBox | QRadioButton]]] = {}
        self._groups: list[QButtonGroup] = []
        # The questions live in a form replaced with each quiz; the button and the result
        # stay in place. Taking them out of the layout and adding them back (as this once
        # did) left Qt's cached size of the result label at its empty height: every quiz
        # after the first showed its score in a zero-high label, that is, not at all.
        self.form = QWidget()
        self.submit_button = QPushButton(_("Check my answers"))
        self.submit_button.clicked.connect(self._submit)
        self._graded = False  # the button says "Try again" until the answers are cleared
        self._best_line = ""  # the best score so far, kept on screen for another try
        self._last: tuple[QuizResult, float | None] | None = None  # shown again on a switch
        self.result = rich_label()  # the explanations are escaped
        self.result.setWordWrap(True)
        self.result.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # taken when the grade comes
        column = QVBoxLayout(self)
        # The grade above the questions, where the learner is taken when it comes: below
        # them it was under the fold, in small text (issue 25).
        column.addWidget(self.result)
        column.addSpacing(6)
        column.addWidget(self.form)
        column.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self._column = column

    def show_quiz(self, quiz: Quiz) -> None:
        self.quiz = quiz
        self._inputs.clear()
        self._groups.clear()
        form = QWidget()
        layout = QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 0, 0)
        for number, question in enumerate(quiz.questions, start=1):
            if number > 1:
                layout.addSpacing(14)  # questions apart, not one cramped form (issue 25)
            prompt = QLabel()
            mark_heading(prompt)  # a screen reader goes from question to question
            prompt.setTextFormat(Qt.TextFormat.RichText)  # the prompt is escaped
            prompt.setText(f"<b>{number}. {escape(question.prompt)}</b>")
            prompt.setWordWrap(True)
            layout.addWidget(prompt)
            # One answer: the radio buttons are a group, one Tab stop moved in with the
            # arrows. Several: no group, each box its own Tab stop (in a group only the
            # first one was, issue 27); the arrows move among them too.
            group = QButtonGroup(form) if question.kind == "single" else None
            if group is not None:
                self._groups.append(group)
            inputs = []
            # Tab landed on "int, radio button" without the question (issue 27): each answer
            # says which question it answers, and how to move among several.
            said = _("Question {n}: {prompt}").format(n=number, prompt=question.prompt)
            if question.kind != "single":
                said += " " + _("Several answers: the arrow keys move between them.")
            for choice in question.choices:
                box: QCheckBox | QRadioButton = (
                    QRadioButton(choice.text)
                    if question.kind == "single"
                    else QCheckBox(choice.text)
                )
                box.setAccessibleDescription(said)
                if group is not None:
                    group.addButton(box)
                layout.addWidget(box)
                inputs.append((choice.id, box))
            if question.kind != "single":  # radio buttons move with the arrows already
                arrows = ArrowKeys([box for _cid, box in inputs], form)
                for _cid, box in inputs:
                    box.installEventFilter(arrows)
            self._inputs[question.id] = inputs
        self._column.replaceWidget(self.form, form)
        self.form.deleteLater()
        self.form = form
        # A new form's answers join the window's focus chain at its end, after the tabs
        # and the sync button: put back between the grade and "Check my answers" (issue 27).
        previous: QWidget = self.result
        for boxes in self._inputs.values():
            for _cid, box in boxes:
                QWidget.setTabOrder(previous, box)
                previous = box
        self.submit_button.setText(_("Check my answers"))
        self.result.clear()
        self._graded, self._best_line, self._last = False, "", None

    def focus_first_choice(self) -> None:
        first = next((boxes[0][1] for boxes in self._inputs.values() if boxes), None)
        (first or self.submit_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def answers(self) -> dict[str, frozenset[str]]:
        return {
            qid: frozenset(cid for cid, box in boxes if box.isChecked())
            for qid, boxes in self._inputs.items()
        }

    def _submit(self) -> None:
        if self._graded:
            self.try_again()
        else:
            self.submitted.emit(self.answers())

    def try_again(self) -> None:
        """The answers cleared for another try; the best score stays in view (issue 25)."""
        for boxes in self._inputs.values():
            for _cid, box in boxes:
                box.setText(str(box.property("choiceText") or box.text()))
                box.setStyleSheet("")
                if box.group() is None:  # a several-answer question's box (in no group)
                    box.setChecked(False)
        for group in self._groups:
            exclusive = group.exclusive()
            group.setExclusive(False)  # an exclusive group keeps one button checked
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(exclusive)
        self.result.setText(escape(self._best_line))
        self.result.setAccessibleDescription(self._best_line)
        self._graded = False
        self.submit_button.setText(_("Check my answers"))
        self.focus_first_choice()

    def retranslate(self) -> None:
        """Another language or theme: the button and a result shown follow it (the marks'
        colours stayed those of the old theme: 2.4:1 on dark, issue 27)."""
        self.result.setAccessibleName(_("Quiz result"))
        if self._graded and self._last is not None:
            self.show_result(*self._last, take_focus=False)
        else:
            self.submit_button.setText(_("Check my answers"))
            if self._last is not None and self._last[1] is not None:  # after "Try again"
                self._best_line = best_line(self._last[1])
                self.result.setText(escape(self._best_line))

    def show_result(
        self, result: QuizResult, best: float | None = None, *, take_focus: bool = True
    ) -> None:
        self._last = (result, best)
        lines = [
            _("Score: {score} % — {verdict}").format(
                score=round(result.score * 100),
                verdict=_("passed") if result.passed else _("not passed yet"),
            )
        ]
        if best is not None:
            self._best_line = best_line(best)
            lines.append(self._best_line)
        spoken = list(lines)
        for number, item in enumerate(result.questions, start=1):
            mark = "✔" if item.correct else "✘"
            colour = theme.colour("right" if item.correct else "wrong")
            why = item.question.explanation
            if not item.correct:  # what was expected, not only why (issue 25)
                expected = ", ".join(
                    c.text for c in item.question.choices if c.id in item.question.correct
                )
                why = _("Expected: {answers}.").format(answers=expected) + " " + why
            line = f"{mark} {number}. {escape(why)}"
            lines.append(f"<span style='color:{colour}'>{line}</span>")
            spoken.append(
                (_("Question {n}: right.") if item.correct else _("Question {n}: wrong.")).format(
                    n=number
                )
                + " "
                + why
            )
            self._mark_choices(item)
        heading = [f"<b>{escape(line)}</b>" for line in lines[: 2 if best is not None else 1]]
        rest = lines[len(heading) :]
        self.result.setText("<br>".join([*heading, *rest]))
        self._graded = True
        self.submit_button.setText(_("Try again"))
        # A screen reader had only "Quiz result": it now has the words, and the focus goes
        # there, so the grade is read out and Tab goes on from it (issue 27).
        self.result.setAccessibleDescription(" ".join(spoken))
        if take_focus:  # a new grade (not the same one said again in another language)
            self.result.setFocus(Qt.FocusReason.OtherFocusReason)
            announce(self.result, spoken[0])  # the grade heard, wherever focus is followed

    def _mark_choices(self, item: QuestionResult) -> None:
        """Which answers were right, on the answers themselves: a symbol and words, and a
        colour (never colour alone)."""
        for choice_id, box in self._inputs.get(item.question.id, []):
            text = box.property("choiceText")
            if text is None:
                text = box.text()
                box.setProperty("choiceText", text)
            if choice_id in item.question.correct:
                box.setText(f"{text}   ✔ " + _("right answer"))
                box.setStyleSheet(f"color: {theme.colour('right')};")
            elif choice_id in item.chosen:
                box.setText(f"{text}   ✘ " + _("not this one"))
                box.setStyleSheet(f"color: {theme.colour('wrong')};")
            else:
                box.setText(str(text))
                box.setStyleSheet("")


class ReaderView(QWidget):
    back_requested = Signal()
    neighbour_requested = Signal(int)  # -1 previous chapter, +1 next
    site_quiz_requested = Signal(str)  # a site's quiz to answer here: its address

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.title.setWordWrap(True)
        self.browser = ChapterBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._open_link)
        self.quiz = QuizWidget()
        quiz_scroll = QScrollArea()
        quiz_scroll.setWidgetResizable(True)
        quiz_scroll.setWidget(self.quiz)
        self._quiz_scroll = quiz_scroll
        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser)
        self.pages.addWidget(quiz_scroll)
        self.back_button = QPushButton()
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.back_button.clicked.connect(self.back_requested)
        self.previous_button.clicked.connect(lambda: self.neighbour_requested.emit(-1))
        self.next_button.clicked.connect(lambda: self.neighbour_requested.emit(1))
        self.read_aloud = ReadAloudButton(qt.text_to_speech())
        self.back_requested.connect(lambda: self.read_aloud.setChecked(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.read_aloud)
        buttons.addStretch(1)
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        self.media: MediaPlayer | None = None  # built when a first clip plays
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.pages, 1)
        self._layout.addLayout(buttons)
        self._back = QAction(self)  # Esc: out of the reader, as out of a dialog
        self._back.setShortcuts([QKeySequence("Escape"), QKeySequence("Alt+Left")])
        self._back.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._back.triggered.connect(self.back_requested)
        self.addAction(self._back)
        self.open_asset: Callable[[str, str], None] = lambda _sha, _title: None
        self.retranslate()

    def focus_content(self) -> None:
        """The keyboard lands where reading starts: the text (arrows and Page Down scroll
        it), or the quiz's first choice."""
        if self.pages.currentIndex() == 1:
            self.quiz.focus_first_choice()
        else:
            self.browser.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_quiz_result(self, result: QuizResult, best: float | None = None) -> None:
        """The grade, at the top of the quiz, scrolled to."""
        self.quiz.show_result(result, best)
        self._quiz_scroll.verticalScrollBar().setValue(0)

    def retranslate(self) -> None:
        self.browser.setAccessibleName(_("Chapter text"))
        self._quiz_scroll.setAccessibleName(_("Quiz"))
        self.quiz.retranslate()
        self.read_aloud.retranslate()
        self.back_button.setText(_("Back to the outline"))
        self.back_button.setToolTip(_("Back to the outline (Esc)"))
        self.previous_button.setText(_("Previous"))
        self.previous_button.setAccessibleDescription(_("Opens the previous chapter."))
        self.next_button.setText(_("Next"))
        self.next_button.setAccessibleDescription(
            _("Marks this chapter as read and opens the next one.")
        )

    def play_media(self, modules: Any, path: Path, title: str, video: bool) -> MediaPlayer:
        """Play a clip under the text (Qt's multimedia modules are installed)."""
        if self.media is None:
            self.media = MediaPlayer(modules)
            self._layout.insertWidget(2, self.media)
        self.media.play(path, title or (_("Video") if video else _("Audio")), video)
        return self.media

    def stop_media(self) -> None:
        if self.media is not None:
            self.media.stop()

    def show_chapter(self, chapter: Chapter, page: str, position: float) -> None:
        self.stop_media()
        self.title.setText(chapter.title)
        quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
        if quiz is not None:
            self.quiz.show_quiz(quiz)
            self.pages.setCurrentIndex(1)
            self.read_aloud.set_text("")
            self.read_aloud.setEnabled(False)
            return
        self.browser.setHtml(page)
        self.browser.setAccessibleDescription(chapter.title)  # said with "Chapter text"
        self.read_aloud.set_text(self.browser.toPlainText())
        self.read_aloud.setEnabled(True)
        self.pages.setCurrentIndex(0)
        bar = self.browser.verticalScrollBar()
        bar.setValue(int(position * max(1, bar.maximum())))
        if position:
            self.browser.caret_to_view()

    def position(self) -> float:
        bar = self.browser.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == "asset":
            self.open_asset(url.path(), url.fragment(QUrl.ComponentFormattingOption.FullyDecoded))
        elif url.scheme() == "sitequiz":  # made by Companion for a site's quiz
            self.site_quiz_requested.emit(url.path(QUrl.ComponentFormattingOption.FullyDecoded))
        elif url.scheme() in ("https", "mailto"):
            QDesktopServices.openUrl(url)
