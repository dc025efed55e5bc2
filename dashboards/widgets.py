"""Each widget's rows, built from the figures (dashboards/figures.py) in the reader's
language: the nine-box grid, ABC x XYZ, per-KAM pipeline and KPIs, and the labelled lists.
A Dashboard holds them for one page."""

from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Band, NineBoxClass, Status
from accounts.models.activities import WinBackOffer, WinBackOutcome
from accounts.models.money import as_decimal
from health.models import HealthWeights
from plans.models import PlanStatus

from . import store
from .figures import LIST_ORDER, groups_as_of, period_of
from .schema import Figures, loose
from .scope import Scope

ZERO = Decimal(0)
BANDS = [Band.LOW, Band.MEDIUM, Band.HIGH]


def _totals(figures: Figures, *keys: str) -> dict[tuple, dict]:
    totals: dict[tuple, dict] = {}
    for row in loose(figures)["groups"]:
        total = totals.setdefault(
            tuple(row[k] for k in keys),
            {"count": 0, "revenue": ZERO, "previous": ZERO, "bought_before": 0, "kept": 0},
        )
        for key in total:
            total[key] += row[key]
    return totals


def nine_box(figures: Figures) -> list[list[dict]]:
    """Rows from high contribution down; columns potential low to high."""
    cells = _totals(figures, "contribution_level", "potential_level")
    grid = []
    for contribution in reversed(BANDS):
        row = []
        for potential in BANDS:
            cell = cells.get((contribution, potential), {})
            row.append(
                {
                    "contribution": contribution,
                    "potential": potential,
                    "class": NineBoxClass.of(contribution, potential),
                    "count": cell.get("count", 0),
                    "revenue": cell.get("revenue", ZERO),
                }
            )
        grid.append(row)
    return grid


def abc_xyz(figures: Figures) -> dict:
    cells = _totals(figures, "abc", "xyz")
    return {
        abc: [
            {"xyz": xyz, "count": cells.get((abc, xyz), {}).get("count", 0),
             "revenue": cells.get((abc, xyz), {}).get("revenue", ZERO)}
            for xyz in "XYZ"
        ]
        for abc in "ABC"
    }  # fmt: skip


def pipeline(scope: Scope, figures: Figures, today: date) -> list[dict]:
    """Per KAM: the plans' contract-value targets, signed so far, open pipeline (weighted
    and not) and coverage of the target, for the fiscal year and its current quarter (a
    quarter's target is a fourth of the year's)."""
    periods: list[tuple[str, str, Decimal]] = [
        ("year", _("FY %(year)d") % {"year": scope.fiscal_year}, Decimal(1))
    ]
    quarter = period_of(scope.settings, scope.fiscal_year, today).quarter
    if quarter:
        periods.append(("quarter", _("Q%(quarter)d") % {"quarter": quarter[0]}, Decimal("0.25")))
    data, rows = loose(figures), []
    for kam in scope.owners:
        target = as_decimal(data["plans"].get(kam.pk, {}).get("contract_target"))
        deals = data["deals"].get(kam.pk, {})
        row: dict[str, Any] = {
            "kam": kam,
            "periods": [],
            "elsewhere": as_decimal(deals.get("elsewhere_year")),
        }
        for key, label, share in periods:
            signed = as_decimal(deals.get(f"signed_{key}"))
            weighted = as_decimal(deals.get(f"weighted_{key}"))
            goal = target * share
            row["periods"].append(
                {
                    "period": label,
                    "target": goal,
                    "signed": signed,
                    "open": as_decimal(deals.get(f"open_{key}")),
                    "weighted": weighted,
                    "coverage": (signed + weighted) / goal if goal else None,
                    "gap": max(goal - signed - weighted, ZERO),
                }
            )
        rows.append(row)
    return rows


