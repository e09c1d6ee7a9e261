"""The nominations API's routes."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .imports import NominationImportViewSet
from .views import MyNominationViewSet, NominationLinkViewSet, NominationViewSet, NomineeViewSet

router = SimpleRouter()
router.register("nominations", NominationViewSet, basename="nomination")
router.register("my-nominations", MyNominationViewSet, basename="my-nomination")
router.register("nomination-link", NominationLinkViewSet, basename="nomination-link")
router.register("nominees", NomineeViewSet, basename="nominee")
# Before the router, whose nominations/<pk>/ route would otherwise take "import".
urlpatterns = [path("nominations/import/", NominationImportViewSet.as_view({"post": "create"}), name="nomination-import"), *router.urls]
