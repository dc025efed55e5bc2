"""`/api/v1/` for machines (a token or the browser's session: DRF's views are left alone
by the sign-in middleware, and answer 401 rather than redirect), the schema, its
documentation page and the token pages."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import pages, views
from .dashboard import DashboardView
from .revenue import RevenueUpsertView

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("accounts", views.AccountViewSet, basename="account")
router.register("stakeholders", views.StakeholderViewSet, basename="stakeholder")
router.register("buying-centres", views.BuyingCentreViewSet, basename="buying_centre")
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("stages", views.StageViewSet, basename="stage")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("revenue-lines", views.RevenueLineViewSet, basename="revenue_line")
router.register("tier-history", views.TierSnapshotViewSet, basename="tier_snapshot")
router.register("plans", views.AccountPlanViewSet, basename="plan")

urlpatterns = [
    # Before the router's detail route, which would read "bulk" as an id.
    path("v1/revenue-lines/bulk/", RevenueUpsertView.as_view(), name="revenue_bulk"),
    path("v1/dashboard/", DashboardView.as_view(), name="dashboard"),
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in router.urls],
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # A page for people: signing in first, as every page does (DRF's views are
        # left alone by the sign-in middleware).
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/all/", pages.token_list_all, name="token_list_all"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke_view, name="token_revoke"),
]
