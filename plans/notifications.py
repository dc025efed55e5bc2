"""The notifications the plans app sends, worded in the reader's language."""

from django.utils.translation import gettext as _

from kamcrm.notifications import wording


@wording("review_due")
def review_due(data: dict) -> str:
    return _("Quarterly review due by %(due)s: %(plan)s, Q%(quarter)d") % data


@wording("review_overdue")
def review_overdue(data: dict) -> str:
    return _("Quarterly review overdue since %(due)s: %(plan)s, Q%(quarter)d") % data


@wording("plan_missing")
def plan_missing(data: dict) -> str:
    return _("No account plan for FY %(year)s: %(account)s") % data
