"""The safeguarding pages, mounted at /safeguarding/."""

from django.urls import path

from . import safeguarding_views as views

app_name = "safeguarding"

urlpatterns = [
    path("", views.waiting, name="waiting"),
    path("young-person/<int:nominee_id>/", views.check, name="check"),
    path("young-person/<int:nominee_id>/withdraw/<slug:purpose>/", views.withdraw, name="withdraw"),
]
