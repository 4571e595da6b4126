"""Counts in words, the same wherever they are shown: a course's progress (home view and
library), new certificates (wallet and the window's notice)."""

from __future__ import annotations

from companion.i18n import _, ngettext


def progress_line(chapters_done: int, chapters: int, quizzes_passed: int, quizzes: int) -> str:
    """ "2 chapitres terminés sur 4 · 1 quiz réussi sur 2". The plural follows the count
    done, as French agrees it ("1 chapitre terminé sur 4"); the quizzes only when any."""
    words = ngettext(
        "{done} of {total} chapters completed",
        "{done} of {total} chapters completed",
        chapters_done,
    ).format(done=chapters_done, total=chapters)
    if not quizzes:
        return words
    passed = ngettext(
        "{done} of {total} quizzes passed", "{done} of {total} quizzes passed", quizzes_passed
    ).format(done=quizzes_passed, total=quizzes)
    return f"{words} · {passed}"


def new_certificates(titles: list[str]) -> str:
    """One is named; several are counted, and the first named."""
    if len(titles) == 1:
        return _("New certificate: {title}").format(title=titles[0])
    return ngettext(
        "{n} new certificate, the first: {title}",
        "{n} new certificates, the first: {title}",
        len(titles),
    ).format(n=len(titles), title=titles[0] if titles else "")
