from django.urls import path

from . import pipeline, views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pipeline/", pipeline.pipeline, name="pipeline"),
]
