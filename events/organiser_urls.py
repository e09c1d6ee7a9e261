"""The organiser's event pages, mounted at /event/ by config.urls together with the night's pages
(night.urls), in the one namespace "event-admin"."""

from django.urls import path

from . import organiser_views as views

app_name = "event-admin"

urlpatterns = [
    path("", views.events, name="events"),
    path("<int:event_id>/", views.event_dashboard, name="event"),
    path("<int:event_id>/edit/", views.event_edit, name="event-edit"),
    path("<int:event_id>/invitations/new/", views.invitation_new, name="invitation-new"),
    path("<int:event_id>/invitations/create-finalists/", views.finalists_invite, name="finalists-invite"),
    path("<int:event_id>/invitations/send/", views.invitations_send_all, name="send-all"),
    path("invitation/<int:invitation_id>/", views.invitation_detail, name="invitation"),
    path("invitation/<int:invitation_id>/details/", views.invitation_details, name="invitation-details"),
    path("invitation/<int:invitation_id>/allowance/", views.invitation_allowance, name="invitation-allowance"),
    path("invitation/<int:invitation_id>/quote/", views.invitation_quote, name="invitation-quote"),
    path("invitation/<int:invitation_id>/send/", views.invitation_send, name="invitation-send"),
    path("invitation/<int:invitation_id>/resend/", views.invitation_resend_view, name="invitation-resend"),
    path("invitation/<int:invitation_id>/revoke/", views.invitation_revoke_view, name="invitation-revoke"),
    # The list of their choices is night.document_views.own_say: it says whose cards need reprinting.
    path("invitation/<int:invitation_id>/own-say/remind/", views.own_say_remind, name="own-say-remind"),
    path("email/<int:delivery_id>/retry/", views.delivery_retry_view, name="delivery-retry"),
]
