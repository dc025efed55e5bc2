"""Deactivating someone who still holds accounts, open work or teams: what they hold,
who takes each kind over, a confirmation naming every move, then all of it in one go,
leaving nothing open with the inactive user."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Account, Commitment, Opportunity, OpportunityStage
from kamcrm.models import Role, Team
from kamcrm.selectors import holdings
from kamcrm.services import user_deactivate
from plans.models import PlanAction
from plans.services import plan_create
from tests.factories import AccountFactory, OpportunityFactory, UserFactory


@pytest.fixture
def portfolio(kam1):
    """kam1's accounts and open work, and what stays with him (a won deal, a kept promise)."""
    teammate = UserFactory(username="kam1b", role=Role.KAM, team=kam1.team)
    accounts = [AccountFactory(owner=kam1, name=f"Siam Cement {n}") for n in range(3)]
    other = AccountFactory(owner=teammate, name="Thai Paper")
    plan = plan_create(account=accounts[0], fiscal_year=2026, by=kam1)
    return {
        "teammate": teammate,
        "accounts": accounts,
        "open_deal": OpportunityFactory(account=other, owner=kam1),
        "won": OpportunityFactory(
            account=other, owner=kam1, stage=OpportunityStage.objects.get(name="Closed won")
        ),
        "promise": Commitment.objects.create(
            account=other, what="Quote", due=date(2026, 5, 1), owner=kam1
        ),
        "kept": Commitment.objects.create(
            account=other,
            what="Samples",
            due=date(2026, 4, 1),
            owner=kam1,
            done_on=date(2026, 4, 1),
        ),
        "plan": plan,
        "action": plan.actions.create(what="Call the CFO", owner=kam1, due=date(2026, 5, 1)),
    }


def test_step_one_shows_what_they_hold_with_links(client, admin, kam1, portfolio):
    client.force_login(admin)

    page = client.get(reverse("user_deactivate", args=[kam1.pk])).content.decode()

    assert 'data-testid="still-owns"' in page
    assert f'{reverse("accounts:list")}?owner={kam1.pk}">3</a>' in page
    assert f'{reverse("plans:list")}?owner=kam1">1</a>' in page
    assert f'{reverse("dashboards:pipeline")}?owner={kam1.pk}">1</a>' in page
    assert "?step=choose" in page


def test_step_two_offers_a_kam_of_their_own_team_first(client, admin, kam1, kam2, portfolio):
    client.force_login(admin)

    form = client.get(reverse("user_deactivate", args=[kam1.pk]), {"step": "choose"}).context[
        "form"
    ]

    assert set(form.fields) == {"accounts", "deals", "commitments", "actions"}
    assert form["accounts"].initial == portfolio["teammate"]
    assert kam1 not in form.fields["accounts"].queryset


def test_step_three_names_every_move_and_changes_nothing_yet(client, admin, kam1, kam2, portfolio):
    client.force_login(admin)
    choices = {"accounts": kam2.pk, "deals": portfolio["teammate"].pk, "step": "choose"}
    choices |= {"commitments": kam2.pk, "actions": kam2.pk}

    response = client.post(reverse("user_deactivate", args=[kam1.pk]), choices)

    page = response.content.decode()
    assert response.context["step"] == "confirm"
    assert "hand 3 accounts, and the plans on them, to" in page
    assert "(1 plan)" in page
    assert "hand 1 open deal to" in page
    assert 'name="step" value="confirm"' in page
    kam1.refresh_from_db()
    assert kam1.is_active
    assert Account.objects.filter(owner=kam1).count() == 3


