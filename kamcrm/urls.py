from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    # Reached from the emailed link while signed out.
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserUpdateView.as_view(), name="user_update"),
    path(
        "users/<int:pk>/deactivate/",
        views.user_set_active_view,
        {"active": False},
        name="user_deactivate",
    ),
    path(
        "users/<int:pk>/reactivate/",
        views.user_set_active_view,
        {"active": True},
        name="user_reactivate",
    ),
    path("users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
    path(
        "users/<int:pk>/password-link/",
        views.user_send_password_link_view,
        name="user_send_password_link",
    ),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamUpdateView.as_view(), name="team_update"),
    path("settings/", include("kamcrm.settings_pages.urls")),
    # One sign-in page for everyone: the Django admin's own login form is not offered.
    path("accounts/", include("accounts.urls")),
    path("plans/", include("plans.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("api/", include("api.urls")),
    path("django-admin/login/", views.admin_login, name="admin_login"),
    path("django-admin/", admin.site.urls),
    path("i18n/setlang/", views.language_set, name="set_language"),
]

# The API answers errors Django raises before its views in JSON, as it promises; pages
# get the error pages.
handler400 = "kamcrm.views.bad_request"
handler404 = "kamcrm.views.not_found"
