from django.urls import path

from portal.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_home, name="home"),
    path("generate/", views.generate_view, name="generate"),
    path("status/<str:task_id>/", views.status_view, name="status"),
    path("documents/<int:pk>/download/", views.download_view, name="download"),
]
