"""The project's URLs: every app's URLconf mounted in one place (the top layer)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from exemptions import urls as exemption_urls
from portal.public import urls as public_urls
from portal.staff import urls as staff_urls
from supervision.registry import urls as registry_urls
from supervision.spotchecks import urls as spotcheck_urls

admin.site.site_header = _("产品质量监督抽查平台 管理")
admin.site.site_title = _("产品质量监督抽查平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    # browsers and readers that ignore the page's <link rel="icon"> ask the root for it
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.svg"), permanent=True), name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/public/", include(public_urls.api_urlpatterns)),
    path("api/", include(registry_urls.api_urlpatterns)),
    path("api/", include(spotcheck_urls.api_urlpatterns)),
    path("api/", include(exemption_urls.api_urlpatterns)),
    path("staff/", include(staff_urls)),
    path("staff/publication/", include("supervision.publication.urls")),
    path("staff/exemptions/", include("exemptions.urls")),
    path("staff/reports/", include("portal.reports.urls")),
    path("staff/", include("supervision.spotchecks.urls")),
    path("", include(public_urls.urlpatterns)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
