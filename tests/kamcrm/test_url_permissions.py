"""Every URL of the app, and who may use it: each route names the permission that guards
it, and each is tried as the people that permission lets in (never refused) and as those
it keeps out (404 for things they may not see, 403 for pages their role does not have).
A new route fails here until it says who may use it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import (
    Activity,
    BuyingCentre,
    Commitment,
    ExchangeRate,
    ImportJob,
    ImportState,
    OpportunityStage,
    ProductLine,
    RevenueLine,
    TierSnapshot,
    WinBackAction,
)
from api.services import token_create
from kamcrm.models import Role
from plans.models import PlanStatus, QuarterlyReview
from plans.services import plan_create
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    StakeholderFactory,
    UserFactory,
)
from tests.kamcrm.test_anonymous_access import PUBLIC, ROUTES

# The API's records, by route basename and the world's name for one of them.
API_RECORDS = [
    "account", "stakeholder", "buying_centre", "opportunity", "activity", "commitment",
    "revenue_line", "tier_snapshot", "plan",
]  # fmt: skip

# Who a permission lets in, and how it refuses the others. The cast: admin; director1
# leads North with kam1 (who owns the account) and kam1b (his teammate, who sees it but
# does not own it); director2 leads South with kam2.
ANYONE = ("kamcrm.view_dashboard", None, ["admin", "director1", "kam1", "kam2"], {})
RULES = {
    "anyone": ANYONE,
    "manage_users": (
        "kamcrm.manage_users", None, ["admin"], {"director1": 403, "kam1": 403},
    ),
    "manage_settings": (
        "kamcrm.manage_settings", None, ["admin"], {"director1": 403, "kam1": 403},
    ),
    "import_data": (
        "accounts.import_data", None, ["admin", "director1"], {"kam1": 403},
    ),
    "view_importjob": (
        "accounts.view_importjob", "job", ["admin", "director1"],
        {"director2": 404, "kam1": 403},
    ),
    "add_productline": (
        "accounts.add_productline", None, ["admin"], {"director1": 404, "kam1": 403},
    ),
    "view_account": (
        "accounts.view_account", "account", ["admin", "director1", "kam1", "kam1b"],
        {"kam2": 404, "director2": 404},
    ),
    "change_account": (
        "accounts.change_account", "account", ["admin", "director1", "kam1"],
        {"kam1b": 404, "kam2": 404, "director2": 404},
    ),
    "view_accountplan": (
        "plans.view_accountplan", "plan", ["admin", "director1", "kam1"],
        {"kam1b": 404, "kam2": 404, "director2": 404},
    ),
    "add_accountplan": (
        "plans.add_accountplan", "account", ["kam1"], {"director1": 403, "kam2": 404},
    ),
    "change_accountplan": (
        "plans.change_accountplan", "plan", ["kam1"],
        {"director1": 404, "kam1b": 404, "kam2": 404},
    ),
    # The API's write: a director sees the plan (so 403, not 404) but KAMs write it.
    "api_change_accountplan": (
        "plans.change_accountplan", "plan", ["kam1", "admin"],
        {"director1": 403, "kam1b": 404, "kam2": 404, "director2": 404},
    ),
    "view_all_apitokens": (
        "api.view_all_apitokens", None, ["admin"], {"director1": 403, "kam1": 403},
    ),
    "revoke_apitoken": (
        "api.revoke_apitoken", "token", ["kam1", "admin"], {"kam2": 404, "director1": 404},
    ),
    "approve_accountplan": (
        "plans.approve_accountplan", "plan", ["director1", "admin"],
        {"kam1": 404, "director2": 404},
    ),
}  # fmt: skip

# Each route: the rule that guards it and the path's arguments, from the world below.
ROUTE_RULES = {
    "home": ("anyone", {}),
    "logout": ("anyone", {}),
    "password_change": ("anyone", {}),
    "password_change_done": ("anyone", {}),
    "admin_login": ("anyone", {}),
    "set_language": ("anyone", {}),
    "notifications": ("anyone", {}),
    "notifications_read": ("anyone", {}),
    "dashboards:dashboard": ("anyone", {}),
    "dashboards:pipeline": ("anyone", {}),
    "accounts:list": ("anyone", {}),
    "accounts:export": ("anyone", {}),
    "accounts:movements": ("anyone", {}),
    "accounts:search": ("anyone", {}),
    "accounts:activity_log": ("anyone", {}),
    "accounts:create": ("anyone", {}),
    "plans:list": ("anyone", {}),
    "user_list": ("manage_users", {}),
    "user_create": ("manage_users", {}),
    "user_update": ("manage_users", {"pk": "kam2"}),
    "user_deactivate": ("manage_users", {"pk": "kam2"}),
    "user_reactivate": ("manage_users", {"pk": "kam2"}),
    "user_unlock": ("manage_users", {"pk": "kam2"}),
    "user_send_password_link": ("manage_users", {"pk": "kam2"}),
    "team_list": ("manage_users", {}),
    "team_create": ("manage_users", {}),
    "team_update": ("manage_users", {"pk": "south"}),
    "settings:index": ("manage_settings", {}),
    "settings:thresholds": ("manage_settings", {}),
    "settings:tiering_run": ("manage_settings", {"run": "0c6a3f43-26c1-4bd4-9c1c-7d0a4a3c1f00"}),
    "settings:planning": ("manage_settings", {}),
    "settings:health": ("manage_settings", {}),
    "settings:list": ("manage_settings", {"kind": "stages"}),
    "settings:create": ("manage_settings", {"kind": "competitors"}),
    "settings:update": ("manage_settings", {"kind": "currencies", "pk": "EUR"}),
    "settings:delete": ("manage_settings", {"kind": "currencies", "pk": "EUR"}),
    "settings:rate_add": ("manage_settings", {"code": "EUR"}),
    "settings:rate_delete": ("manage_settings", {"code": "EUR", "rate": "eur_rate"}),
    "accounts:import": ("import_data", {}),
    "accounts:import_history": ("import_data", {}),
    "accounts:import_template": ("import_data", {"kind": "accounts"}),
    "accounts:import_job": ("view_importjob", {"pk": "job"}),
    "accounts:import_now": ("view_importjob", {"pk": "job"}),
    "accounts:import_columns": ("view_importjob", {"pk": "matching_job"}),
    "accounts:import_add_product_lines": ("add_productline", {"pk": "job"}),
    "accounts:detail": ("view_account", {"pk": "account"}),
    "accounts:brief": ("view_account", {"pk": "account"}),
    "accounts:people": ("view_account", {"pk": "account"}),
    "accounts:performance": ("view_account", {"pk": "account"}),
    "accounts:history": ("view_account", {"pk": "account"}),
    "accounts:update": ("change_account", {"pk": "account"}),
    "accounts:stakeholders": ("change_account", {"pk": "account"}),
    "accounts:stakeholder_create": ("change_account", {"pk": "account"}),
    "accounts:stakeholder_update": (
        "change_account", {"pk": "account", "stakeholder_pk": "stakeholder"},
    ),
    "accounts:influence_create": ("change_account", {"pk": "account"}),
    "accounts:opportunity_create": ("change_account", {"pk": "account"}),
    "accounts:opportunity_update": (
        "change_account", {"pk": "account", "opportunity_pk": "opportunity"},
    ),
    "accounts:opportunity_move": (
        "change_account", {"pk": "account", "opportunity_pk": "opportunity"},
    ),
    "accounts:buying_centre_create": ("change_account", {"pk": "account"}),
    "accounts:buying_centre_update": ("change_account", {"pk": "account", "centre_pk": "centre"}),
    "accounts:activity_create": ("change_account", {"pk": "account"}),
    "accounts:commitment_create": ("change_account", {"pk": "account"}),
    "accounts:commitment_update": (
        "change_account", {"pk": "account", "commitment_pk": "commitment"},
    ),
    "accounts:commitment_done": (
        "change_account", {"pk": "account", "commitment_pk": "commitment"},
    ),
    "accounts:competitor_add": ("change_account", {"pk": "account"}),
    "accounts:team_member_add": ("change_account", {"pk": "account"}),
    "accounts:win_back_create": ("change_account", {"pk": "account"}),
    "accounts:win_back_update": ("change_account", {"pk": "account", "action_pk": "win_back"}),
    "plans:create": ("add_accountplan", {"account_pk": "account"}),
    "plans:detail": ("view_accountplan", {"pk": "plan"}),
    "plans:history": ("view_accountplan", {"pk": "plan"}),
    "plans:trail": ("view_accountplan", {"pk": "plan"}),
    "plans:whitespace": ("view_accountplan", {"pk": "plan"}),
    "plans:targets": ("change_accountplan", {"pk": "plan"}),
    "plans:section": ("change_accountplan", {"pk": "plan", "kind": "strengths"}),
    "plans:rows": ("change_accountplan", {"pk": "plan", "which": "goals"}),
    "plans:review_create": ("change_accountplan", {"pk": "approved_plan"}),
    "plans:whitespace_cell": (
        "change_accountplan", {"pk": "plan", "unit_pk": "account", "line_pk": "line"},
    ),
    "plans:whitespace_opportunity": (
        "change_accountplan", {"pk": "plan", "unit_pk": "account", "line_pk": "line"},
    ),
    "plans:transition": ("change_accountplan", {"pk": "plan", "action": "submit"}),
    "plans:review_sign_off": ("approve_accountplan", {"pk": "approved_plan", "quarter": 1}),
    "api:tokens": ("anyone", {}),
    "api:token_list_all": ("view_all_apitokens", {}),
    "api:token_revoke": ("revoke_apitoken", {"pk": "token"}),
    "api:docs": ("anyone", {}),
    "api:schema": ("anyone", {}),
    "api:dashboard": ("anyone", {}),
    "api:stage-list": ("anyone", {}),
    "api:stage-detail": ("anyone", {"pk": "stage"}),
    "api:revenue_bulk": ("import_data", {}),
    "api:plan-detail": ("view_accountplan", {"pk": "plan"}),
    "api:plan-section": ("api_change_accountplan", {"pk": "plan", "kind": "strengths"}),
    **{f"api:{record}-list": ("anyone", {}) for record in API_RECORDS},
    **{
        f"api:{record}-detail": ("view_account", {"pk": record})
        for record in API_RECORDS
        if record != "plan"
    },
}  # fmt: skip

# The Django admin's own pages are its staff check's: staff are the admins (kamcrm.models).
APP_ROUTES = {name for name, _ in ROUTES if name not in PUBLIC and not name.startswith("admin:")}


def test_every_route_says_who_may_use_it():
    assert set(APP_ROUTES) - set(ROUTE_RULES) == set(), "add the new routes to ROUTE_RULES"
    assert set(ROUTE_RULES) - set(APP_ROUTES) == set(), "a route here no longer exists"


@pytest.fixture
def world(admin, director1, director2, kam1, kam2):
    kam1b = UserFactory(username="kam1b", role=Role.KAM, team=kam1.team)
    account = AccountFactory(name="Siam Cement", owner=kam1)
    approved = AccountFactory(name="Thai Paper", owner=kam1)
    plan = plan_create(account=account, fiscal_year=2026, by=kam1)
    approved_plan = plan_create(account=approved, fiscal_year=2026, by=kam1)
    approved_plan.status = PlanStatus.APPROVED
    approved_plan.save()
    QuarterlyReview.objects.create(plan=approved_plan, quarter=1, reviewed_by=kam1, actuals={})
    deal = OpportunityFactory(account=account)
    activity = Activity.objects.create(
        account=account, kind="call", date=date(2026, 3, 2), summary="Call", created_by=kam1
    )
    job = ImportJob.objects.create(
        kind="accounts",
        dry_run=True,
        created_by=director1,
        language="en",
        file_name="accounts.csv",
        content="name\nx\n",
        state=ImportState.DONE,
        report={"ok": True, "unknown": {"product_line": ["Gaskets"]}},
    )
    matching = ImportJob.objects.create(
        kind="accounts",
        created_by=director1,
        language="en",
        file_name="accounts.csv",
        content="name\nx\n",
        state=ImportState.MATCHING,
    )
    return {
        "admin": admin, "director1": director1, "director2": director2,
        "kam1": kam1, "kam1b": kam1b, "kam2": kam2, "south": kam2.team,
        "account": account, "plan": plan, "approved_plan": approved_plan,
        "stakeholder": StakeholderFactory(account=account),
        "opportunity": deal,
        "centre": BuyingCentre.objects.create(account=account, name="New line"),
        "buying_centre": BuyingCentre.objects.create(account=account, name="Kilns"),
        "activity": activity,
        "revenue_line": RevenueLine.objects.create(
            account=account, date=date(2026, 2, 1), amount=10, currency_id="USD",
            external_ref="INV-1",
        ),
        "tier_snapshot": TierSnapshot.objects.create(
            account=account, as_of=date(2026, 1, 31), revenue_12m=0, revenue_previous_12m=0,
            revenue_last_6m=0, potential=0, abc="C", xyz="Z", contribution_level="low",
            potential_level="low", nine_box_class="D", status="prospect", strategy="acquire",
        ),
        "token": token_create(user=kam1, name="ERP")[0],
        "stage": OpportunityStage.objects.first(),
        "commitment": Commitment.objects.create(
            account=account, what="Samples", due=date(2026, 6, 30), owner=kam1
        ),
        "win_back": WinBackAction.objects.create(
            account=account, offer="discount", created_by=kam1
        ),
        "line": ProductLine.objects.create(name="Valves"),
        "job": job, "matching_job": matching,
        "eur_rate": ExchangeRate.objects.create(
            currency_id="EUR", valid_from=date(2026, 1, 1), rate=Decimal("1.08")
        ),
    }  # fmt: skip


def _path(name: str, arguments: dict, world: dict) -> str:
    kwargs = {
        key: (world[value].pk if isinstance(value, str) and value in world else value)
        for key, value in arguments.items()
    }
    return reverse(name, kwargs=kwargs)


def _status(client, path: str) -> int:
    """GET where the page has one; POST (empty) where it only takes a form; PATCH (empty)
    where only that (the API's updates)."""
    status = client.get(path).status_code
    if status == 405:
        status = client.post(path).status_code
    if status == 405:
        status = client.patch(path, content_type="application/json").status_code
    return status


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTE_RULES))
def test_the_route_lets_in_whom_its_permission_names_and_no_one_else(client, world, name):
    rule, arguments = ROUTE_RULES[name]
    permission, target, allowed, refused = RULES[rule]
    path = _path(name, arguments, world)
    obj = world[arguments["pk" if "pk" in arguments else "account_pk"]] if target else None
    if target == "account" and hasattr(obj, "account"):
        obj = obj.account  # the API's records answer to their account's rules
    # The rule says it...
    for username in allowed:
        assert world[username].has_perm(permission, obj), f"{permission}: {username}"
    for username in refused:
        assert not world[username].has_perm(permission, obj), f"{permission}: {username}"
    # ...and the route does it. Those kept out first: the allowed may change things.
    for username, expected in refused.items():
        client.force_login(world[username])
        assert _status(client, path) == expected, f"{username} at {path}"
    for username in allowed:
        # Each on the world as it was: one admin's import-now must not use up the file
        # for the director after them.
        with transaction.atomic():
            client.force_login(world[username])
            assert _status(client, path) not in (403, 404), f"{username} refused at {path}"
            transaction.set_rollback(True)
