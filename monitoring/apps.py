from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """运行监控: the mid-year stage (domain.md §8; the stage itself is projects.stages data)."""

    name = "monitoring"
    verbose_name = "运行监控"

    def ready(self) -> None:
        """Hand the monitoring stage's readiness, panel and import step to the engine and the import,
        which cannot import this app."""
        from dataclasses import replace

        from django.db.models.signals import post_migrate, post_save, pre_save

        from indicators.services import register_import_step
        from monitoring import relight, tasks
        from monitoring.counts import ensure
        from monitoring.relight import plan_loaded, plan_saved
        from projects.models import YearPlan
        from projects.scores import register_rescored
        from projects.stages import STAGES, StageKey, register
        from projects.workflow import register_readiness

        register_readiness(StageKey.MONITORING, "monitoring.readiness.monitoring_gaps")
        register_import_step("monitoring.importing.monitoring_import")  # a 监控表 (contract.md "Monitoring")
        register(replace(STAGES[StageKey.MONITORING], template="monitoring/panel.html"))
        # the overview's counts: SQLite's triggers back after a migration that remakes the reports' table
        post_migrate.connect(ensure, sender=self, dispatch_uid="evalsys-monitoring-count-triggers")
        # the stored lights follow what they are computed from: targets and budget, the year's bands
        register_rescored("monitoring.services.projects_lights_refresh")
        register_import_step("monitoring.services.import_lights_refresh")  # after the 监控表's step
        pre_save.connect(plan_loaded, sender=YearPlan, dispatch_uid="evalsys-monitoring-plan-loaded")
        post_save.connect(plan_saved, sender=YearPlan, dispatch_uid="evalsys-monitoring-plan-saved")
        # a change of the bands or the month relights the year in the task worker (monitoring.relight)
        relight.tasks_register(relight=tasks.year_relight)
