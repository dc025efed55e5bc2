from django.urls import reverse

from accounts.models import Account


def form(**overrides):
    data = {
        "name": "Vina Logistics",
        "currency": "VND",
        "potential": "25000000000",
        "country": "Vietnam",
        "website": "vinalog.vn",
        "product_fit": "4",
    }
    return {**data, **overrides}


def test_a_kam_creates_an_account_they_own(client, kam1):
    client.force_login(kam1)

    response = client.post(reverse("accounts:create"), form(owner=""))

    account = Account.objects.get(name="Vina Logistics")
    assert response["Location"] == reverse("accounts:detail", args=[account.pk])
    assert account.owner == kam1
    assert account.website == "https://vinalog.vn"
    page = client.get(response["Location"])
    assert "Vina Logistics was created." in page.content.decode()


def test_a_kam_cannot_hand_an_account_to_someone_else(client, kam1, kam2):
    client.force_login(kam1)

    client.post(reverse("accounts:create"), form(owner=kam2.pk))

    assert Account.objects.get(name="Vina Logistics").owner == kam1


def test_a_director_assigns_a_kam_of_their_team(client, director1, kam1, kam2):
    client.force_login(director1)

    refused = client.post(reverse("accounts:create"), form(owner=kam2.pk))
    accepted = client.post(reverse("accounts:create"), form(owner=kam1.pk))

    assert "owner" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Account.objects.get(name="Vina Logistics").owner == kam1


def test_it_shows_field_errors(client, kam1):
    client.force_login(kam1)

    response = client.post(reverse("accounts:create"), form(name="", product_fit="9"))

    assert set(response.context["form"].errors) >= {"name", "product_fit"}
    assert not Account.objects.exists()


def test_it_refuses_a_parent_from_another_team(client, kam1, south_account):
    client.force_login(kam1)

    response = client.post(reverse("accounts:create"), form(parent=south_account.pk))

    assert "parent" in response.context["form"].errors


def test_it_refuses_a_duplicate_external_id(client, kam1, north_account):
    client.force_login(kam1)

    response = client.post(reverse("accounts:create"), form(external_id="SC-1"))

    assert "external_id" in response.context["form"].errors


def test_the_owner_edits_the_dossier(client, kam1, north_account):
    client.force_login(kam1)

    client.post(
        reverse("accounts:update", args=[north_account.pk]),
        form(
            name="Siam Cement Group",
            history="Won the 2025 kiln tender on service.",
            version=north_account.version,
        ),
    )

    north_account.refresh_from_db()
    assert north_account.name == "Siam Cement Group"
    assert "kiln tender" in north_account.history


def test_a_team_colleague_sees_but_cannot_edit(client, north_account, north):
    from kamcrm.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.KAM, team=north)
    client.force_login(colleague)

    assert client.get(reverse("accounts:detail", args=[north_account.pk])).status_code == 200
    response = client.post(reverse("accounts:update", args=[north_account.pk]), form())
    assert response.status_code == 404
    north_account.refresh_from_db()
    assert north_account.name == "Siam Cement"


def test_the_list_shows_a_new_potential_at_once(client, kam1, north_account):
    """The list reads the potential kept on the account: saving the form refreshes it."""
    from accounts.models import Currency

    Currency.objects.filter(code="VND").update(rate_to_base="0.00004")
    client.force_login(kam1)

    client.post(
        reverse("accounts:update", args=[north_account.pk]),
        form(name="Siam Cement", potential="1000000", version=north_account.version),
    )

    listed = client.get(reverse("accounts:list")).context["object_list"][0]
    assert listed.potential_base == 40  # 1,000,000 VND at 0.00004
