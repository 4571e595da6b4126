"""A Moodle quiz answered in Companion, online, as the Moodle App does it: start (or resume)
an attempt, read its questions from the site's own form HTML, send the answers and finish,
read the grade back (``mod_quiz_*``).

The question HTML is the site's: it is parsed, never shown or run. What Companion reads:
the question text (as plain text), the answer inputs — radio buttons (a single choice or
true/false), check boxes (several choices), a text field (a short answer) — with their
labels, and the form's hidden fields, sent back as they came (the sequence check). A
question of any other kind is "other": the learner is told to open it on the site.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from companion.domain import Choice, SiteAttempt, SiteGrade, SiteQuestion
from companion.sync.moodle_ws import MoodleClient, MoodleError

MAX_PAGES = 50  # a quiz of more pages is left to the site
# A quiz that may be answered offline asks, as the Moodle App answers, that no unsaved work
# is left on a device (its "offline attempts" access rule): Companion keeps none elsewhere.
PREFLIGHT = [{"name": "confirmdatasaved", "value": "1"}]
ASKED_KINDS = {"multichoice", "truefalse", "shortanswer"}


def quiz_of(client: MoodleClient, course_id: int, cmid: int) -> dict[str, Any]:
    answer = client.call("mod_quiz_get_quizzes_by_courses", courseids=[course_id])
    for quiz in answer.get("quizzes", []) if isinstance(answer, dict) else []:
        if isinstance(quiz, dict) and quiz.get("coursemodule") == cmid:
            return quiz
    raise MoodleError("quiz not found", "", "quiznotfound")


def start(client: MoodleClient, quiz: dict[str, Any]) -> SiteAttempt:
    """The attempt in progress, or a new one; all its questions."""
    quiz_id = int(quiz["id"])
    attempts = client.call("mod_quiz_get_user_attempts", quizid=quiz_id, status="unfinished")
    running = [a for a in attempts.get("attempts", []) if a.get("state") == "inprogress"]
    attempt = running[0] if running else _started(client, quiz_id)
    attempt_id, page, questions = int(attempt["id"]), 0, []
    for _ in range(MAX_PAGES):
        data = client.call(
            "mod_quiz_get_attempt_data", attemptid=attempt_id, page=page, preflightdata=PREFLIGHT
        )
        questions += [question(q) for q in data.get("questions", [])]
        page = int(data.get("nextpage", -1))
        if page < 0:
            break
    return SiteAttempt(
        attempt_id,
        str(quiz.get("name", "")),
        tuple(questions),
        offline=bool(quiz.get("allowofflineattempts")),
        out_of=float(quiz.get("grade") or 0),
    )


def _started(client: MoodleClient, quiz_id: int) -> dict[str, Any]:
    answer = client.call("mod_quiz_start_attempt", quizid=quiz_id, preflightdata=PREFLIGHT)
    return dict(answer["attempt"])


def finish(
    client: MoodleClient, attempt: SiteAttempt, answers: dict[int, Any], out_of: float
) -> SiteGrade:
    """Send the answers (slot -> a choice id, a set of them, or a text) and finish; the
    grade as the site gives it, on the quiz's scale (``out_of``)."""
    data = [
        {"name": name, "value": value}
        for q in attempt.questions
        for name, value in (*q.hidden, *_fields(q, answers.get(q.slot)))
    ]
    client.call(
        "mod_quiz_process_attempt",
        attemptid=attempt.id,
        data=data,
        finishattempt=1,
        preflightdata=PREFLIGHT,
    )
    review = client.call("mod_quiz_get_attempt_review", attemptid=attempt.id, page=-1)
    return SiteGrade(_number(review.get("grade")), out_of, None)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _fields(question: SiteQuestion, answer: Any) -> list[tuple[str, str]]:
    if question.kind == "multiple":
        chosen = set(answer or ())
        return [(c.id, "1" if c.id in chosen else "0") for c in question.choices]
    if answer is None or question.kind == "other":
        return []
    return [(question.field, str(answer))]


def question(data: dict[str, Any]) -> SiteQuestion:
    form = _Form()
    form.feed(str(data.get("html", "")))
    form.close()
    slot = int(data.get("slot", 0))
    kind = str(data.get("type", ""))
    hidden = tuple((n, v) for n, v in form.hidden if n.endswith(":sequencecheck"))
    radios = [(n, v, i) for kind_, n, v, i in form.inputs if kind_ == "radio" and v != "-1"]
    boxes = [
        (n, v, i)
        for kind_, n, v, i in form.inputs
        if kind_ == "checkbox" and not n.endswith(":flagged")
    ]
    texts = [n for kind_, n, _v, _i in form.inputs if kind_ == "text"]
    prompt = " ".join(form.prompt.split())
    if kind not in ASKED_KINDS:
        return SiteQuestion(slot, "other", prompt, (), "", hidden)
    if radios:
        choices = tuple(Choice(v, form.label(i)) for _n, v, i in radios)
        return SiteQuestion(slot, "single", prompt, choices, radios[0][0], hidden)
    if boxes:
        choices = tuple(Choice(n, form.label(i)) for n, _v, i in boxes)
        return SiteQuestion(slot, "multiple", prompt, choices, "", hidden)
    if texts:
        return SiteQuestion(slot, "short", prompt, (), texts[0], hidden)
    return SiteQuestion(slot, "other", prompt, (), "", hidden)


class _Form(HTMLParser):
    """The inputs, their labels and the question text of one question's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: list[tuple[str, str, str, str]] = []  # type, name, value, id
        self.hidden: list[tuple[str, str]] = []
        self.labels_by_for: dict[str, str] = {}
        self.text_by_id: dict[str, str] = {}
        self.labelled_by: dict[str, str] = {}
        self.prompt = ""
        self._open: list[tuple[str, str, str, bool]] = []  # tag, id, label-for, in qtext

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            kind, name = a.get("type", "text"), a.get("name", "")
            if kind == "hidden":
                self.hidden.append((name, a.get("value", "")))
            elif name:
                self.inputs.append((kind, name, a.get("value", ""), a.get("id", "")))
                if a.get("aria-labelledby"):
                    self.labelled_by[a.get("id", "")] = a["aria-labelledby"]
            return
        if tag in ("br", "img", "hr", "meta", "link"):
            return
        in_qtext = "qtext" in a.get("class", "").split() or any(o[3] for o in self._open)
        self._open.append(
            (tag, a.get("id", ""), a.get("for", "") if tag == "label" else "", in_qtext)
        )

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _tag, element_id, label_for, _in_qtext in self._open:
            if element_id:
                self.text_by_id[element_id] = self.text_by_id.get(element_id, "") + data
            if label_for:
                self.labels_by_for[label_for] = self.labels_by_for.get(label_for, "") + data
        if self._open and self._open[-1][3]:
            self.prompt += data

    def label(self, input_id: str) -> str:
        text = self.labels_by_for.get(input_id) or self.text_by_id.get(
            self.labelled_by.get(input_id, ""), ""
        )
        return " ".join(text.split())
