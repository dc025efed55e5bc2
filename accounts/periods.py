"""The calendar windows every roll-up and tiering run agrees on."""

from datetime import date


def add_months(day: date, months: int) -> date:
    """The first of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def trailing_window(as_of: date, months: int = 12) -> tuple[date, date]:
    """The `months` whole calendar months before `as_of`'s month, as [start, end)."""
    end = add_months(as_of, 0)
    return add_months(end, -months), end


def month_starts(start: date, end: date) -> list[date]:
    """The first day of each month in [start, end)."""
    months, current = [], start
    while current < end:
        months.append(current)
        current = add_months(current, 1)
    return months
