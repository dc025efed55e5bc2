"""The audit trail: who changed what on accounts, stakeholders, opportunities and plans.

On PostgreSQL, django-pghistory keeps it: a trigger (django-pgtrigger) on each tracked
table writes an event row, a snapshot of the tracked fields, on every insert, update of
a tracked field and delete, whatever made it: a form's save, a queryset `.update()`, a
bulk import, the admin or a data fix in psql. Each event carries the context it was made
in: the signed-in user and the page (HistoryMiddleware), or the import, job or command
(`context(source=...)`). The event models are declared beside the models they follow
(`accounts/models/history.py`, the end of `plans/models.py`), which also say which
fields they leave out and why.

On SQLite, the embedded default, pgtrigger installs no triggers (its migration operations
run on PostgreSQL only), so the event tables exist and stay empty, and no context is
attached (pghistory's would prefix every write with PostgreSQL's `set_config`). The
History pages then say that the trail is kept on PostgreSQL only. A Python fallback on
`post_save` was left out on purpose: it would miss every `.update()` and bulk write, and
show a partial trail as if it were the whole one.
"""

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pghistory
import pghistory.middleware
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# Snapshots of the rows that existed when tracking began (the migrations write them), so
# the first change made afterwards shows its old values too. Never listed.
BASELINE = "baseline"
PER_PAGE = 25


def is_recorded(using: str = "default") -> bool:
    """Whether this database keeps the trail (PostgreSQL: its triggers write it)."""
    return connections[using].vendor == "postgresql"


