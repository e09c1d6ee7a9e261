"""The root URLconf: every app's pages and API, sign-in, the admin and the API schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health, views
from config.emails import OutboxPasswordResetForm
from config.two_factor import TokenLoginView, two_factor
from dashboard.landing import landing
from events import organiser_urls as event_pages
from night import urls as night_pages

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("", include("awards.api.urls")),
    path("", include("nominations.api.urls")),
    path("", include("shortlisting.api.urls")),
    path("", include("events.api.urls")),
    path("", include("night.api.urls")),
]

urlpatterns = [
    # Load balancers and monitoring (answered first by config.health.HealthCheckMiddleware).
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    path("health/", health.everything, name="health"),
    # What every page's footer links to.
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
    path("", include("nominations.urls")),
    path("panel/", include("shortlisting.urls")),
    path("", include("events.urls")),
    # The event's pages and the night's share one namespace: the night is part of the event to organisers.
    path("event/", include((event_pages.urlpatterns + night_pages.urlpatterns, event_pages.app_name))),
    path("organise/", include("nominations.organiser_urls")),
    path("safeguarding/", include("events.safeguarding_urls")),
    path("recognition/", include("night.public_urls")),
    path("dashboard/", include("dashboard.urls")),
    path("data-protection/", include("data_protection.urls")),
    # Login, logout, and the password reset that invited panel members use to choose a password.
    path("accounts/start/", landing, name="landing"),  # where sign-in lands each role
    path("accounts/two-factor/", two_factor, name="two-factor"),
    # Django's page, with the e-mail through the outbox.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's script from a URL, so the page needs no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
