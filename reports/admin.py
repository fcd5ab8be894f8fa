"""Admin for report text, report templates (validated at upload, with a preview) and exports."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from projects.admin import PER_PAGE, FollowsTheWorkflow, GrowingTable, ProjectYearFilter
from projects.models import Project, Status
from projects.services import EDITABLE, LOCKED, STALE
from reports.models import ExportJob, Narrative, ReportTemplate
from reports.sample import sample_report
from reports.services import CONTENT_TYPES, narrative_delete, narrative_save

NOT_DOCX = "请上传 .docx 格式的 Word 模板"
PREVIEW_FAILED = "该模板不能使用，请重新上传："


NARRATIVE_TEXTS = ["introduction", "purpose", "outputs", "management", "problems", "plans", "measures", "experience",
                   "suggestions"]  # fmt: skip
ADMIN_DELETE_REASON = "管理员在后台删除"


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
        current = Project.objects.filter(pk=project.pk).values_list("version", "status").first()
        if current is None:
            return data
        if self.instance.pk is None:  # a new text: the project as it is now
            data["version"] = current[0]
        if current[1] not in EDITABLE:
            raise forms.ValidationError(LOCKED.format(status=Status(current[1]).label))
        if data.get("version") != current[0]:
            raise forms.ValidationError(STALE)
        return data


@admin.register(Narrative)
class NarrativeAdmin(GrowingTable, FollowsTheWorkflow, SimpleHistoryAdmin):
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
    history_list_display = ["history_change_reason"]

    def get_fields(self, request, obj=None):
        fields = [*super().get_fields(request, obj)]
        return [*fields, "version", "reason"] if self.has_change_permission(request, obj) else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "project"] if obj is not None else readonly

    def save_model(self, request, obj: Narrative, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        saved = narrative_save(project=obj.project, version=data["version"], reason=data["reason"],
                               texts={name: data[name] for name in NARRATIVE_TEXTS})  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request, obj: Narrative) -> None:
        narrative_delete(narrative=obj, version=obj.project.version, reason=ADMIN_DELETE_REASON)

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
        fields = ["name", "outline", "file", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:  # where the refusal's “报告模板占位符说明” is
            url = reverse("admin:reports_reporttemplate_placeholders")
            self.fields["file"].help_text = format_html(
                'Word 模板中可用的占位符及示例值见<a href="{}">报告模板占位符说明</a>。', url
            )

    def _get_validation_exclusions(self) -> set[str]:
        # "one active template per outline" holds in the database; saving deactivates the old one
        # (ReportTemplateAdmin.save_model), so the form must not refuse a new active template.
        return {*super()._get_validation_exclusions(), "active"}

    def clean(self) -> dict:
        """A broken template is refused here, at upload, so it can never break a report."""
        from reports.docx_template import TemplateProblem, validate_template

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
    form = ReportTemplateForm
    list_display = ["name", "outline", "active", "uploaded_by", "uploaded_at", "preview_link"]
    list_filter = ["outline", "active"]
    search_fields = ["name"]
    list_select_related = ["uploaded_by"]
    list_per_page = PER_PAGE
    ordering = ["-uploaded_at", "-id"]
    readonly_fields = ["uploaded_by", "uploaded_at"]

    def save_model(self, request: HttpRequest, obj: ReportTemplate, form: forms.ModelForm, change: bool) -> None:
        if obj.active:  # the new active template replaces the previous one of its outline
            ReportTemplate.objects.filter(outline=obj.outline, active=True).exclude(pk=obj.pk).update(active=False)
        obj.uploaded_by = obj.uploaded_by or request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="预览")
    def preview_link(self, obj: ReportTemplate) -> str:
        url = reverse("admin:reports_reporttemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">用示例项目预览</a>', url)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.preview)
        placeholders = self.admin_site.admin_view(self.placeholders)
        return [
            path("<int:pk>/preview/", view, name="reports_reporttemplate_preview"),
            path("placeholders/", placeholders, name="reports_reporttemplate_placeholders"),
            *super().get_urls(),
        ]

    def placeholders(self, request: HttpRequest) -> HttpResponse:
        """报告模板占位符说明: each placeholder and field, its meaning and the sample project's value."""
        from reports.placeholders import help_sections

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
        from reports.docx_template import TemplateProblem, render_template

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
