"""The Settings pages (admins only): an index of every group with its values, a page per
group; thresholds are previewed against today's data before they are saved."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, models
from django.db.models import Max
from django.db.models.deletion import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from accounts.models import (
    Account,
    Competitor,
    Currency,
    ExchangeRate,
    OpportunityStage,
    ProductLine,
    Status,
    Thresholds,
)
from accounts.models.money import MoneyField
from accounts.rates import rate_add, rate_delete
from accounts.tiering import tiers_preview
from accounts.tiering_now import QueueUnavailable, run_queue, run_state
from health.models import HealthWeights
from kamcrm.http import form_again_status
from kamcrm.query import id_field
from kamcrm.versioning import StaleEdit, VersionedForm
from plans.models import PlanSettings

from .forms import (
    CompetitorForm,
    CurrencyForm,
    HealthWeightsForm,
    PlanSettingsForm,
    ProductLineForm,
    RateForm,
    StageForm,
    ThresholdsForm,
)
from .services import setting_delete, setting_save

admin_only = permission_required("kamcrm.manage_settings", raise_exception=True)


@dataclass(frozen=True)
class Group:
    """A group of settings: one row (`columns` empty) or a list of rows with columns."""

    title: Promise
    model: type[models.Model]
    form: type[VersionedForm]
    columns: tuple[str, ...] = ()
    note: Promise | None = None


ONE_ROW = {
    "planning": Group(
        gettext_lazy("Fiscal year and review reminders"), PlanSettings, PlanSettingsForm
    ),
    "health": Group(
        gettext_lazy("Health weights and bands"),
        HealthWeights,
        HealthWeightsForm,
        note=gettext_lazy("New weights and bands apply from the next nightly health run."),
    ),
}
LISTS = {
    "currencies": Group(
        gettext_lazy("Currencies and rates"), Currency, CurrencyForm,
        ("code", "name", "minor_unit", "rate_to_base", "rate_updated_at"),
        note=gettext_lazy(
            "Amounts are converted to the base currency at each currency's latest rate dated "
            "today or before; a rate dated later takes over on its day."
        ),
    ),
    "stages": Group(
        gettext_lazy("Opportunity stages"), OpportunityStage, StageForm,
        ("order", "name", "default_probability", "outcome"),
    ),
    "product-lines": Group(
        gettext_lazy("Product lines"), ProductLine, ProductLineForm, ("name", "is_active")
    ),
    "competitors": Group(
        gettext_lazy("Competitors"), Competitor, CompetitorForm, ("name", "website")
    ),
}  # fmt: skip
THRESHOLDS = Group(gettext_lazy("Tiering thresholds"), Thresholds, ThresholdsForm)


def _one_row(model: type[models.Model]) -> models.Model:
    # The row exists from the data migrations on; a database made otherwise gets it here.
    return model._default_manager.get_or_create(pk=1)[0]


def _shown(obj: models.Model, name: str):
    display = getattr(obj, f"get_{name}_display", None)
    return display() if display else getattr(obj, name)


def _values(form: forms.ModelForm) -> list[tuple[object, object]]:
    """(label, value in words) for each of the form's fields, as stored."""
    shown: list[tuple[object, object]] = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        value = _shown(form.instance, name)
        if isinstance(form.instance._meta.get_field(name), MoneyField):
            grouped = number_format(value, 0, use_l10n=True, force_grouping=True)
            value = f"{grouped} {settings.KAMCRM_BASE_CURRENCY}"
        elif isinstance(field, forms.TypedChoiceField):
            value = dict(cast(Iterable[tuple[Any, Any]], field.choices)).get(value, value)
        shown.append((field.label, value))
    return shown


def _last_run():
    return Account.objects.aggregate(day=Max("tiered_on"))["day"]


