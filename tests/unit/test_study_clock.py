"""Study time: active time only, never negative, whatever the wall clock does."""

from companion.services.study_clock import IDLE_SECONDS, StudyClock


class FakeTime:
    """A clock the test moves by hand (time itself cannot be waited for in a unit test)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_time_between_signs_of_life_counts_and_a_long_silence_is_capped():
    mono, wall = FakeTime(), FakeTime()
    clock = StudyClock(mono, wall)
    clock.start()
    mono.now += 60
    clock.touch()
    mono.now += 3 * 3600  # walked away for three hours, the chapter still open
    span = clock.stop()
    assert span is not None and span.seconds == 60 + IDLE_SECONDS
    assert span.started_at == 1000.0
    assert clock.stop() is None  # stopping twice records nothing more


def test_a_wall_clock_jump_does_not_change_study_time():
    mono, wall = FakeTime(), FakeTime()
    clock = StudyClock(mono, wall)
    clock.start()
    wall.now -= 7200  # the system clock is set back two hours mid-session
    mono.now += 90
    span = clock.stop()
    assert span is not None and span.seconds == 90


def test_touching_a_stopped_clock_does_nothing():
    mono = FakeTime()
    clock = StudyClock(mono, FakeTime())
    clock.touch()
    mono.now += 50
    assert clock.stop() is None
