from django.urls import path

from .views import accounts, contact, deals, history, imports, people, search, tiers

app_name = "accounts"

urlpatterns = [
    path("", accounts.AccountListView.as_view(), name="list"),
    path("export.csv", accounts.account_export, name="export"),
    path("movements/", tiers.tier_movements, name="movements"),
    path("search/", search.search, name="search"),
    path("activities/new/", contact.activity_log, name="activity_log"),
    path("new/", accounts.AccountCreateView.as_view(), name="create"),
    path("import/", imports.import_upload, name="import"),
    path("import/<int:pk>/", imports.import_job, name="import_job"),
    path("import/<int:pk>/import-now/", imports.import_now, name="import_now"),
    path("import/<int:pk>/columns/", imports.import_columns, name="import_columns"),
    path(
        "import/<int:pk>/add-product-lines/",
        imports.import_add_product_lines,
        name="import_add_product_lines",
    ),
    path("import/history/", imports.import_history, name="import_history"),
    path("import/template/<str:kind>.csv", imports.import_template, name="import_template"),
    path("<int:pk>/", accounts.account_detail, name="detail"),
    path("<int:pk>/people/", accounts.account_people_tab, name="people"),
    path("<int:pk>/performance/", accounts.account_performance, name="performance"),
    path("<int:pk>/brief/", accounts.account_brief, name="brief"),
    path("<int:pk>/history/", history.account_history, name="history"),
    path("<int:pk>/edit/", accounts.AccountUpdateView.as_view(), name="update"),
    path("<int:pk>/stakeholders/", people.stakeholders_bulk_edit, name="stakeholders"),
    path("<int:pk>/stakeholders/new/", people.stakeholder_edit, name="stakeholder_create"),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/",
        people.stakeholder_edit,
        name="stakeholder_update",
    ),
    path("<int:pk>/influence/new/", people.influence_create, name="influence_create"),
    path("<int:pk>/opportunities/new/", deals.opportunity_edit, name="opportunity_create"),
    path(
        "<int:pk>/opportunities/<int:opportunity_pk>/move/",
        deals.opportunity_move_view,
        name="opportunity_move",
    ),
    path(
        "<int:pk>/opportunities/<int:opportunity_pk>/",
        deals.opportunity_edit,
        name="opportunity_update",
    ),
    path("<int:pk>/buying-centres/new/", deals.buying_centre_edit, name="buying_centre_create"),
    path(
        "<int:pk>/buying-centres/<int:centre_pk>/",
        deals.buying_centre_edit,
        name="buying_centre_update",
    ),
    path("<int:pk>/activities/new/", contact.activity_create, name="activity_create"),
    path("<int:pk>/commitments/new/", contact.commitment_edit, name="commitment_create"),
    path(
        "<int:pk>/commitments/<int:commitment_pk>/",
        contact.commitment_edit,
        name="commitment_update",
    ),
    path(
        "<int:pk>/commitments/<int:commitment_pk>/done/",
        contact.commitment_done,
        name="commitment_done",
    ),
    path("<int:pk>/competitors/new/", contact.competitor_add, name="competitor_add"),
    path("<int:pk>/team/new/", contact.team_member_add, name="team_member_add"),
    path("<int:pk>/win-back/new/", contact.win_back_edit, name="win_back_create"),
    path("<int:pk>/win-back/<int:action_pk>/", contact.win_back_edit, name="win_back_update"),
]