def kpis(scope: Scope, figures: Figures) -> list[dict]:
    """Per KAM: payments collected this fiscal year on the accounts with a plan in force
    against those plans' payment targets; revenue this and last window (last night's
    tiering), growth, retention (bought in both windows ÷ bought in the previous one);
    cross-sell deals won this fiscal year; overdue commitments and plan actions."""
    tiers = {owner: row for (owner,), row in _totals(figures, "owner_id").items()}
    data, rows = loose(figures), []
    for kam in scope.owners:
        tier = tiers.get(kam.pk, {})
        revenue, previous = tier.get("revenue", ZERO), tier.get("previous", ZERO)
        plans = data["plans"].get(kam.pk, {})
        target, collected = (as_decimal(plans.get(k)) for k in ("payments_target", "collected"))
        rows.append(
            {
                "kam": kam,
                "payments_target": target,
                "collected": collected,
                "against_target": collected / target if target else None,
                "revenue": revenue,
                "previous": previous,
                "growth": (revenue - previous) / previous if previous else None,
                "retention": tier["kept"] / tier["bought_before"]
                if tier.get("bought_before")
                else None,
                "cross_sell_won": data["deals"].get(kam.pk, {}).get("cross_sell_won", 0),
                "overdue_commitments": data["overdue_commitments"].get(kam.pk, 0),
                "overdue_actions": data["overdue_actions"].get(kam.pk, 0),
            }
        )
    return rows


ACCOUNT_TAB = {
    "movements": "accounts:performance",
    "lowest_health": "accounts:performance",
    "health_falling": "accounts:performance",
    "no_decision_supporter": "accounts:people",
    "below_closeness_target": "accounts:people",
}


def _url_for(name: str):
    """reverse() for one URL name and many ids, at the cost of one call: the lists link a
    hundred rows, and reverse() is the slowest part of drawing one."""
    head, tail = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"


def lists(figures: Figures, today: date) -> dict[str, list[dict]]:
    """The lists with their labels in the reader's language, and their links."""
    rows: dict[str, list[dict]] = loose(figures)["lists"]
    plan_url = _url_for("plans:detail")
    for name in rows:
        # An account's row leads to the tab that shows why it is listed.
        account_url = _url_for(ACCOUNT_TAB.get(name, "accounts:detail"))
        for row in rows[name]:
            row["url"] = (
                plan_url(row["plan_id"]) if "plan_id" in row else account_url(row["account_id"])
            )
    for row in rows["movements"]:
        row["old_status_label"] = Status(row["old_status"]).label
        row["new_status_label"] = Status(row["new_status"]).label
    for row in rows["at_risk"]:
        row["status_label"] = Status(row["status"]).label
        row["offer_label"] = WinBackOffer(row["offer"]).label if row["offer"] else ""
        row["outcome_label"] = WinBackOutcome(row["outcome"]).label if row["outcome"] else ""
    for row in rows["commitments_due"]:
        row["is_overdue"] = row["due"] < today
    if rows["lowest_health"] or rows["health_falling"]:
        weights = HealthWeights.current()
        for row in (*rows["lowest_health"], *rows["health_falling"]):
            row["band"] = weights.band(row["health"])
    return rows


def discipline(figures: Figures) -> dict:
    """Counts over every plan in view; the list names the first plans to act on.
    `plan_expected`: the class A and C accounts in view, those 004 expects a plan for (with
    none, "every key account has its plan" would mean nothing)."""
    plans = loose(figures)["plans"].values()
    expected = (NineBoxClass.A, NineBoxClass.C)
    return {
        "plan_expected": sum(
            group["count"]
            for group in figures["groups"]
            if NineBoxClass.of(group["contribution_level"], group["potential_level"]) in expected
        ),
        "counts": {
            key: sum(row.get(key) or 0 for row in plans)
            for key in ("waiting", "reviews_due", "reviews_overdue")
        },
        "waiting": [
            p for p in figures["lists"]["plans_to_act_on"] if p["status"] == PlanStatus.SUBMITTED
        ],
        "reviews_due": [
            p for p in figures["lists"]["plans_to_act_on"] if p["status"] == PlanStatus.APPROVED
        ],
    }


