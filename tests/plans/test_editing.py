from decimal import Decimal

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.models import OpportunityStage
from plans.models import AccountPlan
from plans.selectors import plan_actuals
from plans.services import REVISION_WINDOW
from tests.factories import OpportunityFactory, RevenueLineFactory
from tests.forms import posted
from tests.plans.conftest import make_ready


def save(client, plan, kind, text, version):
    return client.post(
        reverse("plans:section", args=[plan.pk, kind]), {"text": text, "version": version}
    )


def test_a_section_is_saved_and_kept_in_the_history(client, kam1, plan):
    client.force_login(kam1)

    save(client, plan, "industry", "Cement demand grows.", 1)
    # Saves closer together than this are one revision (tests/plans/test_plan_page.py).
    plan.revisions.update(at=F("at") - REVISION_WINDOW)
    save(client, plan, "industry", "Cement demand grows 4 % a year.", 2)

    section = plan.sections.get(kind="industry")
    assert (section.text, section.version) == ("Cement demand grows 4 % a year.", 3)
    history = client.get(reverse("plans:history", args=[plan.pk])).content.decode()
    assert "removed: </span>\N{MINUS SIGN} Cement demand grows.</div>" in history
    assert "added: </span>+ Cement demand grows 4 % a year.</div>" in history
    assert "@@" not in history
    assert "Industry and customer analysis" in history  # the section, not its key
    first = plan.revisions.order_by("at").first()
    when = date_format(localtime(first.at), "SHORT_DATETIME_FORMAT")
    assert f"{when} · {kam1}</div>" in history  # who, and when


def test_the_history_words_every_change(client, kam1, director1, plan):
    client.force_login(kam1)
    form = client.get(reverse("plans:targets", args=[plan.pk])).context["form"]
    changes = {
        "strategy": "develop",
        "strategy_reason": "Room to grow",
        "payments_target": "1500000",
    }
    saved = client.post(reverse("plans:targets", args=[plan.pk]), posted(form) | changes)
    assert saved.status_code == 302, saved.context["form"].errors
    make_ready(plan)
    client.post(reverse("plans:transition", args=[plan.pk, "submit"]))

    history = client.get(reverse("plans:history", args=[plan.pk])).content.decode()

    for words in ["Plan started", "Strategy and targets", "Submitted for approval"]:
        assert words in history
    assert "Payments to collect" in history
    assert "1,500,000" in history
    assert "Develop" in history
    assert "payments_target" not in history
    assert "[" not in history.split('data-testid="revision"')[1]  # no Python list text


def test_the_second_of_two_concurrent_saves_is_refused_and_loses_nothing(
    client, kam1, plan, django_user_model
):
    client.force_login(kam1)
    save(client, plan, "industry", "First editor's text", 1)

    response = save(client, plan, "industry", "Second editor's text", 1)  # opened at version 1

    assert response.status_code == 409
    html = response.content.decode()
    assert "Second editor&#x27;s text" in html  # theirs, still in the box
    assert "First editor&#x27;s text" in html  # the stored one beside it
    assert plan.sections.get(kind="industry").text == "First editor's text"


def test_a_submitted_plan_is_not_edited(client, kam1, plan):
    client.force_login(kam1)
    make_ready(plan)
    client.post(reverse("plans:transition", args=[plan.pk, "submit"]))

    save(client, plan, "industry", "Late change", 1)

    assert plan.sections.get(kind="industry").text == "Cement demand grows 4 % a year."


def test_targets_of_a_submitted_plan_are_refused_with_the_reason(client, kam1, plan):
    client.force_login(kam1)
    make_ready(plan)
    client.post(reverse("plans:transition", args=[plan.pk, "submit"]))
    plan.refresh_from_db()  # the form as opened after the submit: its version is current
    data = {"strategy": plan.strategy or "retain", "strategy_reason": "x", "version": plan.version}
    data |= {"opportunities_to_cultivate": 9, "opportunities_to_capture": 1}
    data |= {"contract_value_target": "1", "payments_target": "1"}

    response = client.post(reverse("plans:targets", args=[plan.pk]), data, follow=True)

    assert response.redirect_chain == [(reverse("plans:detail", args=[plan.pk]), 302)]
    assert "Not possible while the plan is Submitted." in response.content.decode()
    plan.refresh_from_db()
    assert plan.opportunities_to_cultivate == 0


def test_a_strategy_other_than_the_tiers_needs_a_reason(client, kam1, plan, account):
    account.strategy = "develop"
    account.save()
    client.force_login(kam1)
    data = {
        "strategy": "retain",
        "opportunities_to_cultivate": 3,
        "opportunities_to_capture": 1,
        "contract_value_target": "500000",
        "payments_target": "400000",
        "version": plan.version,
    }

    refused = client.post(reverse("plans:targets", args=[plan.pk]), data)
    client.post(reverse("plans:targets", args=[plan.pk]), {**data, "strategy_reason": "Stable"})

    assert "strategy_reason" in refused.context["form"].errors
    plan.refresh_from_db()
    assert (plan.strategy, plan.contract_value_target) == ("retain", Decimal("500000"))


def test_actuals_are_computed_live(plan, account):
    today = timezone.localdate()
    won = OpportunityStage.objects.get(name="Closed won")
    OpportunityFactory(account=account, stage=won, amount=Decimal("700"), expected_close=today)
    OpportunityFactory(account=account)
    RevenueLineFactory(account=account, date=today, amount=Decimal("250"))

    actuals = plan_actuals(plan)

    assert (actuals.opportunities_open, actuals.opportunities_won) == (1, 1)
    assert actuals.contract_value_signed == Decimal("700")
    assert actuals.payments_collected == Decimal("250")


def test_a_stale_targets_save_keeps_the_users_entries_and_only_writes_their_changes(
    client, kam1, plan
):
    client.force_login(kam1)
    url = reverse("plans:targets", args=[plan.pk])
    form = client.get(url).context["form"]
    mine = {f.html_name: "" if f.value() is None else f.value() for f in form}
    mine.pop("tactics", None)
    mine |= {"strategy": plan.strategy or "retain", "strategy_reason": "Stable"}
    mine["contract_value_target"] = "5000000"
    AccountPlan.objects.filter(pk=plan.pk).update(payments_target=750, version=F("version") + 1)

    refused = client.post(url, mine)

    assert refused.status_code == 409
    assert refused.context["form"]["contract_value_target"].value() == "5000000"
    again = {f.html_name: "" if f.value() is None else f.value() for f in refused.context["form"]}
    again.pop("tactics", None)
    assert client.post(url, again).status_code == 302
    plan.refresh_from_db()
    assert (plan.contract_value_target, plan.payments_target) == (5_000_000, 750)


def test_targets_say_their_currency_and_read_as_the_reader_writes(client, kam1, plan):
    kam1.language = "pl"
    kam1.save()
    plan.payments_target = Decimal("13000000")
    plan.save()
    client.force_login(kam1)
    form = client.get(reverse("plans:targets", args=[plan.pk])).context["form"]

    assert form["payments_target"].label.endswith("(USD)")
    page = client.get(reverse("plans:targets", args=[plan.pk])).content.decode()
    assert 'value="13000000,00"' in page  # the Polish decimal comma

    saved = client.post(
        reverse("plans:targets", args=[plan.pk]), posted(form) | {"payments_target": "1500000,50"}
    )

    assert saved.status_code == 302, saved.context["form"].errors
    plan.refresh_from_db()
    assert plan.payments_target == Decimal("1500000.50")
