from django.urls import path

from .views import accounts, people

app_name = "accounts"

urlpatterns = [
    path("", accounts.AccountListView.as_view(), name="list"),
    path("export.csv", accounts.account_export, name="export"),
    path("new/", accounts.AccountCreateView.as_view(), name="create"),
    path("<int:pk>/", accounts.account_detail, name="detail"),
    path("<int:pk>/brief/", accounts.account_brief, name="brief"),
    path("<int:pk>/edit/", accounts.AccountUpdateView.as_view(), name="update"),
    path("<int:pk>/stakeholders/", people.stakeholders_bulk_edit, name="stakeholders"),
    path("<int:pk>/stakeholders/new/", people.stakeholder_edit, name="stakeholder_create"),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/",
        people.stakeholder_edit,
        name="stakeholder_update",
    ),
    path("<int:pk>/influence/new/", people.influence_create, name="influence_create"),
]
