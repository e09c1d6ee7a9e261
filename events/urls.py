"""The RSVP pages, reached from an invitation's private link."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("rsvp/", views.rsvp, name="rsvp"),
    path("rsvp/<str:token>/", views.rsvp_link, name="rsvp-link"),
    path("celebrate/", views.celebrate, name="celebrate"),
    path("celebrate/<str:token>/", views.celebrate_link, name="celebrate-link"),
]
