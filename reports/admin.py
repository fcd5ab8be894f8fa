"""Admin for report text, report templates (validated at upload, with a preview) and exports."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from projects.admin import PER_PAGE, FollowsTheWorkflow, GrowingTable, ProjectYearFilter, locked
from projects.models import Project
from projects.services import LOCKED, STALE
from reports.models import ExportJob, Narrative, Outline, ReportTemplate
from reports.sample import sample_report, sample_template
from reports.services import (
    CONTENT_TYPES,
    narrative_delete,
    narrative_save,
    report_template_activate,
    report_template_deactivate,
)

NOT_DOCX = "请上传 .docx 格式的 Word 模板"
TEMPLATE_CHANGED_OFF = "模板文件或适用报告已更改，模板已停用；请预览后在列表中重新启用。"
ACTIVATED = "已启用报告模板“{name}”{replaced}：所有用户下载的{outline} Word 版都使用该模板。"
DEACTIVATED = "已停用报告模板“{name}”：{outline} Word 版恢复为内置版式。"
SAMPLE_NAME = "示例报告模板.docx"
PREVIEW_FAILED = "该模板不能使用，请重新上传："


NARRATIVE_TEXTS = ["introduction", "purpose", "outputs", "management", "problems", "plans", "measures", "experience",
                   "suggestions"]  # fmt: skip
ADMIN_DELETE_REASON = "管理员在后台删除"
HISTORY_SHOWN = 10


class NarrativeAdminForm(forms.ModelForm):
    """The 自评报告 text as the project page edits it: the project version the page was opened
    at (a save after someone else's is refused) and a reason the history keeps."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    reason = forms.CharField(label="修改理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
                             help_text="记入历史记录（修改人、时间、理由）。")  # fmt: skip

    class Meta:
        model = Narrative
        fields = ["project", *NARRATIVE_TEXTS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.project.version

    def clean(self) -> dict:
        """Refused here with the project page's messages (the service checks again as it writes)."""
        data = super().clean()
        project = data.get("project") or (self.instance.project if self.instance.pk else None)
        if project is None:
            return data
        current = Project.objects.filter(pk=project.pk).first()
        if current is None:
            return data
        if self.instance.pk is None:  # a new text: the project as it is now
            data["version"] = current.version
        if locked(current):  # the admin's one lock question (projects.admin.locked)
            raise forms.ValidationError(LOCKED.format(status=current.get_status_display()))
        if data.get("version") != current.version:
            raise forms.ValidationError(STALE)
        return data


@admin.register(Narrative)
class NarrativeAdmin(GrowingTable, FollowsTheWorkflow, admin.ModelAdmin):
    """Report text of a 草稿 or 已退回 project only (a submitted or approved one is read-only here,
    as on the project page); every save and delete goes through the page's service: version-checked
    and kept in the history with who, when and why."""

    form = NarrativeAdminForm
    list_display = ["project", "updated_at"]
    list_filter = [ProjectYearFilter]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    ordering = ["-updated_at", "-id"]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "changes"]
        fields = [*fields, "version", "reason"] if self.has_change_permission(request, obj) else fields
        return [*fields, "changes"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "project", "changes"] if obj is not None else readonly

    @admin.display(description="修改记录")
    def changes(self, obj: Narrative) -> str:
        """The newest saves of the text (who, when, why); no revert here: old text is copied back by hand."""
        records = obj.history.select_related("history_user").order_by("-history_date")[:HISTORY_SHOWN]
        return format_html_join(
            "", "<div>{} · {} · {}</div>",
            ((localtime(r.history_date).strftime("%Y-%m-%d %H:%M"), r.history_user or "系统",
              r.history_change_reason or "") for r in records),
        ) or "—"  # fmt: skip

    def save_model(self, request, obj: Narrative, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        saved = narrative_save(project=obj.project, version=data["version"], reason=data["reason"],
                               texts={name: data[name] for name in NARRATIVE_TEXTS}, user=request.user)  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request, obj: Narrative) -> None:
        narrative_delete(narrative=obj, version=obj.project.version, reason=ADMIN_DELETE_REASON, user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for narrative in queryset.select_related("project"):
            self.delete_model(request, narrative)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save that lost the race (submitted or saved by someone since the form was checked) is
        refused by the service: the message, and the page again."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return HttpResponseRedirect(request.get_full_path())


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["name", "outline", "file"]  # 启用 only through the confirmation page (ReportTemplateAdmin.activate)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:  # where the refusal's “报告模板占位符说明” is
            url = reverse("admin:reports_reporttemplate_placeholders")
            self.fields["file"].help_text = format_html(
                'Word 模板中可用的占位符及示例值见<a href="{}">报告模板占位符说明</a>；'
                '可先<a href="{}">下载示例模板</a>修改。'
                "上传后为未启用，预览无误后在列表中启用。",
                url,
                reverse("admin:reports_reporttemplate_sample"),
            )

    def clean(self) -> dict:
        """A broken template is refused here, at upload, so it can never break a report."""
        from reports.docx_template import TemplateProblem, validate_template  # docxtpl: with the first upload

        data = super().clean()
        upload = data.get("file")
        if upload and "file" in self.changed_data:
            if not upload.name.lower().endswith(".docx"):
                raise forms.ValidationError({"file": NOT_DOCX})
            try:
                validate_template(upload.read(), sample_report(data.get("outline") or "unit"))
            except TemplateProblem as exc:
                raise forms.ValidationError({"file": str(exc)}) from exc
            finally:
                upload.seek(0)
        return data


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    """Uploaded templates start off; 启用 asks for confirmation naming what changes (every user's
    Word report of the outline; the PDF keeps the built-in layout), and one is active per outline."""

    form = ReportTemplateForm
    list_display = ["name", "outline", "state", "uploaded_by", "uploaded_at", "preview_link"]
    list_filter = ["outline", "active"]
    search_fields = ["name"]
    list_select_related = ["uploaded_by"]
    list_per_page = PER_PAGE
    ordering = ["-uploaded_at", "-id"]
    readonly_fields = ["state", "uploaded_by", "uploaded_at"]
    change_list_template = "admin/reports/reporttemplate/change_list.html"

    def save_model(self, request: HttpRequest, obj: ReportTemplate, form: forms.ModelForm, change: bool) -> None:
        if change and obj.active and {"file", "outline"} & set(form.changed_data):
            obj.active = False  # a new file or outline is switched on again only through the confirmation
            messages.warning(request, TEMPLATE_CHANGED_OFF)
        obj.uploaded_by = obj.uploaded_by or request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="启用")
    def state(self, obj: ReportTemplate) -> str:
        if obj.pk is None:
            return "上传后为未启用，确认后才启用"
        action, label = ("deactivate", "停用…") if obj.active else ("activate", "启用…")
        url = reverse(f"admin:reports_reporttemplate_{action}", args=[obj.pk])
        return format_html('{} · <a href="{}">{}</a>', "已启用" if obj.active else "未启用", url, label)

    @admin.display(description="预览")
    def preview_link(self, obj: ReportTemplate) -> str:
        url = reverse("admin:reports_reporttemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">用示例项目预览</a>', url)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.preview)
        placeholders = self.admin_site.admin_view(self.placeholders)
        switch = self.admin_site.admin_view(self.switch)
        return [
            path("<int:pk>/preview/", view, name="reports_reporttemplate_preview"),
            path("<int:pk>/activate/", switch, {"on": True}, name="reports_reporttemplate_activate"),
            path("<int:pk>/deactivate/", switch, {"on": False}, name="reports_reporttemplate_deactivate"),
            path("placeholders/", placeholders, name="reports_reporttemplate_placeholders"),
            path("sample/", self.admin_site.admin_view(self.sample), name="reports_reporttemplate_sample"),
            *super().get_urls(),
        ]

    def switch(self, request: HttpRequest, pk: int, on: bool) -> HttpResponse:
        """启用/停用: a page naming what changes (GET), then the change (POST)."""

        template = get_object_or_404(ReportTemplate, pk=pk)
        if not self.has_change_permission(request, template):
            raise PermissionDenied
        if request.method == "POST":
            if on:
                previous = report_template_activate(template=template)
                replaced = f"（替换“{previous.name}”）" if previous else ""
                messages.success(request, ACTIVATED.format(name=template.name, replaced=replaced,
                                                           outline=template.get_outline_display()))  # fmt: skip
            else:
                report_template_deactivate(template=template)
                messages.success(
                    request, DEACTIVATED.format(name=template.name, outline=template.get_outline_display())
                )
            self.log_change(request, template, "启用" if on else "停用")
            return redirect("admin:reports_reporttemplate_changelist")
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        current = ReportTemplate.objects.filter(outline=template.outline, active=True).exclude(pk=template.pk).first()
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "template": template, "on": on,
                   "current": current, "title": f"{'启用' if on else '停用'}报告模板“{template.name}”"}  # fmt: skip
        return TemplateResponse(request, "admin/reports/reporttemplate/switch.html", context)

    def sample(self, request: HttpRequest) -> HttpResponse:
        """示例模板: a .docx that uses every placeholder, to download, edit and upload."""

        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        outline = request.GET.get("outline") if request.GET.get("outline") in Outline.values else Outline.UNIT
        response = HttpResponse(sample_template(outline), content_type=CONTENT_TYPES["docx"])
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(SAMPLE_NAME)}"
        return response

    def placeholders(self, request: HttpRequest) -> HttpResponse:
        """报告模板占位符说明: each placeholder and field, its meaning and the sample project's value."""
        from reports.placeholders import help_sections  # it imports docx_template (docxtpl): on first use

        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "title": "报告模板占位符说明", "opts": self.model._meta,
                   "sections": help_sections()}  # fmt: skip
        return TemplateResponse(request, "admin/reports/reporttemplate/placeholders.html", context)

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The template rendered against the sample project, as a .docx download; a template that
        cannot be used (e.g. stored before uploads were checked) is named on its change page."""
        from reports.docx_template import TemplateProblem, render_template  # docxtpl: with the first preview

        if not self.has_view_permission(request):
            raise PermissionDenied
        template = get_object_or_404(ReportTemplate, pk=pk)
        try:
            content = render_template(sample_report(template.outline), template.file.read())
        except TemplateProblem as exc:
            messages.error(request, f"{PREVIEW_FAILED}{exc}")
            return redirect("admin:reports_reporttemplate_change", pk)
        response = HttpResponse(content, content_type=CONTENT_TYPES["docx"])
        response["Content-Disposition"] = "attachment; filename=preview.docx"
        return response


@admin.register(ExportJob)
class ExportJobAdmin(GrowingTable, admin.ModelAdmin):
    list_display = ["scope", "fmt", "state", "done", "total", "created_by", "created_at"]
    list_filter = ["state", "fmt"]
    search_fields = ["scope", "created_by__username"]
    list_select_related = ["created_by"]
    ordering = ["-created_at", "-id"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
