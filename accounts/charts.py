"""Geometry for the small server-rendered SVG charts."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

BAR_WIDTH, BAR_GAP, PLOT_HEIGHT = 20, 6, 110


@dataclass
class Bar:
    month: date
    total: Decimal
    x: int
    y: float
    height: float
    show_label: bool


def revenue_bars(monthly: list[tuple[date, Decimal]]) -> dict:
    """Bars scaled to the largest month; every third month labelled."""
    peak = max((total for _, total in monthly), default=Decimal(0)) or Decimal(1)
    bars = []
    for index, (month, total) in enumerate(monthly):
        height = float(max(total, Decimal(0)) / peak) * PLOT_HEIGHT
        bars.append(
            Bar(
                month=month,
                total=total,
                x=index * (BAR_WIDTH + BAR_GAP),
                y=PLOT_HEIGHT - height,
                height=height,
                show_label=index % 3 == 0,
            )
        )
    return {
        "bars": bars,
        "width": len(monthly) * (BAR_WIDTH + BAR_GAP),
        "bar_width": BAR_WIDTH,
        "plot_height": PLOT_HEIGHT,
    }
