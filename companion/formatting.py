"""Numbers, sizes and durations as a French or English reader expects them."""

from __future__ import annotations

from datetime import date, datetime

from companion.i18n import _, current_language


def decimal(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:  # only a fraction's zeros: 500 KB once read "5 KB"
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if current_language() == "fr" else text


def size(num_bytes: int) -> str:
    if num_bytes < 1000:
        return _("{n} B").format(n=num_bytes)
    if num_bytes < 1_000_000:
        return _("{n} KB").format(n=decimal(num_bytes / 1000, 0))
    if num_bytes < 1_000_000_000:
        return _("{n} MB").format(n=decimal(num_bytes / 1_000_000))
    return _("{n} GB").format(n=decimal(num_bytes / 1_000_000_000))


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return _("{m} min").format(m=rest)
    if rest == 0:
        return _("{h} h").format(h=hours)
    return _("{h} h {m:02d}").format(h=hours, m=rest)


# Month abbreviations as CLDR's medium dates have them ("29 nov. 2026", "Nov 29, 2026"): the
# two languages Companion speaks, without a locale library at run time.
_MONTHS = {
    "fr": (
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}  # fmt: skip


def day(when: date) -> str:
    """ "29 nov. 2026" in French, "Nov 29, 2026" in English."""
    if current_language() == "fr":
        return f"{when.day} {_MONTHS['fr'][when.month - 1]} {when.year}"
    return f"{_MONTHS['en'][when.month - 1]} {when.day}, {when.year}"


def clock(when: datetime) -> str:
    """ "14:05" in French, "2:05 PM" in English."""
    if current_language() == "fr":
        return f"{when.hour:02d}:{when.minute:02d}"
    hour = when.hour % 12 or 12
    return f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


def moment(when: datetime) -> str:
    """A day and a time, in this computer's time zone: "29 nov. 2026 à 14:05"."""
    local = when.astimezone()
    return _("{day} at {time}").format(day=day(local.date()), time=clock(local))


def moment_at(timestamp: float) -> str:
    """``moment`` for a time.time() value, in the computer's time zone."""
    return moment(datetime.fromtimestamp(timestamp).astimezone())
