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


def moment(when: datetime) -> str:
    local = when.astimezone()
    if current_language() == "fr":
        return local.strftime("%d/%m/%Y %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def moment_at(timestamp: float) -> str:
    """``moment`` for a time.time() value, in the computer's time zone."""
    return moment(datetime.fromtimestamp(timestamp).astimezone())


def day(when: date) -> str:
    return when.strftime("%d/%m/%Y") if current_language() == "fr" else when.isoformat()
