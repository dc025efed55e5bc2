"""The notifications the accounts app sends, worded in the reader's language."""

from django.utils.translation import gettext as _

from kamcrm.notifications import wording

from .models import Status

NONE = "\N{EN DASH}"


@wording("tier_change")
def tier_change(data: dict) -> str:
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
