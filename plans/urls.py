from django.urls import path

from . import trail, views, whitespace

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/<int:account_pk>/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/history/", views.plan_history, name="history"),
    path("<int:pk>/trail/", trail.plan_trail, name="trail"),
    path("<int:pk>/targets/", views.targets_edit, name="targets"),
    path("<int:pk>/sections/<str:kind>/", views.section_edit, name="section"),
    path("<int:pk>/reviews/", views.review_create, name="review_create"),
    path("<int:pk>/reviews/<int:quarter>/sign-off/", views.review_sign_off, name="review_sign_off"),
    path("<int:pk>/whitespace/", whitespace.whitespace, name="whitespace"),
    path(
        "<int:pk>/whitespace/<int:unit_pk>/<int:line_pk>/",
        whitespace.whitespace_cell,
        name="whitespace_cell",
    ),
    path(
        "<int:pk>/whitespace/<int:unit_pk>/<int:line_pk>/opportunity/",
        whitespace.whitespace_opportunity,
        name="whitespace_opportunity",
    ),
    path("<int:pk>/rows/<str:which>/", views.plan_rows, name="rows"),
    path("<int:pk>/<str:action>/", views.plan_transition, name="transition"),
]
