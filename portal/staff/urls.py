"""The staff dashboard (under /staff/): what waits for each role, across every app."""

from django.urls import path

from portal.staff import views

urlpatterns = [
    path("", views.staff_home, name="staff-home"),
]
