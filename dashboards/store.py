"""Where the dashboard's figures come from: one stored row per KAM and fiscal year,
recomputed when a write to the KAM's portfolio or a new day made it stale, merged for the
KAMs the page shows. A director's dashboard therefore reads ten rows, not ten thousand
accounts; the first visit after a change pays for recomputing that KAM alone."""

from datetime import date
from typing import Any, cast

from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account
from kamcrm.models import Role, User
from plans.models import PlanSettings

from .figures import LIST_LENGTH, LIST_ORDER, OWNER_KEY, compute
from .models import PortfolioFigures
from .schema import Figures, loose

BY_OWNER = ("deals", "plans", "overdue_commitments", "overdue_actions")


def fresh_rows(kams, *, fiscal_year: int, today: date, settings: PlanSettings) -> list:
    """The KAMs' stored figures, recomputing the stale ones first. The figures themselves
    are left unread (merged() reads them), so a page served from the fragment cache never
    decodes them."""
    return [row for row, _ in _freshened(kams, fiscal_year, today, settings)]


def _freshened(kams, fiscal_year: int, today: date, settings: PlanSettings):
    """(row, whether it was recomputed) for each KAM, missing and stale rows recomputed
    together."""
    stored = {
        row.owner_id: row
        for row in PortfolioFigures.objects.filter(owner__in=kams, fiscal_year=fiscal_year).defer(
            "figures"
        )
    }
    stale = [kam for kam in kams if kam.pk not in stored or not stored[kam.pk].is_fresh(today)]
    renewed = refresh_many(
        stale, fiscal_year=fiscal_year, today=today, settings=settings, rows=stored
    )
    for kam in kams:
        yield (renewed[kam.pk], True) if kam.pk in renewed else (stored[kam.pk], False)


def merged(rows: list) -> Figures:
    """The rows' figures as one; those not at hand are read in one query."""
    unread = [row.pk for row in rows if "figures" in row.get_deferred_fields()]
    read = dict(
        PortfolioFigures.objects.filter(pk__in=unread).values_list("pk", "figures")
        if unread
        else []
    )
    parts = []
    for row in rows:
        figures = read.get(row.pk)
        if figures is None:  # (not read.get(pk, row.figures): that would load each row)
            figures = row.figures
        parts.append(figures)
    return merge(parts)


def stamp(rows: list) -> str:
    """Changes whenever any of the rows is recomputed: a key for what was built from them."""
    return ",".join(f"{row.pk}@{row.computed_at.timestamp()}" for row in rows)


def figures_for(kams: list, *, fiscal_year: int, today: date, settings: PlanSettings) -> Figures:
    """The KAMs' figures merged, recomputing the stale ones first."""
    return merged(fresh_rows(kams, fiscal_year=fiscal_year, today=today, settings=settings))


def refresh(kam, *, fiscal_year: int, today: date, settings=None, row=None) -> PortfolioFigures:
    """Recompute one KAM's figures."""
    rows = {kam.pk: row} if row is not None else {}
    return refresh_many([kam], fiscal_year=fiscal_year, today=today, settings=settings, rows=rows)[
        kam.pk
    ]


def refresh_many(
    kams, *, fiscal_year: int, today: date, settings=None, rows=None
) -> dict[int, PortfolioFigures]:
    """Recompute these KAMs' figures in one pass (each query covers them all; lists keep
    each KAM's first rows) and store each KAM's row. Versions are read before computing,
    so a write that lands meanwhile leaves its row stale rather than hidden. `rows`: the
    KAMs' stored rows at hand, by owner id."""
    if not kams:
        return {}
    rows = dict(rows or {})
    for kam in kams:
        if rows.get(kam.pk) is None or rows[kam.pk].pk is None:
            rows[kam.pk], _ = PortfolioFigures.objects.get_or_create(
                owner=kam, fiscal_year=fiscal_year
            )
    versions = {kam.pk: rows[kam.pk].version for kam in kams}
    owners = [kam.pk for kam in kams]
    figures = compute(
        Account.objects.filter(owner__in=owners),
        owners=owners,
        fiscal_year=fiscal_year,
        today=today,
        settings=settings or PlanSettings.current(),
    )
    now = timezone.now()
    renewed = {}
    for kam in kams:
        row = rows[kam.pk]
        row.figures = figures if len(kams) == 1 else split(figures, kam.pk)
        row.computed_version, row.computed_on, row.computed_at = versions[kam.pk], today, now
        PortfolioFigures.objects.filter(pk=row.pk).update(
            figures=row.figures,
            computed_version=row.computed_version,
            computed_on=today,
            computed_at=now,
        )
        renewed[kam.pk] = row
    return renewed


