"""Staff pages of exemptions (under /staff/exemptions/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from exemptions import api, views

app_name = "exemptions"
urlpatterns = [
    path("", views.index, name="index"),
    path("products/<int:pk>/", views.eligibility, name="eligibility"),
    path("products/<int:pk>/apply/", views.application_create, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("designations/<int:pk>/revoke/", views.revoke, name="revoke"),
]

router = SimpleRouter()
router.register("exemptions/eligibility", api.EligibilityViewSet, basename="exemption-eligibility")
router.register("exemptions/applications", api.ApplicationViewSet, basename="exemption-application")
router.register("exemptions/designations", api.DesignationViewSet, basename="exemption-designation")
api_urlpatterns = router.urls
