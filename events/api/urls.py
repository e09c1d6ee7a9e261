"""The events API's routes: the event, invitations, their e-mail and the RSVP."""

from rest_framework.routers import SimpleRouter

from .views import EmailDeliveryViewSet, EventViewSet, InvitationViewSet, RsvpViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("email-deliveries", EmailDeliveryViewSet, basename="email-delivery")
router.register("rsvp", RsvpViewSet, basename="rsvp")

urlpatterns = router.urls
