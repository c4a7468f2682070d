"""The Celery app, in the cookiecutter shape: settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabpath.settings")

app = Celery("rehabpath")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