def test_it_hands_everything_over_and_deactivates(client, admin, kam1, kam2, portfolio):
    client.force_login(admin)
    teammate = portfolio["teammate"]

    response = client.post(
        reverse("user_deactivate", args=[kam1.pk]),
        {
            "accounts": kam2.pk, "deals": teammate.pk, "commitments": teammate.pk,
            "actions": kam2.pk, "step": "confirm",
        },
    )  # fmt: skip

    assert response["Location"] == reverse("user_list")
    kam1.refresh_from_db()
    assert not kam1.is_active
    assert Account.objects.filter(owner=kam2).count() == 3
    for row, taker in [
        (portfolio["open_deal"], teammate),
        (portfolio["promise"], teammate),
        (portfolio["action"], kam2),
    ]:
        row.refresh_from_db()
        assert row.owner == taker, row
    assert not any(holdings(kam1).values())  # nothing open left with the inactive user
    portfolio["won"].refresh_from_db()
    portfolio["kept"].refresh_from_db()
    assert portfolio["won"].owner == kam1  # a closed deal stays with who won it
    assert portfolio["kept"].owner == kam1


def test_it_refuses_without_a_taker_and_moves_nothing(client, admin, kam1, portfolio):
    client.force_login(admin)

    response = client.post(
        reverse("user_deactivate", args=[kam1.pk]), {"accounts": "", "step": "confirm"}
    )

    assert response.context["step"] == "choose"
    assert response.context["form"].errors["accounts"]
    kam1.refresh_from_db()
    assert kam1.is_active
    assert Account.objects.filter(owner=kam1).count() == 3


def test_it_asks_again_for_work_given_them_since_step_two(client, admin, kam1, kam2):
    AccountFactory(owner=kam1)
    client.force_login(admin)
    OpportunityFactory(account=AccountFactory(owner=kam2), owner=kam1)  # after step two

    response = client.post(
        reverse("user_deactivate", args=[kam1.pk]), {"accounts": kam2.pk, "step": "confirm"}
    )

    assert response.context["form"].errors["deals"]
    kam1.refresh_from_db()
    assert kam1.is_active


def test_the_hand_over_is_all_or_nothing(admin, kam1, kam2):
    AccountFactory(owner=kam1)
    OpportunityFactory(account=AccountFactory(owner=kam2), owner=kam1)

    with pytest.raises(ValidationError, match="more work meanwhile"):
        user_deactivate(user=kam1, by=admin, takers={"accounts": kam2}, directors={})

    kam1.refresh_from_db()
    assert kam1.is_active
    assert Account.objects.filter(owner=kam1).count() == 1


def test_a_director_hands_each_team_to_another_director(client, admin, north, director2):
    client.force_login(admin)
    leaving = north.director

    page = client.get(reverse("user_deactivate", args=[leaving.pk])).content.decode()
    assert "Team they lead" in page
    client.post(
        reverse("user_deactivate", args=[leaving.pk]),
        {f"team_{north.pk}": director2.pk, "step": "confirm"},
    )

    north.refresh_from_db()
    leaving.refresh_from_db()
    assert north.director == director2  # who approves the team's plans now
    assert not leaving.is_active


def test_someone_holding_nothing_is_one_confirmation(client, admin):
    idle = UserFactory(username="idle", role=Role.KAM, team=Team.objects.create(
        name="East", director=UserFactory(username="director3", role=Role.DIRECTOR)
    ))  # fmt: skip
    client.force_login(admin)

    page = client.get(reverse("user_deactivate", args=[idle.pk])).content.decode()
    assert "?step=choose" not in page
    client.post(reverse("user_deactivate", args=[idle.pk]))

    idle.refresh_from_db()
    assert not idle.is_active


def test_it_counts_what_they_hold_in_bounded_queries(
    admin, kam1, portfolio, client, django_assert_max_num_queries
):
    client.force_login(admin)
    with django_assert_max_num_queries(20):
        client.get(reverse("user_deactivate", args=[kam1.pk]), {"step": "choose"})
    assert PlanAction.objects.filter(owner=kam1).exists()
    assert Opportunity.objects.filter(owner=kam1).count() == 2


def test_a_team_keeps_its_director_when_there_is_no_other(client, admin, north):
    client.force_login(admin)
    leaving = north.director

    confirm = client.post(reverse("user_deactivate", args=[leaving.pk]), {"step": "choose"})
    assert f"leave {north.name} with them as its director" in confirm.content.decode()
    client.post(reverse("user_deactivate", args=[leaving.pk]), {"step": "confirm"})

    north.refresh_from_db()
    leaving.refresh_from_db()
    assert north.director == leaving
    assert not leaving.is_active
