from django.db import models


class Row(models.Model):  # noqa: DJ008 (as startapp writes a model: no __str__)
    created_at = models.DateTimeField(auto_now_add=True)
