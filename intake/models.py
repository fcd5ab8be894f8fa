"""A large upload's dry run or import, run by the task worker (intake.jobs); the page polls it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """An uploaded workbook too large to dry-run in the request (EVALSYS_UPLOAD_INLINE_ROWS).

    `kind` preview is the dry run, whose page (`html`, rendered by the worker with the upload
    page's template) offers 确认导入; that enqueues a job of kind import for the same file. Only
    `user` sees a job. The worker moves `updated_at` on as it reads; a queued or running job
    without progress for EVALSYS_EXPORT_STALE_MINUTES is failed by the worker's recovery.
    """

    class Kind(models.TextChoices):
        PREVIEW = "preview", "试运行"
        IMPORT = "import", "导入"

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE)
    unit = models.ForeignKey("projects.Unit", verbose_name="单位范围", on_delete=models.CASCADE, null=True,
                             blank=True)  # fmt: skip
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.PREVIEW)
    year = models.PositiveIntegerField("年度")
    scheme_key = models.CharField("评分方案", max_length=32, blank=True)
    skip_refused = models.BooleanField("跳过不能导入的项目", default=False)
    token = models.CharField("上传文件", max_length=32)  # intake.services.upload_path(token)
    filename = models.CharField("文件名", max_length=255, blank=True)
    note = models.JSONField("年度说明", null=True, blank=True)  # the upload form's year_note
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField("行数", default=0)
    done = models.PositiveIntegerField("已读取", default=0)
    outcome = models.JSONField("结果", default=dict, blank=True)  # confirmable, skippable, summary
    html = models.TextField("试运行结果", blank=True)  # rendered by the worker from intake/_outcome.html
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近进展", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_kind_display()}，{self.get_state_display()}）"

    @property
    def final(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(self.done, self.total) * 100 // self.total if self.total else 0
