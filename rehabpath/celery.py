"""The Celery app, in the cookiecutter shape: settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabpath.settings")

# Every task's base class (rehabpath.tasks.BaseTask) is named here so that a plain
# @shared_task gets the project's retry and after-commit behaviour without repeating it.
app = Celery("rehabpath", task_cls="rehabpath.tasks:BaseTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def configure_logging(*args: object, **kwargs: object) -> None:
    """Workers and beat log through Django's LOGGING, like the web processes.

    Connecting to this signal stops Celery from installing its own root handlers, so one
    format and one LOG_LEVEL apply everywhere (cookiecutter-django's celery_app.py does this).
    """
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
