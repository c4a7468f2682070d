from django.apps import AppConfig


class RehabPathConfig(AppConfig):
    name = "rehabpath"
    verbose_name = "RehabPath"
