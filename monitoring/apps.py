from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """运行监控: the mid-year stage (domain.md §8; the stage itself is projects.stages data)."""

    name = "monitoring"
    verbose_name = "运行监控"

    def ready(self) -> None:
        """Hand the monitoring stage's readiness to the engine, which cannot import this app."""
        from projects.stages import StageKey
        from projects.workflow import register_readiness

        register_readiness(StageKey.MONITORING, "monitoring.readiness.monitoring_gaps")
