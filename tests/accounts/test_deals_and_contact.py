from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AccountCompetitor,
    Activity,
    BuyingCentre,
    Commitment,
    Competitor,
    Opportunity,
    OpportunityStage,
)
from tests.factories import OpportunityFactory, StakeholderFactory


def stage(name):
    return OpportunityStage.objects.get(name=name).pk


def opportunity(**overrides):
    data = {
        "name": "Kiln upgrade",
        "opportunity_type": "up_sell",
        "stage": stage("Propose"),
        "amount": "1500000",
        "currency": "THB",
        "probability": "",
        "expected_close": "2027-03-31",
    }
    return {**data, **overrides}


def test_a_new_opportunity_takes_the_stages_probability(client, kam1, north_account):
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:opportunity_create", args=[north_account.pk]),
        opportunity(owner=kam1.pk),
    )

    assert response.status_code == 302
    deal = Opportunity.objects.get()
    assert (deal.account, deal.probability, deal.owner) == (north_account, 50, kam1)


def test_a_lost_deal_needs_a_reason(client, kam1, north_account):
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:opportunity_create", args=[north_account.pk]),
        opportunity(stage=stage("Closed lost"), owner=kam1.pk),
    )

    assert "close_reason" in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_an_opportunity_cannot_go_to_someone_outside_the_account(client, kam1, kam2, north_account):
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:opportunity_create", args=[north_account.pk]),
        opportunity(owner=kam2.pk),
    )

    assert "owner" in response.context["form"].errors


def test_editing_an_opportunity_of_another_account_answers_404(
    client, kam1, north_account, south_account
):
    elsewhere = OpportunityFactory(account=south_account)
    client.force_login(kam1)

    url = reverse("accounts:opportunity_update", args=[north_account.pk, elsewhere.pk])
    response = client.post(url, opportunity(owner=kam1.pk))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name != "Kiln upgrade"


@pytest.mark.parametrize(
    "name",
    [
        "accounts:opportunity_create",
        "accounts:buying_centre_create",
        "accounts:activity_create",
        "accounts:commitment_create",
        "accounts:competitor_add",
        "accounts:team_member_add",
    ],
)
def test_another_teams_kam_gets_404(client, kam2, north_account, name):
    client.force_login(kam2)

    assert client.get(reverse(name, args=[north_account.pk])).status_code == 404
    assert client.post(reverse(name, args=[north_account.pk]), {}).status_code == 404


def test_it_logs_an_activity_with_the_people_met(client, kam1, north_account):
    malee = StakeholderFactory(account=north_account)
    client.force_login(kam1)

    client.post(
        reverse("accounts:activity_create", args=[north_account.pk]),
        {
            "kind": "visit",
            "date": timezone.localdate().isoformat(),
            "stakeholders": [malee.pk],
            "our_people": [kam1.pk],
            "summary": "Walked the plant.",
            "next_step": "Quote the spare parts",
        },
    )

    activity = Activity.objects.get()
    assert (activity.account, activity.created_by) == (north_account, kam1)
    assert list(activity.stakeholders.all()) == [malee]


def test_a_commitment_is_kept_by_post(client, kam1, north_account):
    promise = Commitment.objects.create(
        account=north_account, what="Send samples", due=timezone.localdate(), owner=kam1
    )
    client.force_login(kam1)
    url = reverse("accounts:commitment_done", args=[north_account.pk, promise.pk])

    assert client.get(url).status_code == 405
    client.post(url)

    promise.refresh_from_db()
    assert promise.done_on == timezone.localdate()
    assert not Commitment.objects.overdue(timezone.localdate() + timedelta(days=30)).exists()


def test_a_buying_centre_is_saved_with_its_members(client, kam1, north_account):
    anan = StakeholderFactory(account=north_account)
    malee = StakeholderFactory(account=north_account)
    client.force_login(kam1)
    data = {
        "name": "Kiln decision",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-stakeholder": anan.pk,
        "memberships-0-role": "decision_maker",
        "memberships-1-stakeholder": malee.pk,
        "memberships-1-role": "user",
    }

    response = client.post(reverse("accounts:buying_centre_create", args=[north_account.pk]), data)

    assert response.status_code == 302
    centre = BuyingCentre.objects.get()
    assert {(m.stakeholder, m.role) for m in centre.memberships.all()} == {
        (anan, "decision_maker"),
        (malee, "user"),
    }


def test_a_buying_centre_refuses_people_of_another_account(
    client, kam1, north_account, south_account
):
    outsider = StakeholderFactory(account=south_account)
    client.force_login(kam1)
    data = {
        "name": "Kiln decision",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-stakeholder": outsider.pk,
        "memberships-0-role": "user",
    }

    response = client.post(reverse("accounts:buying_centre_create", args=[north_account.pk]), data)

    assert response.status_code == 200
    assert not BuyingCentre.objects.exists()


def test_it_records_a_new_competitor_at_the_account(client, kam1, north_account):
    client.force_login(kam1)
    url = reverse("accounts:competitor_add", args=[north_account.pk])

    client.post(url, {"new_competitor": "Apex Industrial", "position": "Incumbent"})
    again = client.post(url, {"new_competitor": "Apex Industrial"})

    assert Competitor.objects.get().name == "Apex Industrial"
    assert AccountCompetitor.objects.get().position == "Incumbent"
    assert "competitor" in again.context["form"].errors


def test_sharing_an_account_through_the_team(client, kam1, kam2, north_account):
    client.force_login(kam1)

    client.post(
        reverse("accounts:team_member_add", args=[north_account.pk]),
        {"user": kam2.pk, "role": "Logistics specialist"},
    )
    client.force_login(kam2)

    assert client.get(reverse("accounts:detail", args=[north_account.pk])).status_code == 200


def test_a_win_back_offer_is_recorded_and_its_outcome_updated(client, kam1, north_account):
    from accounts.models import WinBackAction

    north_account.status = "lost"
    north_account.save()
    client.force_login(kam1)

    client.post(
        reverse("accounts:win_back_create", args=[north_account.pk]),
        {"offer": "gift", "note": "Plant tour and dinner", "outcome": "pending"},
    )
    action = WinBackAction.objects.get()
    client.post(
        reverse("accounts:win_back_update", args=[north_account.pk, action.pk]),
        {"offer": "gift", "note": "Plant tour and dinner", "outcome": "won_back"},
    )

    action.refresh_from_db()
    assert (action.created_by, action.outcome) == (kam1, "won_back")
    html = client.get(reverse("accounts:detail", args=[north_account.pk])).content.decode()
    assert "Plant tour and dinner" in html


def test_another_teams_kam_cannot_record_a_win_back(client, kam2, north_account):
    client.force_login(kam2)

    response = client.post(
        reverse("accounts:win_back_create", args=[north_account.pk]),
        {"offer": "gift", "outcome": "pending"},
    )

    assert response.status_code == 404
