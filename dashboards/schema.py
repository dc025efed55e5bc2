"""The shape of a KAM's stored figures (PortfolioFigures.figures), as figures.py computes
them and widgets.py reads them. Stored as JSON, so owners' ids come back as text keys
(store.merge turns them into ints) and amounts and dates as text: `decoder_keys` names,
from these types, the keys the JSON decoder revives as Decimal and date. A key means the
same type wherever it appears; the check at the bottom keeps it that way."""

import typing
from datetime import date
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, cast


class Group(TypedDict):
    """Accounts of one owner in one nine-box and ABC/XYZ cell, from last night's tiers."""

    owner_id: int
    contribution_level: str
    potential_level: str
    abc: str
    xyz: str
    count: int
    revenue: Decimal
    previous: Decimal
    bought_before: int  # accounts with revenue in the previous window
    kept: int  # ...and in this one
    latest: date  # the latest tiering run among them


class Deals(TypedDict):
    """One deal owner's deals closing in the fiscal year (and its current quarter, when
    today is in it), in the base currency."""

    signed_year: Decimal
    open_year: Decimal
    weighted_year: Decimal
    signed_quarter: NotRequired[Decimal]
    open_quarter: NotRequired[Decimal]
    weighted_quarter: NotRequired[Decimal]
    elsewhere_year: NotRequired[Decimal]  # signed and open, on other teams' accounts
    cross_sell_won: int


class Plans(TypedDict):
    """One account owner's plans for the fiscal year."""

    contract_target: Decimal
    payments_target: Decimal
    collected: Decimal
    waiting: int
    reviews_due: int
    reviews_overdue: int


class Movement(TypedDict):
    account_id: int
    name: str
    owner_name: str
    old_class: str
    old_status: str
    new_class: str
    new_status: str


class AtRisk(TypedDict):
    account_id: int
    name: str
    owner_name: str
    status: str
    nine_box_class: str
    last_purchase: date | None
    offer: str | None
    outcome: str | None
    previous: Decimal
    revenue: Decimal


class KeyAccount(TypedDict):
    account_id: int
    name: str
    owner_name: str
    nine_box_class: NotRequired[str]


class PlanToActOn(TypedDict):
    plan_id: int
    name: str
    status: str
    reviews_done: int


class BelowTarget(TypedDict):
    account_id: int
    name: str
    owner_name: str
    closeness: float
    target: float


class Health(TypedDict):
    """An account's latest health score, and (falling ones) how far it fell in a month."""

    account_id: int
    name: str
    owner_name: str
    health: int
    fall: NotRequired[int]


class CommitmentDue(TypedDict):
    account_id: int
    name: str
    what: str
    due: date


class Lists(TypedDict):
    movements: list[Movement]
    at_risk: list[AtRisk]
    without_plan: list[KeyAccount]
    plans_to_act_on: list[PlanToActOn]
    no_decision_supporter: list[KeyAccount]
    below_closeness_target: list[BelowTarget]
    not_contacted: list[KeyAccount]
    commitments_due: list[CommitmentDue]
    lowest_health: list[Health]
    health_falling: list[Health]


class Figures(TypedDict):
    """One KAM's figures for one fiscal year (or several KAMs' merged)."""

    groups: list[Group]
    deals: dict[int, Deals]  # by deal owner
    plans: dict[int, Plans]  # by account owner
    overdue_commitments: dict[int, int]  # by commitment owner
    overdue_actions: dict[int, int]  # by action owner
    lists: Lists


def loose(figures: Figures) -> dict[str, Any]:
    """The figures for code that reads keys it computes (`signed_{period}`, a list by its
    name): a TypedDict names its keys only as literals."""
    return cast(dict[str, Any], figures)


def _leaves(kind) -> typing.Iterator[tuple[str, object]]:
    """(key, type) for every scalar key of a TypedDict and those nested in it."""
    for key, hint in typing.get_type_hints(kind).items():
        inner = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
        if typing.get_origin(hint) in (list, dict):
            inner = [typing.get_args(hint)[-1]]
        for candidate in inner:
            if typing.is_typeddict(candidate):
                yield from _leaves(candidate)
            else:
                yield key, candidate


def decoder_keys() -> tuple[frozenset[str], frozenset[str]]:
    """The keys stored as text that are amounts, and those that are dates."""
    types: dict[str, set] = {}
    for key, kind in _leaves(Figures):
        types.setdefault(key, set()).add(kind)
    clashes = {key: kinds for key, kinds in types.items() if len(kinds) > 1}
    if clashes:
        raise TypeError(f"a key of the stored figures has two types: {clashes}")
    return (
        frozenset(k for k, kinds in types.items() if Decimal in kinds),
        frozenset(k for k, kinds in types.items() if date in kinds),
    )