def context(**metadata):
    """Tags the changes made inside with `metadata` (who or what made them); on a database
    that keeps no trail, does nothing. Nested, the metadata adds to the outer context's."""
    return pghistory.context(**metadata) if is_recorded() else contextlib.nullcontext()


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's middleware (the user and the path on every change a request makes),
    on PostgreSQL only."""

    def __call__(self, request):
        if not is_recorded():
            return self.get_response(request)
        return super().__call__(request)


def baseline(app_label: str, event_model: str):
    """A migration step writing one BASELINE snapshot of every row of the event model's
    tracked table, on PostgreSQL (elsewhere there is no trail to start)."""

    def forwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        events = apps.get_model(app_label, event_model)
        tracked = events._meta.get_field("pgh_obj").related_model
        columns = [f.column for f in events._meta.concrete_fields if not f.name.startswith("pgh_")]
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"INSERT INTO {quote(events._meta.db_table)}"
            f" (pgh_created_at, pgh_label, pgh_obj_id, {', '.join(map(quote, columns))})"
            f" SELECT NOW(), %s, {quote(tracked._meta.pk.column)},"
            f" {', '.join(map(quote, columns))} FROM {quote(tracked._meta.db_table)}",
            [BASELINE],
        )

    return forwards


@dataclass(frozen=True)
class Source:
    """One kind of tracked row shown on a History page: its event model, which of its
    events belong on the page, and which snapshot field names the row."""

    key: str
    label: str | Promise
    # A pghistory event model: its pgh_* fields and snapshot fields are made per tracked
    # model at import, which the type checker cannot follow.
    events: Any
    where: Q
    title_field: str = "name"


@dataclass
class Change:
    label: str | Promise
    old: str
    new: str


@dataclass
class Entry:
    """One row of a History page: who, when, what (field label: old → new)."""

    at: datetime
    who: str
    kind: str | Promise
    title: str
    action: str
    changes: list[Change] = field(default_factory=list)
    unknown_before: bool = False


def trail(sources: list[Source], *, page: str | None, per_page: int = PER_PAGE) -> Page:
    """The sources' events, newest first, one page of Entry; the queries are bounded by
    the number of sources and related models, not by the events shown."""
    newest: QuerySet | None = None
    for index, source in enumerate(sources):
        ids = (
            source.events.objects.filter(source.where)
            .exclude(pgh_label=BASELINE)
            .annotate(source=Value(index))
            .values_list("source", "pgh_id", "pgh_created_at")
        )
        newest = ids if newest is None else newest.union(ids, all=True)
    if newest is None:
        raise ValueError("a trail needs at least one source")
    page_obj = Paginator(newest.order_by("-pgh_created_at", "-pgh_id"), per_page).get_page(page)
    wanted = defaultdict(list)
    for index, pk, _at in page_obj.object_list:
        wanted[index].append(pk)
    events = {index: _with_previous(sources[index].events, pks) for index, pks in wanted.items()}
    drafts = [_draft(sources[index], events[index], pk) for index, pk, _at in page_obj.object_list]
    names = _names(drafts)
    page_obj.object_list = [_entry(draft, names) for draft in drafts]
    return page_obj


def _with_previous(model: Any, pks: list[int]) -> dict[int, Any]:
    """The events `pks` and, for each, the one before it of the same row (`previous`):
    one query."""
    earlier = (
        model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id"))
        .order_by("-pgh_id")
        .values("pgh_id")[:1]
    )
    previous = model.objects.filter(pgh_id__in=pks).annotate(p=Subquery(earlier)).values("p")
    rows = (
        model.objects.filter(Q(pgh_id__in=pks) | Q(pgh_id__in=previous))
        .annotate(previous=Subquery(earlier))
        .select_related("pgh_context")
    )
    return {row.pgh_id: row for row in rows}


@dataclass
class _Draft:
    """An event with its raw values, before foreign keys are named."""

    source: Source
    event: Any  # an instance of Source.events
    title: tuple[Any, Any]
    changes: list[tuple[Any, Any, Any]]
    unknown_before: bool


def _draft(source: Source, rows: dict, pk: int) -> _Draft:
    event = rows[pk]
    previous = rows.get(event.previous)
    tracked = source.events.pgh_tracked_model
    fields = [
        (f, tracked._meta.get_field(f.name))
        for f in source.events._meta.concrete_fields
        if not f.name.startswith("pgh_") and f.name != tracked._meta.pk.name
    ]
    changes = []
    if event.pgh_label == "update" and previous is not None:
        for event_field, model_field in fields:
            old, new = getattr(previous, event_field.attname), getattr(event, event_field.attname)
            if old != new:
                changes.append((model_field, old, new))
    title_field = tracked._meta.get_field(source.title_field)
    return _Draft(
        source=source,
        event=event,
        title=(title_field, getattr(event, title_field.attname)),
        changes=changes,
        unknown_before=event.pgh_label == "update" and previous is None,
    )


def _metadata(event) -> dict:
    return event.pgh_context.metadata if event.pgh_context_id and event.pgh_context else {}


def _names(drafts: list[_Draft]) -> dict[tuple, str]:
    """What each foreign key value shown names, and each context's user: one query per
    related model."""
    pks: defaultdict[type[models.Model], set] = defaultdict(set)
    for draft in drafts:
        for model_field, *values in [(draft.title[0], draft.title[1]), *draft.changes]:
            if model_field.is_relation:
                pks[model_field.related_model] |= set(values) - {None}
        if isinstance(user := _metadata(draft.event).get("user"), int):
            pks[get_user_model()].add(user)
    return {
        (model, obj.pk): str(obj)
        for model, values in pks.items()
        for obj in model._default_manager.filter(pk__in=values)
    }


def _entry(draft: _Draft, names: dict) -> Entry:
    label = draft.event.pgh_label
    return Entry(
        at=draft.event.pgh_created_at,
        who=_who(_metadata(draft.event), names),
        kind=draft.source.label,
        title=_shown(*draft.title, names),
        action={"insert": _("created"), "delete": _("deleted")}.get(label, _("changed")),
        changes=[
            Change(
                label=capfirst(model_field.verbose_name),
                old=_shown(model_field, old, names),
                new=_shown(model_field, new, names),
            )
            for model_field, old, new in draft.changes
        ],
        unknown_before=draft.unknown_before,
    )


def _shown(model_field: models.Field, value, names: dict) -> str:
    """A stored value as the pages show it: choice labels, names, local formats."""
    if value is None or value == "" or value == []:
        return "—"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(formats.localize(value))


def _who(metadata: dict, names: dict) -> str:
    """Who or what made the change, from its context."""
    user = names.get((get_user_model(), metadata.get("user")))
    source = metadata.get("source")
    if source == "import":
        from accounts.models import ImportKind

        kind = metadata.get("kind")
        what = ImportKind(kind).label if kind in ImportKind.values else kind
        if metadata.get("job"):
            text = _("%(kind)s import #%(job)s") % {"kind": what, "job": metadata["job"]}
            return (
                _("%(import)s, started by %(user)s") % {"import": text, "user": user}
                if user
                else text
            )
        return _("%(kind)s import (command line)") % {"kind": what}
    if source == "tiering":
        return _("the nightly tiering")
    if source == "deactivation":
        text = _("the hand-over of %(leaving)s's work") % {"leaving": metadata.get("leaving", "")}
        return _("%(what)s, by %(user)s") % {"what": text, "user": user} if user else text
    if source == "command":
        return _("the %(command)s command") % {"command": metadata.get("command", "")}
    return user or _("unknown: not made through the app")
