"""The organiser dashboard, mounted at /dashboard/."""

from django.urls import path

from . import dashboard_views as views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
