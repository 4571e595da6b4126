"""A site's quiz (a Moodle's) answered in Companion: its questions as plain text, a choice
(radio buttons), several (check boxes) or a short answer (a text field); a question of
another kind says to answer it on the site. The answers go to the site, which grades them;
the grade is shown here. Online only: the site keeps the attempt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion import formatting
from companion.domain import SiteAttempt, SiteGrade, SiteQuestion
from companion.errors import describe
from companion.i18n import _

from companion.ui.bridge import run_in_background
from companion.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)


class SiteQuizDialog(QDialog):  # type: ignore[misc]  # QDialog: set up when first used
    graded = Signal(object)  # the SiteGrade; tests wait on it

    def __init__(
        self,
        parent: QWidget,
        attempt: SiteAttempt,
        answering: Callable[[dict[int, Any]], SiteGrade | None],
    ) -> None:
        """``answering`` sends the answers (on a worker): the site's grade, or None when
        they wait on this computer for the next sync (answered offline)."""
        super().__init__(parent)
        self.attempt = attempt
        self.answering = answering
        self.setWindowTitle(attempt.quiz_name)
        self.inputs: dict[int, Any] = {}  # slot -> its group, boxes or field
        questions = self.questions = QWidget()
        column = QVBoxLayout(questions)
        column.setSpacing(18)
        for question in attempt.questions:
            column.addWidget(self._question(question))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(questions)
        self.result = _plain(QLabel())
        self.result.setObjectName("SectionTitle")
        self.result.hide()
        self.send = QPushButton(_("Send my answers"))
        self.send.setObjectName("PrimaryButton")
        self.send.clicked.connect(self.submit)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(720, 560)

    def _question(self, question: SiteQuestion) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        prompt = _plain(QLabel(question.prompt))
        prompt.setWordWrap(True)
        column.addWidget(prompt)
        if question.kind == "single":
            group = QButtonGroup(box)
            for index, choice in enumerate(question.choices):
                button = QRadioButton(choice.text)
                button.setAccessibleDescription(question.prompt)  # the question, with it
                group.addButton(button, index)
                column.addWidget(button)
            self.inputs[question.slot] = group
        elif question.kind == "multiple":
            boxes = [QCheckBox(choice.text) for choice in question.choices]
            for check in boxes:
                check.setAccessibleDescription(question.prompt)
                column.addWidget(check)
            self.inputs[question.slot] = boxes
        elif question.kind == "short":
            field = QLineEdit()
            field.setAccessibleName(question.prompt)
            column.addWidget(field)
            self.inputs[question.slot] = field
        else:
            column.addWidget(_plain(QLabel(_("Answer this question on the site."))))
        return box

    def answers(self) -> dict[int, Any]:
        """What the learner chose, as the site takes it (slot -> value)."""
        given: dict[int, Any] = {}
        for question in self.attempt.questions:
            widget: Any = self.inputs.get(question.slot)
            if question.kind == "single" and widget.checkedId() >= 0:
                given[question.slot] = question.choices[widget.checkedId()].id
            elif question.kind == "multiple":
                chosen = zip(question.choices, widget, strict=True)
                given[question.slot] = {c.id for c, check in chosen if check.isChecked()}
            elif question.kind == "short" and widget.text().strip():
                given[question.slot] = widget.text().strip()
        return given

    def submit(self) -> None:
        answering, answers = self.answering, self.answers()
        self.send.setEnabled(False)
        run_in_background(self, lambda: answering(answers), self._graded, self._failed)

    def _graded(self, grade: SiteGrade | None) -> None:
        if grade is None:
            text = _("Kept: your answers go to the site at the next sync.")
        elif grade.grade is None:
            text = _("Sent: the site will give your grade.")
        else:
            text = _("Your grade: {grade} out of {total}").format(
                grade=formatting.decimal(grade.grade, 2), total=formatting.decimal(grade.out_of, 2)
            )
        self.result.setText(text)
        self.result.show()
        self.send.hide()
        self.questions.setEnabled(False)  # sent: the answers stand as the site graded them
        self.close_button.setFocus()
        self.graded.emit(grade)

    def _failed(self, error: BaseException) -> None:
        self.send.setEnabled(True)
        message, hint, _reference = describe(error)
        self.result.setText(f"{message} {hint}".strip())
        self.result.show()


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)  # the site's words, never its markup
    return label
