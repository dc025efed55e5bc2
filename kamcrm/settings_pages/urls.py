from django.urls import path

from . import views

app_name = "settings"
urlpatterns = [
    path("", views.settings_index, name="index"),
    path("thresholds/", views.thresholds_edit, name="thresholds"),
    path("thresholds/runs/<uuid:run>/", views.tiering_run, name="tiering_run"),
    path("planning/", views.one_row_edit, {"which": "planning"}, name="planning"),
    path("health/", views.one_row_edit, {"which": "health"}, name="health"),
    path("currencies/<str:code>/rates/", views.rate_add_view, name="rate_add"),
    path(
        "currencies/<str:code>/rates/<str:rate>/delete/",
        views.rate_delete_view,
        name="rate_delete",
    ),
    path("<str:kind>/", views.setting_list, name="list"),
    path("<str:kind>/new/", views.setting_edit, name="create"),
    path("<str:kind>/<str:pk>/", views.setting_edit, name="update"),
    path("<str:kind>/<str:pk>/delete/", views.setting_delete_view, name="delete"),
]
