"""Why an account scores what it does: each part with its share of the score, what it was
scored from, and the points it costs, worded in the reader's language."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.snapshots import last_of_each_month
from plans.models import PlanStatus

from .models import PARTS, HealthScore, HealthWeights


@dataclass
class Part:
    field: str
    label: str
    score: int | None  # None: does not apply
    share: float  # of the score, 0-1 (0 when it does not apply)
    cost: float  # points of the 100 this part's shortfall takes away
    fact: str


def _money(value) -> str:
    return number_format(value or 0, decimal_pos=0, use_l10n=True, force_grouping=True)


def _fact(field: str, h: HealthScore) -> str:
    """What the part was scored from, in a sentence."""
    if field == "revenue_trend":
        if h.revenue_trend is None:
            return _("No revenue in the last 24 months.")
        return _("Last 12 months %(now)s against %(before)s the 12 before.") % {
            "now": _money(h.revenue_12m),
            "before": _money(h.revenue_previous_12m),
        }
    if field == "coverage":
        return ngettext(
            "%(n)d supporter at decision level.",
            "%(n)d supporters at decision level.",
            h.supporters,
        ) % {"n": h.supporters}
    if field == "closeness":
        if h.decision_closeness is None:
            return _("Nobody known at decision level.")
        return _("Their mean closeness: %(c)s of 5.") % {
            "c": number_format(h.decision_closeness, decimal_pos=1)
        }
    if field == "freshness":
        if h.last_contact is None:
            return _("No contact logged.")
        return _("Last contact %(day)s; the class's contact rhythm is %(days)d days.") % {
            "day": date_format(h.last_contact, "SHORT_DATE_FORMAT"),
            "days": h.contact_rhythm or 0,
        }
    if field == "plan":
        if not h.plan_status:
            if h.plan is None:
                return _("No plan this year, and none expected for this class.")
            return _("No plan this year for a class %(cls)s account.") % {"cls": h.nine_box_class}
        return _("This year's plan: %(status)s; %(done)d of %(due)d reviews due are done.") % {
            "status": PlanStatus(h.plan_status).label,
            "done": h.reviews_done,
            "due": h.reviews_expected,
        }
    if field == "commitments":
        return ngettext(
            "%(n)d promise overdue.", "%(n)d promises overdue.", h.overdue_commitments
        ) % {"n": h.overdue_commitments}
    if h.pipeline is None:
        return _("No revenue and no open pipeline.")
    return _("Weighted open pipeline %(pipeline)s against a quarter's revenue of %(quarter)s.") % {
        "pipeline": _money(h.weighted_pipeline),
        "quarter": _money((h.revenue_12m or 0) / 4),
    }


def parts(h: HealthScore, weights: HealthWeights) -> list[Part]:
    """The parts, those costing the most points first (what to work on)."""
    shares = weights.weights()
    applying = sum(w for field, w in shares.items() if getattr(h, field) is not None)
    result = []
    for field, label in PARTS:
        score = getattr(h, field)
        share = shares[field] / applying if score is not None and applying else 0.0
        result.append(
            Part(
                field=field,
                label=str(label),
                score=score,
                share=share,
                cost=share * (100 - score) if score is not None else 0.0,
                fact=_fact(field, h),
            )
        )
    return sorted(result, key=lambda p: (-p.cost, p.score is None))


def history(account, *, today: date, months: int = 6) -> list[HealthScore]:
    """The score at each month's last run, the last `months` months, oldest first: the
    last one is the latest run's, on or before `today`. Only those runs are read: the
    nightly runs kept (KAMCRM_DAILY_SNAPSHOT_DAYS) were some 90 rows a visit."""
    return list(last_of_each_month(account.health_scores.all(), today=today, months=months))
