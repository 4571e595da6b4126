"""The attestation's arithmetic: weeks from Monday, sessions summed, chapters counted once."""

from datetime import date

from companion.services.attestation import build, hours, to_html
from companion.services.progress import Fact

COURSE = "https://p.example/courses/c"


def fact(verb, when, seconds=None, obj="ch1", course=COURSE, name="Sécurité"):
    return Fact(verb, obj, when, seconds, course, name)


def test_weeks_sessions_and_first_completions():
    facts = [
        fact("experienced", "2026-11-16T09:00:00.000+00:00", 1800),  # Monday, week 1
        fact("experienced", "2026-11-22T20:00:00.000+00:00", 600),  # Sunday, week 1
        fact("completed", "2026-11-18T10:00:00.000+00:00"),
        fact("completed", "2026-11-25T10:00:00.000+00:00"),  # ch1 again, another device
        fact("experienced", "2026-11-24T10:00:00.000+00:00", 3725),  # week 2
        fact("completed", "2026-11-24T10:00:00.000+00:00", obj="ch2"),
        fact("completed", "2026-11-24T10:00:00.000+00:00", obj=COURSE, course=None),  # course
        fact("experienced", "pas une date", 999),  # unreadable: left out, not guessed
    ]
    report = build(facts, "Camille Martin", date(2026, 11, 29))
    [course] = report.courses
    assert course.title == "Sécurité"
    assert [(w.monday, w.seconds, w.chapters) for w in course.weeks] == [
        (date(2026, 11, 16), 2400, 1),
        (date(2026, 11, 23), 3725, 1),
    ]
    assert report.seconds == 6125 and course.chapters == 2
    page = to_html(report)
    assert "Camille Martin" in page and hours(3725) in page


def test_html_is_escaped():
    report = build(
        [fact("experienced", "2026-11-16T09:00:00+00:00", 60, name="<b>x</b>")],
        "<script>",
        date(2026, 11, 29),
    )
    page = to_html(report)
    assert "<script>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_a_course_studied_on_a_centres_site_says_which_site():
    moodle = "https://moodle.centre.example"
    facts = [
        fact("experienced", "2026-11-16T09:00:00+00:00", 600),
        fact(
            "experienced",
            "2026-11-17T09:00:00+00:00",
            1200,
            course=f"{moodle}/course/view.php?id=2",
            name="Atelier",
        ),
    ]
    report = build(facts, "Camille", date(2026, 11, 29), {moodle: "Centre <Lyon>"})
    assert [(c.title, c.site) for c in report.courses] == [
        ("Atelier", "Centre <Lyon>"),
        ("Sécurité", ""),
    ]
    assert report.seconds == 1800  # every account's time in one total
    assert "Centre &lt;Lyon&gt;" in to_html(report)
