from django.urls import path

from . import views

app_name = "seminar"

urlpatterns = [
    path("", views.seminar_list, name="list"),
    path("seminars/<slug:slug>/", views.seminar_detail, name="detail"),
]
