"""Changing tracked rows in tests as the database trigger sees it (kamcrm/audit.py)."""

from django.db import models

from kamcrm import audit


def changed(obj: models.Model, **values) -> models.Model:
    """`obj` changed by a queryset .update(), which only the trigger can see. On SQLite,
    where no trigger runs, this writes the snapshots the trigger would have written, so
    the pages' reading and rendering are tested on both databases; what the triggers
    themselves record is tested on PostgreSQL (marked needs_postgresql)."""
    events = obj.pgh_event_model
    if not audit.is_recorded() and not events.objects.filter(pgh_obj_id=obj.pk).exists():
        _snapshot(obj, "insert")
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()
    if not audit.is_recorded():
        _snapshot(obj, "update")
    return obj


def rows(response) -> list[tuple[str, str, str, list[str]]]:
    """(who, kind, title, ["label: old → new", ...]) per row a History page shows."""
    return [
        (
            entry.who,
            str(entry.kind),
            entry.title,
            [f"{c.label}: {c.old} → {c.new}" for c in entry.changes],
        )
        for entry in response.context["page_obj"].object_list
    ]


def _snapshot(obj: models.Model, label: str) -> None:
    events = obj.pgh_event_model
    values = {
        f.attname: getattr(obj, f.attname)
        for f in events._meta.concrete_fields
        if not f.name.startswith("pgh_")
    }
    events.objects.create(pgh_obj_id=obj.pk, pgh_label=label, **values)
