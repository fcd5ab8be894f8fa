from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "导入与复制"

    def ready(self) -> None:
        """Hand intake.jobs the worker's task, which imports it (so it cannot import the task)."""
        # imported here, not at the top: they import models, which are loaded only once ready() runs
        from intake import jobs, tasks

        jobs.tasks_register(import_run=tasks.import_run)