def split(figures: Figures, owner: int) -> Figures:
    """One KAM's part of several KAMs' figures (compute with several owners)."""
    part = loose(figures)
    return cast(
        Figures,
        {
            "groups": [g for g in part["groups"] if g["owner_id"] == owner],
            **{key: {k: v for k, v in part[key].items() if k == owner} for key in BY_OWNER},
            "lists": {
                name: [
                    {k: v for k, v in row.items() if k != OWNER_KEY}
                    for row in rows
                    if row[OWNER_KEY] == owner
                ]
                for name, rows in part["lists"].items()
            },
        },
    )


def mark_stale(owner_ids=None, *, account_ids=(), plan_ids=()) -> int:
    """The portfolios of these owners, of these accounts' owners and of these plans'
    accounts' owners changed; with nothing given, everyone's (after tiering, say).
    Returns how many stored figures that made stale."""
    rows = PortfolioFigures.objects.all()
    if owner_ids is not None or account_ids or plan_ids:
        rows = rows.filter(
            Q(owner_id__in=[pk for pk in owner_ids or () if pk])
            | Q(owner_id__in=Account.objects.filter(pk__in=account_ids).values("owner_id"))
            | Q(owner_id__in=Account.objects.filter(plans__in=plan_ids).values("owner_id"))
        )
    return rows.update(version=F("version") + 1)


def merge(parts: list[Figures]) -> Figures:
    """Several KAMs' figures as one: groups side by side, per-owner sums added up, lists
    put in their order and cut to the page's length."""
    merged: dict[str, Any] = {
        "groups": [],
        **{key: {} for key in BY_OWNER},
        "lists": {name: [] for name in LIST_ORDER},
    }
    for figures in parts:
        part = loose(figures)
        merged["groups"] += part["groups"]
        for key in ("deals", "plans"):
            for owner, sums in part[key].items():
                total = merged[key].setdefault(int(owner), {})
                for name, value in sums.items():
                    total[name] = (total.get(name) or 0) + (value or 0)
        for key in ("overdue_commitments", "overdue_actions"):
            for owner, count in part[key].items():
                merged[key][int(owner)] = merged[key].get(int(owner), 0) + count
        for name, rows in part["lists"].items():
            merged["lists"][name] += rows
    for name, (field, largest_first) in LIST_ORDER.items():
        rows = sorted(merged["lists"][name], key=lambda row: row["name"])
        if field != "name":
            rows.sort(key=lambda row: row[field] or 0, reverse=largest_first)
        merged["lists"][name] = rows[:LIST_LENGTH]
    return cast(Figures, merged)


def refresh_stale(today: date, *, changed_only: bool = False) -> int:
    """Recompute the current fiscal year's figures of every KAM whose are stale or missing;
    `changed_only`: just those a write made stale. Returns how many were recomputed."""
    settings = PlanSettings.current()
    year = settings.fiscal_year_of(today)
    if not changed_only:
        kams = User.objects.filter(role=Role.KAM)
        return sum(refreshed for _, refreshed in _freshened(kams, year, today, settings))
    stale = list(
        PortfolioFigures.objects.filter(fiscal_year=year)
        .exclude(computed_version=F("version"))
        .select_related("owner")
        .defer("figures")
    )
    refresh_many(
        [row.owner for row in stale],
        fiscal_year=year,
        today=today,
        settings=settings,
        rows={row.owner_id: row for row in stale},
    )
    return len(stale)
