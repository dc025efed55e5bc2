from datetime import date

from django import template

from health.explain import history, parts
from health.models import HealthBand, HealthWeights

register = template.Library()


@register.inclusion_tag("health/panel.html")
def health_panel(account, today: date, as_of: date | None = None) -> dict:
    """The account page's health card: the score of the latest run (on or before `as_of`,
    within the last months: an older one would mislead), its band, why (the parts costing
    most first) and the last months' scores."""
    day = as_of or today
    months = history(account, today=day)
    score = months[-1] if months else None
    weights = HealthWeights.current()
    band = weights.band(score.score) if score else None
    return {
        "health": score,
        "band": band,
        "band_label": HealthBand(band).label if band else "",
        "parts": parts(score, weights) if score else [],
        "history": months,
    }


_BAND_COLOURS: dict[str, str] = {
    HealthBand.GREEN: "text-bg-success",
    HealthBand.AMBER: "text-bg-warning",
}


@register.filter
def band_badge(band: str | None) -> str:
    """The badge colour of a health band's code ("green", "amber", else at risk)."""
    return _BAND_COLOURS.get(band or "", "text-bg-danger")
