from django.urls import path

from .views import metrics, readyz

urlpatterns = [
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
]
