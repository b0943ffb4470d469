from django.urls import path

from . import views

app_name = "checkin"

urlpatterns = [
    path("", views.checkin_seminar_pick, name="pick"),
    path("<slug:slug>/", views.checkin_page, name="page"),
    path("<slug:slug>/walk-in/", views.checkin_walk_in, name="walk_in"),
    path("<slug:slug>/undo/", views.checkin_undo_view, name="undo"),
]
