"""The account list's rows and the tier badges, drawn in Python as Django's admin draws its
change list's cells. As template tags, with an include for the badges, the 25 rows took
3.4 ms of a 14 ms page, and page 3,000, which pays PostgreSQL's skip of 75,000 index
entries on top, went past five times a trivial page. format_html per cell still took
2.4 ms (its lazy-text checks, some 40 a row). As f-strings, every value through `escaped`
as a template would escape it, and what rows share looked up once a page (_Page), they
take 0.8 ms."""

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from health.templatetags.health import band_badge
from kamcrm.html import escaped

from .money import separators, whole_in

register = template.Library()


def _filled(text: str, **values) -> str:
    """A translation with its values filled in as blocktranslate fills them: the values
    localized and escaped, the translation itself taken as written."""
    return text % {name: escaped(localize(value)) for name, value in values.items()}


@register.simple_tag
def tier_badges(account) -> SafeString:
    """An account's (or a tier snapshot's) class, ABC/XYZ and status badges."""
    if not account.nine_box_class:
        untiered = escaped(_("not tiered yet"))
        return mark_safe(f'<span class="text-body-secondary small">{untiered}</span>')
    grade = escaped(account.nine_box_class)
    return mark_safe(
        f'<span class="badge tier-class tier-{grade}" '
        f'title="{escaped(account.get_nine_box_class_display())}">{grade}</span>\n'
        f'<span class="badge text-bg-light border" title="ABC / XYZ">'
        f"{escaped(account.abc)}{escaped(account.xyz)}</span>\n"
        f'<span class="badge status-{escaped(account.status)}">'
        f"{escaped(account.get_status_display())}</span>"
    )


@register.simple_tag
def account_rows(accounts) -> SafeString:
    """The account list's rows (AccountListView's object_list: each account's health band
    and contact freshness set by the view)."""
    page = _Page()
    return mark_safe("\n".join(_row(account, page) for account in accounts))


_STAND_IN = 918273645546372819


class _Page:
    """What a page's rows share, looked up once a page in the reader's language: the
    words, the number and date formats, the accounts' addresses. A translation or format
    looked up is some 5 microseconds, and a row asked for ten."""

    def __init__(self):
        self.strategic = escaped(_("strategic"))
        self.never = escaped(_("never contacted"))
        self.part_of = _("part of %(parent)s")
        self.date_format = get_format("SHORT_DATE_FORMAT")
        self.separators = separators(get_language())
        # An account's addresses, reversed once with a stand-in id: reverse() per row was
        # 21 microseconds, a third of the row's time.
        self._addresses = {
            name: reverse(f"accounts:{name}", args=[_STAND_IN]).split(str(_STAND_IN))
            for name in ("detail", "performance")
        }
        self._said: dict[tuple, str] = {}

    def no_contact(self, rhythm: int) -> str:
        return self._say(_("No contact for more than %(days)s days"), attribute=True, days=rhythm)

    def days_ago(self, days: int) -> str:
        return self._say(ngettext("%(days)s day ago", "%(days)s days ago", days), days=days)

    def overdue(self, n: int) -> str:
        return self._say(ngettext("%(n)s overdue commitment", "%(n)s overdue commitments", n), n=n)

    def _say(self, text: str, *, attribute: bool = False, **values) -> str:
        """`text` filled with `values` (_filled), once a page for each; for an attribute the
        whole text is escaped, the translation's quotes too."""
        key = (text, attribute, *values.items())
        if key not in self._said:
            self._said[key] = (
                escaped(text % {name: localize(value) for name, value in values.items()})
                if attribute
                else _filled(text, **values)
            )
        return self._said[key]

    def address(self, pk: int, tab: str = "detail") -> str:
        before, after = self._addresses[tab]
        return f"{before}{pk}{after}"

    def health_why(self, score: int) -> str:
        return self._say(_("Health %(score)s: see why"), attribute=True, score=score)

    def amount(self, value) -> str:
        return escaped(whole_in(value, self.separators))


def _row(account, page: _Page) -> str:
    health = ""
    if account.health is not None:
        # The score links to the tab that says why (its parts and history).
        why = page.health_why(account.health)
        health = (
            f'<a class="badge text-decoration-none {band_badge(account.health_band)}" '
            f'href="{page.address(account.pk, "performance")}" title="{why}" '
            f'aria-label="{why}" data-testid="health-{account.pk}">{account.health}</a>'
        )
    amounts = "".join(
        f'<td class="text-end">{page.amount(amount)}</td>'
        for amount in (account.revenue_12m, account.potential_base, account.open_pipeline)
    )
    return (
        f"<tr><td>{_name(account, page)}</td>"
        f'<td class="text-nowrap">{tier_badges(account)}</td>'
        f'<td class="text-end">{health}</td>'
        f'<td class="text-nowrap">{_owner(account.owner)}</td>'
        f"{amounts}<td>{_contact(account, page)}</td></tr>"
    )


def _name(account, page: _Page) -> str:
    parts = [f'<a href="{escaped(page.address(account.pk))}">{escaped(account.name)}</a>']
    if account.parent:
        part_of = _filled(page.part_of, parent=account.parent.name)
        parts.append(f'<div class="small text-body-secondary">{part_of}</div>')
    if overdue := account.overdue_commitments:
        parts.append(f'<span class="badge text-bg-danger">{page.overdue(overdue)}</span>')
    if account.is_strategic:
        parts.append(f'<span class="badge text-bg-primary">{page.strategic}</span>')
    if account.account_type:
        kind = escaped(account.get_account_type_display())
        parts.append(f'<span class="badge text-bg-light border">{kind}</span>')
    return "\n".join(parts)


def _owner(owner) -> str:
    team = owner.team
    below = f'<div class="small text-body-secondary">{escaped(team)}</div>' if team else ""
    return escaped(owner) + below


def _contact(account, page: _Page) -> str:
    last = account.last_activity
    day = escaped(dateformat.format(last, page.date_format)) if last else ""
    if not account.is_stale:
        return day
    ago = page.days_ago(account.days_since_contact) if last else page.never
    title = page.no_contact(account.contact_rhythm)
    return f'{day} <span class="badge text-bg-warning" title="{title}">{ago}</span>'
