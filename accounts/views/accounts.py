from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, ListView, UpdateView

from health.models import HealthWeights
from kamcrm import csv_export
from kamcrm.dates import written_date
from kamcrm.forms import PlainSelect
from kamcrm.paginator import CappedPaginator
from kamcrm.query import query_values
from kamcrm.versioning import StaleEdit

from ..charts import revenue_bars
from ..context_processors import money as money_context
from ..filters import AccountFilter
from ..forms import AccountForm
from ..models import Account, Currency, Strategy, Thresholds, TierSnapshot
from ..models.accounts import is_group_cycle
from ..selectors import (
    account_list,
    account_overview,
    account_people,
    brief_context,
    last_activity_on,
    monthly_revenue,
)
from ..services import account_save
from ..snapshots import monthly_history
from ..tactics import TACTICS

LIST_COLUMNS = (
    "name", "is_strategic", "account_type", "nine_box_class", "abc", "xyz", "status",
    "health", "parent__name", "owner__username", "owner__first_name", "owner__last_name",
    "owner__team__name",
    # What the sorts order by, for the Next link's place (kamcrm.seek).
    "list_revenue_12m", "list_open_pipeline", "list_potential", "list_last_contact",
)  # fmt: skip


class AccountListView(ListView):
    template_name = "accounts/account_list.html"
    paginate_by = 25
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.filterset = AccountFilter(
            self.request.GET,
            queryset=account_list(user=self.request.user),
            user=self.request.user,
        )
        if not self.filterset.is_valid():
            return Account.objects.none()
        # What the rows show, not every column of four tables (an account's dossier text,
        # its parent's, the owner's password hash).
        accounts = self.filterset.qs.only(*LIST_COLUMNS)
        return (
            accounts
            if self.filterset.form.cleaned_data.get("sort")
            else accounts.order_by("name", "pk")
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset, per_page, after=self.request.GET.get("after", ""), **kwargs
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("after", None)
        thresholds, today = Thresholds.current(), timezone.localdate()
        weights = HealthWeights.current()
        for account in context["object_list"]:
            account.health_band = weights.band(account.health)
            account.contact_rhythm = thresholds.rhythm_for(account.nine_box_class)
            account.days_since_contact, account.is_stale = thresholds.freshness(
                account.nine_box_class, account.last_activity, today
            )
        context.update(filterset=self.filterset, query_without_page=query.urlencode())
        return context


CSV_HEADER = [
    "external_id",
    "name",
    "parent",
    "owner",
    "team",
    "type",
    "country",
    "revenue_12m",
    "potential",
    "open_pipeline",
    "last_contact",
    "overdue_commitments",
    "health",
]


class _Echo:
    def write(self, value):
        return value


def account_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered account list as CSV, streamed so a large portfolio never sits in memory."""
    filterset = AccountFilter(
        request.GET, queryset=account_list(user=request.user), user=request.user
    )
    accounts = (
        filterset.qs.order_by("name", "pk") if filterset.is_valid() else Account.objects.none()
    )
    places = Currency.objects.get(code=settings.KAMCRM_BASE_CURRENCY).minor_unit

    def amount(value) -> str:
        return "" if value is None else f"{value:.{places}f}"

    writer = csv_export.writer(_Echo())
    columns = accounts.values_list(
        "external_id", "name", "parent__name", "owner__username", "owner__team__name",
        "account_type", "country", "list_revenue_12m", "list_potential",
        "list_open_pipeline", "list_last_contact", "list_overdue_commitments", "health",
    )  # fmt: skip

    def rows():
        # Plain tuples, not accounts, and a thousand lines a write: 100,000 model objects
        # and as many writes took longer than the query.
        lines = [writer.writerow(CSV_HEADER)]
        for (
            external_id, name, parent, owner, team, kind, country,
            revenue, potential, pipeline, contact, overdue, health,
        ) in columns.iterator(chunk_size=2000):  # fmt: skip
            lines.append(
                writer.writerow(
                    [
                        external_id,
                        name,
                        parent or "",
                        owner,
                        team or "",
                        kind,
                        country,
                        amount(revenue),
                        amount(potential),
                        amount(pipeline),
                        contact or "",
                        overdue,
                        "" if health is None else health,
                    ]
                )
            )
            if len(lines) >= 1000:
                yield "".join(lines)
                lines = []
        yield "".join(lines)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accounts.csv"'
    return response


def _account(request: HttpRequest, pk: int) -> Account:
    """The account, if this user may see it; 404 otherwise."""
    return get_object_or_404(
        Account.objects.visible_to(request.user).select_related(
            "owner", "owner__team", "parent", "currency"
        ),
        pk=pk,
    )


def _header_context(request: HttpRequest, account: Account, last_activity, tab: str) -> dict:
    """What every tab of the account page shows above its own part: the header, with the
    warning when contact is overdue, and the tabs."""
    thresholds, today = Thresholds.current(), timezone.localdate()
    days, stale = thresholds.freshness(account.nine_box_class, last_activity, today)
    return {
        "account": account,
        "tab": tab,
        "can_edit": request.user.has_perm("accounts.change_account", account),
        "can_plan": request.user.has_perm("plans.add_accountplan", account),
        "days_since_contact": days,
        "contact_rhythm_days": thresholds.rhythm_for(account.nine_box_class),
        "is_stale": stale,
        "today": today,
    }


# The account page is three tabs, each its own page and address: what a KAM works from
# (overview), the people (the stakeholder map), and how the account performs (tier,
# health, revenue, as of any run). Drawn as one page it took some 8x a trivial page, a
# third of it the map and a third the charts; each tab is within 5x (README, Benchmarks).


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The account page's overview: the group, deals, commitments and activities, and the
    dossier. Addresses from before the tabs, with a buying centre or a day, lead on to
    the tab that shows them now."""
    account = _account(request, pk)
    for tab, asks in (("accounts:people", "centre"), ("accounts:performance", "as_of")):
        if asks in request.GET:
            return redirect(f"{reverse(tab, args=[account.pk])}?{request.GET.urlencode()}")
    context = account_overview(account=account, user=request.user)
    context |= _header_context(request, account, context["last_activity"], "overview")
    return render(request, "accounts/account_detail.html", context)


def account_people_tab(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's people: the stakeholder map (shown for one buying centre with
    `centre`), the buying centres, competitors and our account team."""
    account = _account(request, pk)
    context = account_people(account=account, centre=request.GET.get("centre"))
    context |= _header_context(request, account, last_activity_on(account), "people")
    return render(request, "accounts/account_people.html", context)


def account_performance(request: HttpRequest, pk: int) -> HttpResponse:
    """Tier, health and revenue; with `as_of`, as they stood after the tiering run in
    force that day."""
    account = _account(request, pk)
    context = _header_context(request, account, last_activity_on(account), "performance")
    today = context["today"]
    as_of = query_values(request, AsOfForm).get("as_of")
    day = min(as_of, today) if as_of else today
    tier: Account | TierSnapshot | None = account
    if as_of:
        tier = account.tier_snapshots.filter(as_of__lte=day).order_by("-as_of").first()
    months = monthly_revenue(account=account, as_of=day)
    base_currency = money_context(request)["base_currency"]
    tier_day = getattr(tier, "as_of", None) or account.tiered_on
    runs = list(account.tier_snapshots.order_by("-as_of").values_list("as_of", flat=True)[:120])
    context.update(
        as_of=as_of and day,
        tier=tier,
        tier_day=tier_day,
        monthly_revenue=months,
        # The menu of runs drawn here (kamcrm.forms.PlainSelect), its dates written once
        # per language (kamcrm.dates): through the template, with date_format for each
        # of a year's hundred runs, it took 3.5 ms of the page.
        run_menu=PlainSelect(
            attrs={"id": "as_of", "class": "form-select form-select-sm", "data-autosubmit": True},
            choices=[("", _("Today")), *((run.isoformat(), written_date(run)) for run in runs)],
        ).render("as_of", tier_day.isoformat() if as_of and tier_day else None)
        if len(runs) > 1
        else "",
        # The context processor's lazy base currency, read here for the chart's amounts
        # and handed on, so the page still reads it once.
        base_currency=base_currency,
        revenue_chart=revenue_bars(months, base_currency),
        tier_history=monthly_history(account, today=day),
        tactics=TACTICS.get(Strategy(tier.strategy), []) if tier and tier.strategy else [],
    )
    return render(request, "accounts/account_performance.html", context)


class AsOfForm(forms.Form):
    as_of = forms.DateField(required=False)


def account_brief(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-page summary to print before a meeting (001)."""
    account = _account(request, pk)
    context = brief_context(account=account, user=request.user)
    context |= _header_context(request, account, context["last_activity"], "brief")
    return render(request, "accounts/account_brief.html", context)


class _AccountFormMixin:
    """Shared by create and edit: the form knows the user (owner and parent choices)."""

    saved_message: str | Promise = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self) -> str:
        return reverse("accounts:detail", args=[self.object.pk])

    def form_valid(self, form):
        try:
            self.object = account_save(form)
        except IntegrityError as error:
            if not is_group_cycle(error):
                raise
            # Someone moved the chosen parent below this account since the form checked.
            form.add_error("parent", _("An account cannot be part of itself."))
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message % {"account": self.object})
        return redirect(self.get_success_url())


class AccountCreateView(_AccountFormMixin, CreateView):
    form_class = AccountForm
    template_name = "accounts/account_form.html"
    saved_message = gettext_lazy("%(account)s was created.")

    def get_initial(self):
        return {"currency": settings.KAMCRM_BASE_CURRENCY, "owner": self.request.user.pk}


class AccountUpdateView(_AccountFormMixin, UpdateView):
    form_class = AccountForm
    template_name = "accounts/account_form.html"
    saved_message = gettext_lazy("%(account)s was saved.")

    def get_queryset(self):
        return Account.objects.editable_by(self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleEdit:
            return self.form_invalid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.stale:
            response.status_code = 409
        return response