@admin_only
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    one_row = [
        (slug, group, _values(group.form(instance=_one_row(group.model))))
        for slug, group in [("thresholds", THRESHOLDS), *ONE_ROW.items()]
    ]
    lists = [
        (slug, group, group.model._default_manager.count(), group.model._default_manager.all()[:8])
        for slug, group in LISTS.items()
    ]
    # Amounts in a currency with no rate drop out of every sum: the first thing to set.
    unrated = list(Currency.objects.filter(rate_to_base=None).values_list("code", flat=True))
    return render(
        request,
        "kamcrm/settings_index.html",
        {"one_row": one_row, "lists": lists, "last_run": _last_run(), "unrated": unrated},
    )


@admin_only
@require_http_methods(["GET", "POST"])
def thresholds_edit(request: HttpRequest) -> HttpResponse:
    """Preview shows what a run with the numbers entered would change, saving nothing;
    "Save and recompute now" saves them and runs the tiering at once, "Save" leaves it to
    the nightly run."""
    form = ThresholdsForm(request.POST or None, instance=_one_row(Thresholds))
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            # The form's instance holds the numbers entered, not saved.
            preview = tiers_preview(thresholds=form.instance, as_of=timezone.localdate())
        else:
            try:
                setting_save(form)
            except StaleEdit:
                pass  # refused: the form says so
            else:
                if "recompute" in request.POST:
                    return _recompute(request)
                messages.success(request, _("Thresholds saved; the nightly run will use them."))
                return redirect("settings:index")
    return render(
        request,
        "kamcrm/settings_thresholds.html",
        {
            "form": form, "preview": preview, "preview_moves": _moves(preview),
            "last_run": _last_run(),
        },
        status=form_again_status(request, refused=form.stale, fragment=False),
    )  # fmt: skip


def _moves(preview) -> list[tuple[str, list]]:
    """The preview's moves by what moves, in the reader's words (statuses by name)."""
    if preview is None:
        return []
    label = {code: str(name) for code, name in Status.choices}
    statuses = [
        (label.get(old, old), label.get(new, new), n) for old, new, n in preview.moves_of("status")
    ]
    return [
        (_("Class"), preview.moves_of("class")),
        (_("Status"), statuses),
        ("ABC", preview.moves_of("abc")),
        ("XYZ", preview.moves_of("xyz")),
    ]


def _recompute(request: HttpRequest) -> HttpResponse:
    try:
        run = run_queue()
    except QueueUnavailable:
        messages.warning(
            request,
            _(
                "Thresholds saved, but the job queue cannot be reached just now, so the "
                "recompute did not start; the nightly run will use them."
            ),
        )
        return redirect("settings:index")
    return redirect("settings:tiering_run", run=run)


@admin_only
@require_GET
def tiering_run(request: HttpRequest, run) -> HttpResponse:
    state = run_state(str(run))
    return render(
        request,
        "kamcrm/settings_tiering_run.html",
        {"state": state, "waiting": state is not None and state["state"] in ("queued", "running")},
    )


@admin_only
@require_http_methods(["GET", "POST"])
def one_row_edit(request: HttpRequest, which: str) -> HttpResponse:
    group = ONE_ROW[which]
    form = group.form(request.POST or None, instance=_one_row(group.model))
    if request.method == "POST" and form.is_valid():
        try:
            setting_save(form)
        except StaleEdit:
            pass
        else:
            messages.success(request, _("%(thing)s saved.") % {"thing": group.title})
            return redirect("settings:index")
    return render(
        request,
        "kamcrm/settings_form.html",
        {"form": form, "group": group, "back": "settings:index"},
        status=form_again_status(request, refused=form.stale, fragment=False),
    )


def _group(kind: str) -> Group:
    if kind not in LISTS:
        raise Http404
    return LISTS[kind]


def _row(group: Group, pk: str) -> models.Model:
    """The row named in the path (a currency by its code, the others by id), or 404."""
    key = group.model._meta.pk
    field = id_field() if isinstance(key, models.AutoField) else forms.CharField(max_length=3)
    try:
        value = field.clean(pk)
    except forms.ValidationError:
        raise Http404 from None
    return get_object_or_404(group.model, pk=value)


