from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "导入与复制"

    def ready(self) -> None:
        # the task imports intake.jobs, which queues it: handed over once the apps are loaded
        from intake import jobs, tasks  # AppConfig.ready: the models they import are ready now

        jobs.tasks_register(import_run=tasks.import_run)
