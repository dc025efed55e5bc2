from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/<int:account_pk>/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/history/", views.plan_history, name="history"),
    path("<int:pk>/targets/", views.targets_edit, name="targets"),
    path("<int:pk>/sections/<str:kind>/", views.section_edit, name="section"),
    path("<int:pk>/reviews/", views.review_create, name="review_create"),
    path("<int:pk>/reviews/<int:quarter>/sign-off/", views.review_sign_off, name="review_sign_off"),
    path("<int:pk>/<str:action>/", views.plan_transition, name="transition"),
]
