from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """运行监控: the mid-year stage (domain.md §8; the stage itself is projects.stages data)."""

    name = "monitoring"
    verbose_name = "运行监控"

    def ready(self) -> None:
        """Hand the monitoring stage's readiness, panel and import step to the engine and the import,
        which cannot import this app."""
        from dataclasses import replace

        from indicators.services import register_import_step
        from projects.stages import STAGES, StageKey, register
        from projects.workflow import register_readiness

        register_readiness(StageKey.MONITORING, "monitoring.readiness.monitoring_gaps")
        register_import_step("monitoring.importing.monitoring_import")  # a 监控表 (contract.md "Monitoring")
        register(replace(STAGES[StageKey.MONITORING], template="monitoring/panel.html"))
