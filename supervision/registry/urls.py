"""The registry's REST API (under /api/): regions, bureaus, enterprises, people, catalogue, licences, institutions."""

from rest_framework.routers import DefaultRouter

from supervision.registry import api

router = DefaultRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("authorities", api.AuthorityViewSet, basename="authority")
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")
router.register("persons", api.PersonViewSet, basename="person")
router.register("appointments", api.AppointmentViewSet, basename="appointment")
router.register("categories", api.ProductCategoryViewSet, basename="category")
router.register("standards", api.StandardViewSet, basename="standard")
router.register("products", api.ProductViewSet, basename="product")
router.register("licences", api.LicenceViewSet, basename="licence")
router.register("institutions", api.InstitutionViewSet, basename="institution")
api_urlpatterns = router.urls
