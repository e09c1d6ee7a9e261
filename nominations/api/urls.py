from rest_framework.routers import SimpleRouter

from .views import MyNominationViewSet, NominationLinkViewSet, NominationViewSet, NomineeViewSet

router = SimpleRouter()
router.register("nominations", NominationViewSet, basename="nomination")
router.register("my-nominations", MyNominationViewSet, basename="my-nomination")
router.register("nomination-link", NominationLinkViewSet, basename="nomination-link")
router.register("nominees", NomineeViewSet, basename="nominee")
urlpatterns = router.urls
