from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Account
from kamcrm.http import form_again_status, in_place, swapped_for
from kamcrm.query import query_values
from kamcrm.versioning import StaleEdit

from . import selectors, services
from .forms import (
    ROW_FORMSETS,
    PlanFilterForm,
    PlanStartForm,
    ReviewForm,
    SectionForm,
    TargetsForm,
)
from .models import AccountPlan, PlanSettings, PlanStatus, SectionKind, accounts_needing_plan
from .sections import laid_out

CHANGE, APPROVE = services.CHANGE, services.APPROVE


def service_refusals(view):
    """What the plan services refuse, answered the same way by every view: the user may
    not act on the plan (PermissionDenied) gets 404, as elsewhere for outsiders; the plan
    is in the wrong state (ValidationError) sends them back to it with the reason."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, error.messages[0])
            if in_place(request):  # the whole page, not a fragment of it, shows why
                return HttpResponse(
                    headers={"HX-Redirect": reverse("plans:detail", args=[kwargs["pk"]])}
                )
            return redirect("plans:detail", pk=kwargs["pk"])

    return wrapper


def visible_plan(request: HttpRequest, pk: int) -> AccountPlan:
    return get_object_or_404(
        AccountPlan.objects.visible_to(request.user).select_related(
            "account__owner__team", "approved_by"
        ),
        pk=pk,
    )


def plan_list(request: HttpRequest) -> HttpResponse:
    settings = PlanSettings.current()
    today = timezone.localdate()
    current_year = settings.fiscal_year_of(today)
    plans = (
        AccountPlan.objects.visible_to(request.user)
        .select_related("account__owner__team")
        .annotate(review_count=Count("reviews"))
        .order_by("-fiscal_year", "account__name")
    )
    query = query_values(request, PlanFilterForm)
    year = query.get("year") or str(current_year)
    if year != "all":
        plans = plans.filter(fiscal_year=int(year))
    if status := query.get("status"):
        plans = plans.filter(status=status)
    if owner := query.get("owner"):
        plans = plans.filter(account__owner__username=owner)
    if team := query.get("team"):
        plans = plans.filter(account__owner__team__name=team)
    if query.get("review_due"):
        due, _ = settings.reviews_expected(current_year, today)
        plans = plans.filter(
            status=PlanStatus.APPROVED, fiscal_year=current_year, review_count__lt=due
        )
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # What to do next: the reader's own accounts that 004 expects a plan for this year.
    needing = accounts_needing_plan(
        Account.objects.filter(owner_id=request.user.pk), fiscal_year=current_year
    ).order_by("name")
    return render(
        request,
        "plans/plan_list.html",
        {
            "needing_plan": needing[:10],
            "needing_count": needing.count(),
            "current_year": current_year,
            "page_obj": page,
            "plans": page.object_list,
            "year": year,
            "statuses": PlanStatus.choices,
            "query_without_page": query.urlencode(),
        },
    )


def plan_create(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.editable_by(request.user), pk=account_pk)
    if not request.user.has_perm("plans.add_accountplan", account):
        raise PermissionDenied
    # This fiscal year's plan, or next year's (planned in the last months of this one).
    this_year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    existing = {p.fiscal_year: p for p in account.plans.filter(fiscal_year__gte=this_year)}
    years = [y for y in (this_year, this_year + 1) if y not in existing]
    if not years:
        return redirect("plans:detail", pk=existing[this_year].pk)
    form = PlanStartForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["fiscal_year"]
        # The latest plan before it, whatever its state: next year's starts from this one's.
        last = account.plans.filter(fiscal_year__lt=year).order_by("-fiscal_year").first()
        try:
            plan = services.plan_create(
                account=account,
                fiscal_year=year,
                by=request.user,
                copy_from=last if form.cleaned_data["copy"] else None,
            )
        except services.PlanExists as exists:
            messages.info(request, exists.messages[0])
            return redirect("plans:detail", pk=exists.plan.pk)
        messages.success(request, _("The FY %(year)s plan was started.") % {"year": year})
        return redirect("plans:detail", pk=plan.pk)
    last = account.plans.filter(fiscal_year__lt=years[-1]).order_by("-fiscal_year").first()
    existing_plans = sorted(existing.values(), key=lambda p: p.fiscal_year)
    return render(
        request,
        "plans/plan_create.html",
        {"account": account, "form": form, "existing": existing_plans, "last": last},
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    reviews = list(plan.reviews.select_related("reviewed_by", "signed_off_by"))
    can_edit = request.user.has_perm(CHANGE, plan)
    sections = list(plan.sections.all())  # read once: laid out, checked and counted
    draft = plan.status == PlanStatus.DRAFT
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "sections": laid_out(sections),
            "reviews": reviews,
            "quarters_open": [q for q in range(1, 5) if q not in {r.quarter for r in reviews}],
            "actuals": selectors.plan_actuals(plan),
            "checklist": selectors.plan_checklist(plan, sections) if draft else [],
            "completeness": selectors.plan_completeness(plan, sections),
            "people": selectors.people_summary(plan),
            "goals": plan.goals.all(),
            "actions": plan.actions.select_related("owner"),
            "can_edit": can_edit,
            "can_edit_texts": can_edit and plan.status == PlanStatus.DRAFT,
            "can_approve": request.user.has_perm(APPROVE, plan),
        },
    )


@service_refusals
def section_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = visible_plan(request, pk)
    if kind not in SectionKind.values or not request.user.has_perm(CHANGE, plan):
        raise Http404
    section = plan.sections.get(kind=kind)
    if in_place(request):
        return _section_in_place(request, plan, section)
    form = SectionForm(
        request.POST or None, initial={"text": section.text, "version": section.version}
    )
    context = {"plan": plan, "section": section, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.section_save(
                section=section,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as conflict:
            # Nothing is lost: their text stays in the box, the stored text beside it.
            context["conflict"] = conflict.current
            context["form"] = SectionForm(
                initial={"text": form.cleaned_data["text"], "version": conflict.current.version}
            )
            return render(request, "plans/section_edit.html", context, status=409)
        messages.success(request, _("%(section)s was saved.") % {"section": section})
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/section_edit.html", context)


def _section_in_place(request: HttpRequest, plan: AccountPlan, section) -> HttpResponse:
    """The plan page's editor for one section: GET opens it in the section's card, each
    POST autosaves, and the one with `done` closes it again."""
    services.require_status(plan, PlanStatus.DRAFT)
    editor = "plans/includes/section_editor.html"
    context = {"plan": plan, "section": section, "editable": True}
    if request.method != "POST":
        return render(request, editor, context | {"text": section.text})
    form = SectionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    text = form.cleaned_data["text"]
    try:
        section = services.section_save(
            section=section, text=text, version=form.cleaned_data["version"], by=request.user
        )
    except StaleEdit as conflict:
        # Autosave stops: the user's text stays in the box, the stored one under it.
        stored = conflict.current
        context |= {"section": stored, "text": text, "conflict": stored}
        context["conflict_by"] = selectors.section_last_author(stored)
        return swapped_for(render(request, editor, context, status=409), f"#section-{section.kind}")
    context |= {
        "section": section,
        "done": "done" in request.POST,
        "saved_at": timezone.localtime(),
        "completeness": selectors.plan_completeness(plan, list(plan.sections.all())),
    }
    response = render(request, "plans/includes/section_saved.html", context)
    return swapped_for(response, f"#section-{section.kind}") if context["done"] else response


# The plan page's cards edited in place: the template showing each, and what it needs.
CARDS = {
    "targets": lambda plan: {"actuals": selectors.plan_actuals(plan)},
    "goals": lambda plan: {"goals": plan.goals.all()},
    "actions": lambda plan: {"actions": plan.actions.select_related("owner")},
    "people": lambda plan: {"people": selectors.people_summary(plan)},
}


def card_editor(request, plan, card: str, page: str, *, form, title) -> HttpResponse:
    """A card's form (the targets' form, or a formset of rows): its own `page`, or, asked
    in place, the card on the plan page (422 when it has errors and 409 when refused as
    stale, both shown in the card)."""
    rows = card != "targets"
    stale = getattr(form, "stale", False) or any(
        getattr(row, "stale", False) for row in getattr(form, "forms", [])
    )
    fragment = in_place(request)
    status = form_again_status(request, refused=stale, fragment=fragment)
    context = {"plan": plan, "formset" if rows else "form": form, "title": title, "which": card}
    if not fragment:
        return render(request, page, context, status=status)
    form_template = f"plans/includes/{'rows' if rows else 'targets'}_form.html"
    context |= {"card": card, "form_template": form_template}
    return render(request, "plans/includes/card_editor.html", context, status=status)


def card_saved(request, plan, card: str, message: str) -> HttpResponse:
    """After a save: back to the plan page, or, in place, the card as it now reads, with
    the meter and the checklist brought up to date."""
    if not in_place(request):
        messages.success(request, message)
        return redirect("plans:detail", pk=plan.pk)
    sections = list(plan.sections.all())
    context = CARDS[card](plan) | {
        "plan": plan,
        "card_template": f"plans/includes/{card}.html",
        "can_edit": True,
        "completeness": selectors.plan_completeness(plan, sections),
        "checklist": selectors.plan_checklist(plan, sections),
    }
    return render(request, "plans/includes/card_saved.html", context)


@service_refusals
def targets_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    if not request.user.has_perm(CHANGE, plan):
        raise Http404
    form = TargetsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        # Only what the user changed: coming back from a refusal, the rest is as stored.
        data = {k: form.cleaned_data[k] for k in form.changed_by_user()}
        try:
            services.plan_update_targets(
                plan=plan, data=data, version=form.cleaned_data["version"], by=request.user
            )
        except StaleEdit:
            form.refuse()  # the user's entries stay, the stored values beside them
        else:
            return card_saved(request, plan, "targets", _("The strategy and targets were saved."))
    return card_editor(
        request,
        plan,
        "targets",
        "plans/targets_edit.html",
        form=form,
        title=gettext_lazy("Strategy and targets"),
    )


@service_refusals
@require_POST
def plan_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plan = visible_plan(request, pk)
    if action == "submit":
        services.plan_submit(plan=plan, by=request.user)
    elif action == "approve":
        services.plan_approve(plan=plan, by=request.user, comment=request.POST.get("comment", ""))
    elif action == "return":
        services.plan_return(plan=plan, by=request.user, comment=request.POST.get("comment", ""))
    elif action == "close":
        services.plan_close(plan=plan, by=request.user)
    else:
        raise Http404
    messages.success(
        request, _("The plan is now %(status)s.") % {"status": plan.get_status_display()}
    )
    return redirect("plans:detail", pk=plan.pk)


@service_refusals
@require_POST
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    if not request.user.has_perm(CHANGE, plan):
        raise Http404  # before the form: an outsider learns nothing from its errors
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.review_record(plan=plan, by=request.user, **form.cleaned_data)
        messages.success(request, _("The review was recorded."))
    else:
        messages.error(request, _("Choose the quarter you are reviewing."))
    return redirect("plans:detail", pk=plan.pk)


@service_refusals
@require_POST
def review_sign_off(request: HttpRequest, pk: int, quarter: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    review = get_object_or_404(plan.reviews, quarter=quarter)
    services.review_sign_off(review=review, by=request.user)
    messages.success(request, _("Q%(q)d review signed off.") % {"q": quarter})
    return redirect("plans:detail", pk=plan.pk)


def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    return render(
        request,
        "plans/plan_history.html",
        {"plan": plan, "revisions": selectors.plan_history(plan)},
    )


# Which rows may change in which state: actions and goals' actuals are kept up during the
# year; the people targets are agreed with the plan.
ROW_STATES = {
    "people": (PlanStatus.DRAFT,),
    "goals": (PlanStatus.DRAFT, PlanStatus.APPROVED),
    "actions": (PlanStatus.DRAFT, PlanStatus.APPROVED),
}
ROW_TITLES = {
    "people": gettext_lazy("People: targets for key stakeholders"),
    "goals": gettext_lazy("Goals and KPIs"),
    "actions": gettext_lazy("Action list"),
}


@service_refusals
def plan_rows(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    plan = visible_plan(request, pk)
    if which not in ROW_FORMSETS or not request.user.has_perm(CHANGE, plan):
        raise Http404
    services.require_status(plan, *ROW_STATES[which])
    rows = ROW_FORMSETS[which]
    formset = rows(request.POST or None, instance=plan, form_kwargs={"plan": plan})
    if request.method == "POST" and formset.is_valid():
        try:
            services.plan_rows_save(plan=plan, which=which, formset=formset, by=request.user)
        except StaleEdit:
            # Someone saved one of these rows meanwhile: checking again names it, and
            # nothing of this save was kept.
            formset = rows(request.POST, instance=plan, form_kwargs={"plan": plan})
            formset.is_valid()
        else:
            message = _("%(what)s saved.") % {"what": ROW_TITLES[which]}
            return card_saved(request, plan, which, message)
    return card_editor(
        request, plan, which, "plans/plan_rows.html", form=formset, title=ROW_TITLES[which]
    )
