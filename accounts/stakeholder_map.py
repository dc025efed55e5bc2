"""Lays out an account's stakeholder map as an org chart, for a server-rendered SVG.

Reporting lines make the tree (a forest when several people report to nobody); influence
links are drawn as a second kind of edge over it. Pure Python, no database.
"""

from dataclasses import dataclass

from .models import DECISION_LEVELS, DECISION_ROLES, Attitude, InfluenceLink, Stakeholder

NODE_WIDTH, NODE_HEIGHT = 176, 68
GAP_X, GAP_Y, MARGIN = 24, 56, 16


@dataclass
class Node:
    person: Stakeholder
    x: float
    y: float

    @property
    def css_class(self) -> str:
        return f"attitude-{self.person.attitude}"

    @property
    def centre_x(self) -> float:
        return self.x + NODE_WIDTH / 2


@dataclass
class Edge:
    path: str
    kind: str  # "reports" or "influence"
    title: str = ""


@dataclass
class StakeholderMap:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    has_decision_supporter: bool

    @property
    def is_empty(self) -> bool:
        return not self.nodes


def at_decision_level(person: Stakeholder) -> bool:
    return person.buying_role in DECISION_ROLES or person.level in DECISION_LEVELS


def layout(
    everyone: list[Stakeholder], links: list[InfluenceLink], only: set[int] | None = None
) -> StakeholderMap:
    """The map of `everyone`, or of those of them in `only` (a buying centre's members):
    someone whose boss is not shown heads a tree of their own. Whether the account has a
    supporter at decision level is answered for everyone, shown or not."""
    people = [person for person in everyone if only is None or person.pk in only]
    by_id = {person.pk: person for person in people}
    children: dict[int | None, list[Stakeholder]] = {}
    for person in people:
        boss = person.reports_to_id if person.reports_to_id in by_id else None
        children.setdefault(boss, []).append(person)

    positions: dict[int, tuple[float, float]] = {}
    next_leaf_x = [float(MARGIN)]

    def place(person: Stakeholder, depth: int, trail: frozenset[int]) -> float:
        """Post-order: leaves take the next slot, a boss centres over their reports."""
        reports = [r for r in children.get(person.pk, []) if r.pk not in trail]
        y = MARGIN + depth * (NODE_HEIGHT + GAP_Y)
        if reports:
            xs = [place(r, depth + 1, trail | {person.pk}) for r in reports]
            x = (xs[0] + xs[-1]) / 2
        else:
            x = next_leaf_x[0]
            next_leaf_x[0] += NODE_WIDTH + GAP_X
        positions[person.pk] = (x, y)
        return x

    for root in children.get(None, []):
        place(root, 0, frozenset())
    # People caught in a reporting circle (refused by validation, but imports happen) still show.
    for person in people:
        if person.pk not in positions:
            place(person, 0, frozenset())

    nodes = [Node(person, *positions[person.pk]) for person in people]
    node_by_id = {node.person.pk: node for node in nodes}
    edges = []
    for node in nodes:
        above = node_by_id.get(node.person.reports_to_id) if node.person.reports_to_id else None
        if above:
            top, bottom = above.y + NODE_HEIGHT, node.y
            middle = (top + bottom) / 2
            edges.append(
                Edge(
                    f"M{above.centre_x},{top} V{middle} H{node.centre_x} V{bottom}",
                    "reports",
                )
            )
    for link in links:
        source, target = node_by_id.get(link.source_id), node_by_id.get(link.target_id)
        if source and target:
            sx, sy = source.centre_x, source.y + NODE_HEIGHT / 2
            tx, ty = target.centre_x, target.y + NODE_HEIGHT / 2
            bend = min(abs(tx - sx) / 3 + 30, 120)
            edges.append(
                Edge(
                    f"M{sx},{sy} C{sx},{sy - bend} {tx},{ty - bend} {tx},{ty}",
                    "influence",
                    f"{link.source} → {link.target} ({link.strength}/5)",
                )
            )

    width = max((x for x, _ in positions.values()), default=0) + NODE_WIDTH + MARGIN
    height = max((y for _, y in positions.values()), default=0) + NODE_HEIGHT + MARGIN
    return StakeholderMap(
        nodes=nodes,
        edges=edges,
        width=int(width),
        height=int(height),
        has_decision_supporter=any(
            p.attitude == Attitude.SUPPORTER and at_decision_level(p) for p in everyone
        ),
    )
