"""Who sees and who edits which account: the rules every view goes through."""

import pytest

from accounts.models import Account, AccountTeamMember, Opportunity, Stakeholder
from kamcrm.models import Role
from tests.factories import AccountFactory, OpportunityFactory, StakeholderFactory, UserFactory


@pytest.fixture
def portfolio(kam1, kam2, admin):
    north_colleague = UserFactory(username="kam1b", role=Role.KAM, team=kam1.team)
    return {
        "kam1": AccountFactory(name="Siam Cement", owner=kam1),
        "colleague": AccountFactory(name="Bangkok Paper", owner=north_colleague),
        "kam2": AccountFactory(name="Hanoi Steel", owner=kam2),
    }


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_a_kam_sees_their_teams_accounts_only(kam1, portfolio):
    assert names(Account.objects.visible_to(kam1)) == {"Siam Cement", "Bangkok Paper"}


def test_a_kam_edits_only_their_own_accounts(kam1, portfolio):
    assert names(Account.objects.editable_by(kam1)) == {"Siam Cement"}


def test_sharing_an_account_lets_another_teams_kam_see_and_edit_it(kam1, kam2, portfolio):
    AccountTeamMember.objects.create(account=portfolio["kam2"], user=kam1, role="Logistics")

    assert "Hanoi Steel" in names(Account.objects.visible_to(kam1))
    assert "Hanoi Steel" in names(Account.objects.editable_by(kam1))
    # Sharing never duplicates rows.
    assert Account.objects.visible_to(kam1).count() == 3


def test_a_director_sees_and_edits_the_teams_they_lead(director1, portfolio):
    expected = {"Siam Cement", "Bangkok Paper"}

    assert names(Account.objects.visible_to(director1)) == expected
    assert names(Account.objects.editable_by(director1)) == expected


def test_an_admin_sees_everything(admin, portfolio):
    assert Account.objects.visible_to(admin).count() == 3


def test_a_deactivated_user_sees_nothing(kam1, portfolio):
    kam1.is_active = False

    assert not Account.objects.visible_to(kam1).exists()


def test_things_at_an_account_follow_its_visibility(kam1, portfolio):
    StakeholderFactory(account=portfolio["kam1"], name="Khun Somchai")
    StakeholderFactory(account=portfolio["kam2"], name="Mr Tuan")
    OpportunityFactory(account=portfolio["colleague"], name="North deal")
    OpportunityFactory(account=portfolio["kam2"], name="South deal")

    assert names(Stakeholder.objects.visible_to(kam1)) == {"Khun Somchai"}
    assert names(Opportunity.objects.visible_to(kam1)) == {"North deal"}
    assert not Opportunity.objects.editable_by(kam1).exists()
