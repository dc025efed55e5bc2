"""The notifications the health app sends, worded in the reader's language."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import ngettext

from kamcrm.notifications import wording


@wording("health_drop")
def health_drop(data: dict) -> str:
    """A night's accounts that fell a health band, with the lowest few named."""
    day = date_format(date.fromisoformat(data["as_of"]), "SHORT_DATE_FORMAT")
    fell = ngettext(
        "Health of %(day)s: %(count)d account dropped a band",
        "Health of %(day)s: %(count)d accounts dropped a band",
        data["count"],
    ) % {"day": day, "count": data["count"]}
    names = ", ".join(f"{a['name']} {a['score']}" for a in data["accounts"])
    return f"{fell} ({names})" if names else fell
