"""Goals, actions, people targets and commitments refuse a save made on top of someone
else's, keeping the user's entries, as accounts and people do."""

from datetime import date

from django.db.models import F
from django.urls import reverse

from accounts.models import Commitment
from plans.models import PlanGoal
from tests.forms import posted


def test_a_stale_goals_save_is_refused_and_writes_nothing(client, kam1, plan):
    goal = PlanGoal.objects.create(plan=plan, name="Revenue", unit="THB", target=100, actual=10)
    client.force_login(kam1)
    url = reverse("plans:rows", args=[plan.pk, "goals"])
    formset = client.get(url).context["formset"]
    data = {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for form in formset.forms:
        data |= posted(form)
    data[f"{formset.prefix}-0-actual"] = "40"
    data[f"{formset.prefix}-1-name"] = "Retention"  # a new row beside
    data[f"{formset.prefix}-1-unit"] = "%"
    data[f"{formset.prefix}-1-target"] = "90"
    PlanGoal.objects.filter(pk=goal.pk).update(actual=25, version=F("version") + 1)

    response = client.post(url, data)

    assert response.status_code == 409
    assert response.context["formset"].forms[0]["actual"].value() == "40"  # kept
    assert list(PlanGoal.objects.values_list("name", "actual")) == [("Revenue", 25)]


def test_a_stale_commitment_edit_is_refused(client, kam1, plan):
    account = plan.account
    promise = Commitment.objects.create(
        account=account, what="Send the pilot offer", due=date(2026, 12, 15), owner=kam1
    )
    client.force_login(kam1)
    url = reverse("accounts:commitment_update", args=[account.pk, promise.pk])
    mine = posted(client.get(url).context["form"]) | {"due": "2026-12-20"}
    Commitment.objects.filter(pk=promise.pk).update(
        due=date(2026, 12, 18), version=F("version") + 1
    )

    response = client.post(url, mine)

    assert response.status_code == 409
    promise.refresh_from_db()
    assert promise.due == date(2026, 12, 18)
    assert response.context["form"]["due"].errors == ["Now saved as: Dec. 18, 2026"]
