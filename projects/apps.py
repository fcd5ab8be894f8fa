from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目"

    def ready(self) -> None:
        from evalsys.lib.sqlite import use_real_variable_limit

        connection_created.connect(use_real_variable_limit, dispatch_uid="evalsys-sqlite-limit")
