from datetime import date

from django.urls import reverse

from accounts.models import Commitment, OpportunityStage
from kamcrm.models import Role
from plans.services import plan_create
from tests.factories import PASSWORD, AccountFactory, OpportunityFactory, UserFactory


def test_it_asks_before_deactivating(client, admin, kam1):
    client.force_login(admin)

    response = client.get(reverse("user_deactivate", args=[kam1.pk]))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    kam1.refresh_from_db()
    assert kam1.is_active


def test_it_deactivates_and_keeps_the_user(client, admin, kam1):
    client.force_login(admin)

    response = client.post(reverse("user_deactivate", args=[kam1.pk]))

    assert response["Location"] == reverse("user_list")
    kam1.refresh_from_db()
    assert not kam1.is_active
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "kam1", "password": PASSWORD})
    assert signed_in.status_code == 200  # the form again, no session
    assert "_auth_user_id" not in client.session


def test_it_reactivates(client, admin, kam1):
    kam1.is_active = False
    kam1.save(update_fields=["is_active"])
    client.force_login(admin)

    client.post(reverse("user_reactivate", args=[kam1.pk]))

    kam1.refresh_from_db()
    assert kam1.is_active


def test_it_refuses_to_deactivate_yourself(client, admin):
    client.force_login(admin)

    response = client.post(reverse("user_deactivate", args=[admin.pk]), follow=True)

    admin.refresh_from_db()
    assert admin.is_active
    assert "cannot deactivate your own" in response.content.decode()


def test_it_warns_about_the_teams_a_director_leads(client, admin, north):
    client.force_login(admin)

    response = client.get(reverse("user_deactivate", args=[north.director_id]))

    assert "give each team a new director" in response.content.decode()


def test_it_refuses_a_kam(client, kam1, kam2):
    client.force_login(kam1)

    response = client.post(reverse("user_deactivate", args=[kam2.pk]))

    assert response.status_code == 403
    kam2.refresh_from_db()
    assert kam2.is_active


def test_a_kam_who_owns_accounts_is_deactivated_only_with_someone_taking_over(client, admin, kam1):
    teammate = UserFactory(username="kam1b", role=Role.KAM, team=kam1.team)
    account = AccountFactory(owner=kam1, name="Siam Cement")
    other = AccountFactory(owner=teammate, name="Thai Paper")
    open_deal = OpportunityFactory(account=other, owner=kam1)
    won = OpportunityFactory(
        account=other, owner=kam1, stage=OpportunityStage.objects.get(name="Closed won")
    )
    promise = Commitment.objects.create(
        account=other, what="Quote", due=date(2026, 5, 1), owner=kam1
    )
    plan = plan_create(account=account, fiscal_year=2026, by=kam1)
    action = plan.actions.create(what="Call the CFO", owner=kam1, due=date(2026, 5, 1))
    client.force_login(admin)

    page = client.get(reverse("user_deactivate", args=[kam1.pk])).content.decode()
    assert 'data-testid="still-owns"' in page
    assert "1 accounts, 1 open deals, 1 open commitments and 1 open plan actions" in page

    refused = client.post(reverse("user_deactivate", args=[kam1.pk]))
    assert refused.status_code == 200
    assert refused.context["form"].errors["to"]
    kam1.refresh_from_db()
    assert kam1.is_active

    client.post(reverse("user_deactivate", args=[kam1.pk]), {"to": teammate.pk})

    kam1.refresh_from_db()
    assert not kam1.is_active
    for row in [account, open_deal, promise, action]:
        row.refresh_from_db()
        assert row.owner == teammate, row
    won.refresh_from_db()
    assert won.owner == kam1  # a closed deal stays with who won it
