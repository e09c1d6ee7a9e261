"""The night's API routes: its actions on an event, running-order items, guests at the door."""

from rest_framework.routers import SimpleRouter

from .views import EventNightViewSet, GuestViewSet, RunningOrderItemViewSet

router = SimpleRouter()
# The night's actions live under the event's path; events.api.urls has the event itself.
router.register("events", EventNightViewSet, basename="event-night")
router.register("running-order-items", RunningOrderItemViewSet, basename="running-order-item")
router.register("guests", GuestViewSet, basename="guest")

urlpatterns = router.urls