class Dashboard:
    """One reader's dashboard: whose portfolio (the scope), on which day, from which
    figures. Each widget is built the first time the page asks for it, so a page whose
    widgets come from the fragment cache builds none and reads no stored figures."""

    WIDGETS = ("nine_box", "abc_xyz", "pipeline", "kpis", *LIST_ORDER)

    def __init__(
        self,
        scope: Scope,
        today: date,
        *,
        rows: list | None = None,
        figures=None,
        as_of: date | None = None,
    ):
        """`as_of`: a past tiering run's date, whose tiers the nine-box, ABC x XYZ and
        revenue KPIs then show (pipeline, plans and lists stay today's)."""
        self.scope, self.today, self.rows, self.as_of = scope, today, rows or [], as_of
        if figures is not None:
            self.figures = figures

    @classmethod
    def stored(cls, scope: Scope, today: date, *, as_of: date | None = None) -> "Dashboard":
        """From the KAMs' stored figures, the stale ones recomputed first."""
        rows = store.fresh_rows(
            scope.owners, fiscal_year=scope.fiscal_year, today=today, settings=scope.settings
        )
        return cls(scope, today, rows=rows, as_of=as_of)

    @property
    def stamp(self) -> str:
        """Changes whenever a stored row behind the page is recomputed."""
        return store.stamp(self.rows)

    def __getitem__(self, name: str):
        """A widget's rows by name (exports, tests): the grids and per-KAM tables, and the
        lists."""
        if name in self.lists:
            return self.lists[name]
        return getattr(self, name)

    @cached_property
    def figures(self) -> Figures:
        figures = store.merged(self.rows)
        if self.as_of is not None:
            figures["groups"] = groups_as_of(self.scope.accounts, self.as_of)
        return figures

    @cached_property
    def first_run(self) -> str:
        """What a page with nothing tiered says instead of empty charts: "no_accounts"
        (none in view yet), "not_tiered" (accounts, but no nightly run over them yet), or
        "" when the figures have something to show."""
        if self.figures["groups"]:
            return ""
        return "not_tiered" if self.scope.accounts.exists() else "no_accounts"

    @cached_property
    def nine_box(self) -> list[list[dict]]:
        return nine_box(self.figures)

    @cached_property
    def abc_xyz(self) -> dict:
        return abc_xyz(self.figures)

    @cached_property
    def pipeline(self) -> list[dict]:
        return pipeline(self.scope, self.figures, self.today)

    @cached_property
    def has_targets(self) -> bool:
        """Whether any plan in force this fiscal year set a contract-value target: without
        one, a blank coverage and a gap of 0 would read as "on track"."""
        return any(row["periods"][0]["target"] for row in self.pipeline)

    @cached_property
    def kpis(self) -> list[dict]:
        return kpis(self.scope, self.figures)

    @cached_property
    def lists(self) -> dict[str, list[dict]]:
        return lists(self.figures, self.today)

    @cached_property
    def discipline(self) -> dict:
        return discipline(self.figures)

    @cached_property
    def due(self) -> dict:
        """The reader's to-do: commitments, reviews and (for directors) approvals."""
        return {
            "commitments": self.lists["commitments_due"],
            "reviews": self.discipline["reviews_due"],
            "approvals": self.discipline["waiting"],
        }

    @cached_property
    def pipeline_chart(self) -> dict:
        """The pipeline chart's data, read by static/js/dashboard.js from a json_script."""
        years = [row["periods"][0] for row in self.pipeline]
        return {
            "labels": [str(row["kam"]) for row in self.pipeline],
            "target": [float(year["target"]) for year in years],
            "signed": [float(year["signed"]) for year in years],
            "weighted": [float(year["weighted"]) for year in years],
            "names": {
                "target": _("Plan target"),
                "signed": _("Signed"),
                "weighted": _("Weighted open pipeline"),
            },
        }

    @cached_property
    def kpi_chart(self) -> dict:
        return {
            "labels": [str(row["kam"]) for row in self.kpis],
            "revenue": [float(row["revenue"]) for row in self.kpis],
            "previous": [float(row["previous"]) for row in self.kpis],
            "names": {
                "revenue": _("Revenue, last 12 months"),
                "previous": _("Revenue, the 12 months before"),
            },
        }


def flat_rows(name: str, data) -> list[dict]:
    """A widget's rows as flat dicts, for its CSV export and the API."""
    if name == "nine_box":
        return [cell for row in data for cell in row]
    if name == "abc_xyz":
        return [{"abc": abc, **cell} for abc, cells in data.items() for cell in cells]
    if name == "pipeline":
        return [{"kam": row["kam"].username, **period} for row in data for period in row["periods"]]
    if name == "kpis":
        return [{**row, "kam": row["kam"].username} for row in data]
    return list(data)
