"""Geometry for the small server-rendered SVG charts."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kamcrm.dates import written_date

from .templatetags.money import money

BAR_WIDTH, BAR_GAP, PLOT_HEIGHT = 20, 6, 110


@dataclass
class Bar:
    month: date
    total: Decimal
    x: int
    y: float
    height: float
    show_label: bool
    # What the page prints, worked out here once: 24 bars each asking the template for
    # three dates and two amounts took some 3 ms of the account page.
    amount: str = ""
    title: str = ""
    label: str = ""
    month_name: str = ""


def revenue_bars(monthly: list[tuple[date, Decimal]], currency) -> dict:
    """Bars scaled to the largest month; every third month labelled; amounts in `currency`
    (the base currency)."""
    peak = max((total for _, total in monthly), default=Decimal(0)) or Decimal(1)
    bars = []
    for index, (month, total) in enumerate(monthly):
        height = float(max(total, Decimal(0)) / peak) * PLOT_HEIGHT
        amount = money(total, currency)
        # One formatting of the month for its three labels ("|" is no format character).
        title, label, month_name = written_date(month, "M Y|M y|F Y").split("|")
        bars.append(
            Bar(
                month=month,
                total=total,
                x=index * (BAR_WIDTH + BAR_GAP),
                y=PLOT_HEIGHT - height,
                height=height,
                show_label=index % 3 == 0,
                amount=amount,
                title=f"{title}: {amount}",
                label=label,
                month_name=month_name,
            )
        )
    return {
        "bars": bars,
        "width": len(monthly) * (BAR_WIDTH + BAR_GAP),
        "bar_width": BAR_WIDTH,
        "plot_height": PLOT_HEIGHT,
        "axis_y": PLOT_HEIGHT + 14,
        "view_height": PLOT_HEIGHT + 22,
    }
