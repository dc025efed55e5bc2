"""The notifications the accounts app sends, worded in the reader's language."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamcrm.notifications import wording

from .models import Status

NONE = "\N{EN DASH}"


def move(data: dict) -> str:
    """One kind of move: "B → C", "Active → At risk", or both."""
    parts = []
    if data.get("old_class") != data.get("new_class"):
        parts.append(f"{data.get('old_class') or NONE} → {data['new_class']}")
    if data.get("old_status") != data.get("new_status"):
        old = data.get("old_status")
        parts.append(f"{Status(old).label if old else NONE} → {Status(data['new_status']).label}")
    return ", ".join(parts)


@wording("tier_digest")
def tier_digest(data: dict) -> str:
    """A run's moves in one owner's accounts: how many, and the commonest kinds."""
    day = date_format(date.fromisoformat(data["as_of"]), "SHORT_DATE_FORMAT")
    moved = ngettext(
        "Tiering of %(day)s: %(count)d account moved",
        "Tiering of %(day)s: %(count)d accounts moved",
        data["count"],
    ) % {"day": day, "count": data["count"]}
    kinds = "; ".join(f"{move(m)}: {m['count']}" for m in data["moves"])
    return f"{moved} ({kinds})" if kinds else moved


@wording("tier_change")
def tier_change(data: dict) -> str:
    """One account's move (runs before digests stored one notification per account)."""
    changes = []
    if data.get("old_class") != data.get("new_class"):
        changes.append(
            _("class %(old)s → %(new)s")
            % {"old": data.get("old_class") or NONE, "new": data["new_class"]}
        )
    if data.get("old_status") != data.get("new_status"):
        old = data.get("old_status")
        changes.append(
            _("status %(old)s → %(new)s")
            % {
                "old": Status(old).label if old else NONE,
                "new": Status(data["new_status"]).label,
            }
        )
    return _("%(account)s: %(changes)s") % {
        "account": data["account"],
        "changes": ", ".join(changes),
    }
