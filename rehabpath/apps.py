from django.apps import AppConfig


class RehabPathConfig(AppConfig):
    name = "rehabpath"
    verbose_name = "RehabPath"

    def ready(self) -> None:
        """Register the mail channel, then let every app register its notification kinds,
        reminder sources and channels from its own `notifications` module: the core finds
        them and names none."""
        from django.utils.module_loading import autodiscover_modules

        import rehabpath.mail  # noqa: F401 - registers the mail channel

        autodiscover_modules("notifications")
