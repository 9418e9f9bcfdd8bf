"""Celery application. Broker and result backend come from REDIS_URL (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuwei_safety.settings.base")

app = Celery("liuwei_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