@admin_only
@require_GET
def setting_list(request: HttpRequest, kind: str) -> HttpResponse:
    group = _group(kind)
    fields = [cast(models.Field, group.model._meta.get_field(name)) for name in group.columns]
    rows = [
        (obj, [_shown(obj, name) for name in group.columns])
        for obj in group.model._default_manager.all()
    ]
    return render(
        request,
        "kamcrm/settings_list.html",
        {"group": group, "kind": kind, "headers": [f.verbose_name for f in fields], "rows": rows},
    )


@admin_only
@require_http_methods(["GET", "POST"])
def setting_edit(request: HttpRequest, kind: str, pk: str = "") -> HttpResponse:
    group = _group(kind)
    instance = _row(group, pk) if pk else None
    form = group.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = setting_save(form)
        except IntegrityError:  # the same name saved a moment before
            form.add_error(None, _("Someone added this a moment ago; it is already there."))
        except StaleEdit:  # saved by someone else since it was opened: form explains
            pass
        else:
            messages.success(request, _("%(thing)s was saved.") % {"thing": saved})
            if isinstance(saved, Currency) and not instance:  # on to its first rate
                return redirect("settings:update", kind=kind, pk=saved.pk)
            return redirect("settings:list", kind=kind)
    return _edit_page(request, kind, form, instance)


def _currency(code: str) -> Currency:
    return cast(Currency, _row(LISTS["currencies"], code))


def _edit_page(request, kind: str, form, instance, rate_form=None) -> HttpResponse:
    context = {"form": form, "group": LISTS[kind], "kind": kind, "object": instance}
    if isinstance(instance, Currency):
        context["base"] = instance.pk == settings.KAMCRM_BASE_CURRENCY
        context["rates"] = instance.rates.all()
        context["rate_form"] = rate_form or RateForm()
    status = form_again_status(request, refused=form.stale, fragment=False)
    return render(request, "kamcrm/settings_form.html", context, status=status)


@admin_only
@require_POST
def rate_add_view(request: HttpRequest, code: str) -> HttpResponse:
    """A currency's rate from a date on; today's or earlier becomes its current rate."""
    currency = _currency(code)
    rate_form = RateForm(request.POST)
    if currency.pk == settings.KAMCRM_BASE_CURRENCY:
        raise Http404  # its rate is 1, offered no form
    if not rate_form.is_valid():
        return _edit_page(
            request, "currencies", CurrencyForm(instance=currency), currency, rate_form
        )
    rate = rate_add(currency=currency, **rate_form.cleaned_data)
    messages.success(
        request, _("The rate from %(day)s was saved.") % {"day": date_format(rate.valid_from)}
    )
    return redirect("settings:update", kind="currencies", pk=currency.pk)


@admin_only
@require_http_methods(["GET", "POST"])
def rate_delete_view(request: HttpRequest, code: str, rate: int) -> HttpResponse:
    currency = _currency(code)
    try:
        dated = currency.rates.get(pk=id_field().clean(rate))
    except (forms.ValidationError, ExchangeRate.DoesNotExist):
        raise Http404 from None
    if request.method == "POST":
        rate_delete(dated)
        messages.success(request, _("%(thing)s was deleted.") % {"thing": dated})
        return redirect("settings:update", kind="currencies", pk=currency.pk)
    return render(
        request,
        "kamcrm/settings_confirm_delete.html",
        {"group": LISTS["currencies"], "kind": "currencies", "object": dated, "back": currency},
    )


@admin_only
@require_http_methods(["GET", "POST"])
def setting_delete_view(request: HttpRequest, kind: str, pk: str) -> HttpResponse:
    """Asks first; refuses what something still refers to (deals at a stage, amounts in a
    currency, revenue of a product line), saying so."""
    group = _group(kind)
    obj = _row(group, pk)
    if request.method == "POST":
        try:
            setting_delete(obj)
        except ProtectedError:
            messages.error(
                request,
                _("%(thing)s is still in use, so it was not deleted.") % {"thing": obj},
            )
        else:
            messages.success(request, _("%(thing)s was deleted.") % {"thing": obj})
        return redirect("settings:list", kind=kind)
    return render(
        request,
        "kamcrm/settings_confirm_delete.html",
        {"group": group, "kind": kind, "object": obj},
    )
