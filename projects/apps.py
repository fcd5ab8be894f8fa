from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from evalsys.lib.sqlite import use_real_variable_limit
        from projects.counts import ensure
        from projects.models import Project, projects_created
        from projects.signals import project_saved, projects_bulk_created

        connection_created.connect(use_real_variable_limit, dispatch_uid="evalsys-sqlite-limit")
        post_save.connect(project_saved, sender=Project, dispatch_uid="evalsys-project-stages")
        post_migrate.connect(ensure, sender=self, dispatch_uid="evalsys-state-count-triggers")
        projects_created.connect(projects_bulk_created, sender=Project, dispatch_uid="evalsys-project-bulk-stages")
