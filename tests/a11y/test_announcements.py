"""Changes heard without moving the focus (issue 27), as the AT-SPI event
``Object:Announcement`` that Orca speaks: going offline and back, a platform error, a
download finished, the quiz result. They changed labels the learner was not on, silently."""

from __future__ import annotations

from typing import Any

ANNOUNCED = "Announcement"


def said(body: tuple[Any, ...]) -> str:
    """The words of an announcement (Qt puts them in the event's variant)."""
    words = [str(value) for value in body if isinstance(value, str)]
    variant = body[3] if len(body) > 3 else None
    if isinstance(variant, tuple) and len(variant) == 2:
        words.append(str(variant[1]))
    return " ".join(words)


def heard(companion, words: str, seconds: float = 20) -> Any:
    return companion.bus.wait_for_event(ANNOUNCED, lambda body: words in said(body), seconds)


def test_going_offline_and_back_is_announced(companion, platform_env):
    companion.run("wait_until(lambda: window.connection.text == 'En ligne')")
    companion.bus.forget_events()
    platform_env.faults.set(status=503, path_prefix="/v1/catalog")
    companion.run("window.refresh_catalog()")
    offline = heard(companion, "Hors ligne")
    assert offline[1] == 1, offline  # polite: after what is being read
    platform_env.faults.clear()
    companion.run("window.refresh_catalog()")
    heard(companion, "De nouveau en ligne")


def test_a_download_finishing_and_a_platform_error_are_announced(companion, platform_env):
    companion.run("import tests.a11y.steps as steps; steps.course_selected(window)")
    companion.bus.forget_events()
    companion.run("steps.downloaded(window)")
    heard(companion, "Téléchargement terminé : Les bases de la sécurité sur un chantier")
    companion.run("steps.course_selected(window, 'debuter-python')")
    platform_env.faults.set(status=503, retry_after=0, path_prefix="/v1/assets/")
    companion.bus.forget_events()
    companion.run("window.library_view.download_course.click()")
    error = heard(companion, "reprenez le téléchargement", seconds=40)
    assert error[1] == 2, error  # assertive: an error interrupts


def test_the_quiz_result_is_announced(companion, platform_env):
    companion.run("import tests.a11y.steps as steps; steps.downloaded(window)")
    companion.bus.forget_events()
    companion.run("steps.answer_quiz(window, right=True)")
    heard(companion, "Score : 100 % — réussi")
