from rest_framework.routers import SimpleRouter

from .night_views import GuestViewSet, RunningOrderItemViewSet
from .views import EmailDeliveryViewSet, EventViewSet, InvitationViewSet, RsvpViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("email-deliveries", EmailDeliveryViewSet, basename="email-delivery")
router.register("rsvp", RsvpViewSet, basename="rsvp")
router.register("running-order-items", RunningOrderItemViewSet, basename="running-order-item")
router.register("guests", GuestViewSet, basename="guest")

urlpatterns = router.urls
