"""The stakeholder map you work on: a person opens in a side panel (htmx) and their save
redraws the map; influence is added from a person; the map shows one buying centre."""

from django.urls import reverse

from accounts.models import BuyingCentre, BuyingCentreMember, InfluenceLink, Stakeholder
from tests.accounts.test_stakeholders import person
from tests.factories import StakeholderFactory

IN_PLACE = {"HTTP_HX_REQUEST": "true"}


def test_it_opens_a_person_in_the_side_panel(client, kam1, north_account):
    malee = StakeholderFactory(account=north_account, name="Khun Malee")
    client.force_login(kam1)

    response = client.get(
        reverse("accounts:stakeholder_update", args=[north_account.pk, malee.pk]), **IN_PLACE
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-target="#person-panel-body"' in html
    assert f"?source={malee.pk}" in html  # add whom she influences, from her panel
    assert response.context["form"].instance == malee


def test_a_save_in_the_panel_redraws_the_map_and_closes_it(client, kam1, north_account):
    boss = StakeholderFactory(account=north_account, name="Khun Anan")
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:stakeholder_create", args=[north_account.pk]),
        person(reports_to=boss.pk),
        **IN_PLACE,
    )

    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "panel-done"
    malee = Stakeholder.objects.get(name="Khun Malee")
    assert malee.reports_to == boss  # a reporting line added from the map
    html = response.content.decode()
    assert 'id="stakeholder-card" aria-labelledby="h-map" hx-swap-oob="true"' in html
    assert html.count('data-testid="map-node"') == 2
    assert "M" in html.split('class="edge-reports"')[0].rsplit("<path", 1)[1]  # a drawn line


def test_errors_stay_in_the_panel(client, kam1, north_account):
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:stakeholder_create", args=[north_account.pk]),
        person(name=""),
        **IN_PLACE,
    )

    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert "HX-Trigger" not in response.headers
    assert not Stakeholder.objects.exists()


def test_influence_is_added_from_a_person(client, kam1, north_account):
    malee = StakeholderFactory(account=north_account, name="Khun Malee")
    anan = StakeholderFactory(account=north_account, name="Khun Anan")
    client.force_login(kam1)
    url = reverse("accounts:influence_create", args=[north_account.pk])

    opened = client.get(f"{url}?source={malee.pk}", **IN_PLACE)
    assert opened.context["form"]["source"].value() == str(malee.pk)
    saved = client.post(
        f"{url}?source={malee.pk}",
        {"source": malee.pk, "target": anan.pk, "strength": 4, "note": ""},
        **IN_PLACE,
    )

    assert saved.headers["HX-Trigger"] == "panel-done"
    assert InfluenceLink.objects.get().target == anan
    assert 'class="edge-influence"' in saved.content.decode()


def test_an_outsider_cannot_open_the_panel(client, kam2, north_account):
    malee = StakeholderFactory(account=north_account)
    client.force_login(kam2)

    url = reverse("accounts:stakeholder_update", args=[north_account.pk, malee.pk])
    assert client.get(url, **IN_PLACE).status_code == 404


def kiln_centre(account):
    """Two people, one of them in a buying centre: (that person, the centre)."""
    malee = StakeholderFactory(account=account, name="Khun Malee")
    StakeholderFactory(account=account, name="Khun Anan")
    centre = BuyingCentre.objects.create(account=account, name="Kiln upgrade")
    BuyingCentreMember.objects.create(buying_centre=centre, stakeholder=malee)
    return malee, centre


def test_the_map_shows_one_buying_centre(client, kam1, north_account):
    malee, centre = kiln_centre(north_account)
    client.force_login(kam1)
    page = reverse("accounts:people", args=[north_account.pk])

    everyone = client.get(page).context["stakeholder_map"]
    one_centre = client.get(page, {"centre": centre.pk})

    assert len(everyone.nodes) == 2
    assert [n.person for n in one_centre.context["stakeholder_map"].nodes] == [malee]
    assert "buying centre: Kiln upgrade</option>" in one_centre.content.decode()
    assert len(client.get(page, {"centre": "999"}).context["stakeholder_map"].nodes) == 2


def test_a_save_in_the_panel_keeps_the_buying_centre_shown_and_redraws_its_card(
    client, kam1, north_account
):
    malee, centre = kiln_centre(north_account)
    client.force_login(kam1)
    page = reverse("accounts:people", args=[north_account.pk])

    saved = client.post(
        reverse("accounts:stakeholder_update", args=[north_account.pk, malee.pk]),
        person(name="Khun Malee S.", version=malee.version),
        HTTP_HX_CURRENT_URL=f"http://testserver{page}?centre={centre.pk}",
        **IN_PLACE,
    )

    assert saved.headers["HX-Trigger"] == "panel-done"
    assert [n.person.name for n in saved.context["stakeholder_map"].nodes] == ["Khun Malee S."]
    html = saved.content.decode()
    card = html.split('id="buying-centres-card"', 1)[1]
    assert 'hx-swap-oob="true"' in card.split(">", 1)[0]
    assert "Khun Malee S.:" in card  # the renamed member, as the centres card lists them
