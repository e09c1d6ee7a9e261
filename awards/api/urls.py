"""The awards API's routes: programmes, categories, criteria."""

from rest_framework.routers import SimpleRouter

from .views import CategoryViewSet, CriterionViewSet, ProgrammeViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("categories", CategoryViewSet, basename="category")
router.register("criteria", CriterionViewSet, basename="criterion")
urlpatterns = router.urls
