"""The shortlisting API's routes."""

from rest_framework.routers import SimpleRouter

from .views import AssignmentViewSet, PanelViewSet, ShortlistViewSet

router = SimpleRouter()
router.register("panels", PanelViewSet, basename="panel")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("shortlists", ShortlistViewSet, basename="shortlist")
urlpatterns = router.urls
