from django.urls import path

from supervision.publication import views

app_name = "publication"
urlpatterns = [
    path("", views.publication_home, name="home"),
    path("publish/", views.publish_quarter_view, name="publish"),
    path("status/<str:task_id>/", views.publication_status, name="status"),
    path("results/<int:pk>/correct/", views.correction_view, name="correct"),
    path("correct/", views.correction_lookup, name="correct-lookup"),
]
