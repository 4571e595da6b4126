"""Reading a chapter offline, and taking a quiz; positions and attempts saved at once."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from companion.domain import Chapter, Quiz
from companion.i18n import _
from companion.services.progress import QuizResult

from companion.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDesktopServices,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
    rich_label,
)
from companion.ui.widgets.media_player import MediaPlayer


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
        self.submit_button = QPushButton()
        self.submit_button.clicked.connect(self._submit)
        self.result = rich_label()  # the explanations are escaped
        self.result.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addWidget(self.form)
        column.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.result)
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
            prompt = rich_label(f"<b>{number}. {escape(question.prompt)}</b>")
            prompt.setWordWrap(True)
            layout.addWidget(prompt)
            group = QButtonGroup(form)
            group.setExclusive(question.kind == "single")
            self._groups.append(group)
            inputs = []
            for choice in question.choices:
                box: QCheckBox | QRadioButton = (
                    QRadioButton(choice.text)
                    if question.kind == "single"
                    else QCheckBox(choice.text)
                )
                group.addButton(box)
                layout.addWidget(box)
                inputs.append((choice.id, box))
            self._inputs[question.id] = inputs
        self._column.replaceWidget(self.form, form)
        self.form.deleteLater()
        self.form = form
        self.submit_button.setText(_("Check my answers"))
        self.result.clear()

    def answers(self) -> dict[str, frozenset[str]]:
        return {
            qid: frozenset(cid for cid, box in boxes if box.isChecked())
            for qid, boxes in self._inputs.items()
        }

    def _submit(self) -> None:
        self.submitted.emit(self.answers())

    def show_result(self, result: QuizResult) -> None:
        lines = [
            _("Score: {score} % — {verdict}").format(
                score=round(result.score * 100),
                verdict=_("passed") if result.passed else _("not passed yet"),
            )
        ]
        for number, item in enumerate(result.questions, start=1):
            mark = "✔" if item.correct else "✘"
            lines.append(f"{mark} {number}. {escape(item.question.explanation)}")
        self.result.setText("<br>".join(lines))


class ReaderView(QWidget):
    back_requested = Signal()
    neighbour_requested = Signal(int)  # -1 previous chapter, +1 next

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.title.setWordWrap(True)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._open_link)
        self.quiz = QuizWidget()
        quiz_scroll = QScrollArea()
        quiz_scroll.setWidgetResizable(True)
        quiz_scroll.setWidget(self.quiz)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser)
        self.pages.addWidget(quiz_scroll)
        self.back_button = QPushButton()
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.back_button.clicked.connect(self.back_requested)
        self.previous_button.clicked.connect(lambda: self.neighbour_requested.emit(-1))
        self.next_button.clicked.connect(lambda: self.neighbour_requested.emit(1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        self.media: MediaPlayer | None = None  # built when a first clip plays
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.pages, 1)
        self._layout.addLayout(buttons)
        self.open_asset: Callable[[str, str], None] = lambda _sha, _title: None
        self.retranslate()

    def retranslate(self) -> None:
        self.back_button.setText(_("Back to the outline"))
        self.previous_button.setText(_("Previous"))
        self.next_button.setText(_("Next"))

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
            return
        self.browser.setHtml(page)
        self.pages.setCurrentIndex(0)
        bar = self.browser.verticalScrollBar()
        bar.setValue(int(position * max(1, bar.maximum())))

    def position(self) -> float:
        bar = self.browser.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == "asset":
            self.open_asset(url.path(), url.fragment(QUrl.ComponentFormattingOption.FullyDecoded))
        elif url.scheme() in ("https", "mailto"):
            QDesktopServices.openUrl(url)
