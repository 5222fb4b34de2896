from django.urls import path

from supervision import publication_views

app_name = "publication"
urlpatterns = [
    path("", publication_views.publication_home, name="home"),
    path("publish/", publication_views.publish_quarter_view, name="publish"),
    path("status/<str:task_id>/", publication_views.publication_status, name="status"),
    path("results/<int:pk>/correct/", publication_views.correction_view, name="correct"),
    path("correct/", publication_views.correction_lookup, name="correct-lookup"),
]
