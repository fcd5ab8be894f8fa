"""指标库 in the Django admin: filters, search, accept/reject proposals, xlsx import and export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from library.models import EntryStatus, LibraryEntry
from library.services import decide, import_workbook
from library.workbook import ImportRefused, export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label="指标库工作簿（.xlsx）")


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    list_display = ("level3", "sector", "department", "level1", "level2", "nature", "typical_value", "unit", "status")
    list_filter = ("status", "sector", "department", "level1", "level2")
    search_fields = ("level3", "explanation", "source_title")
    list_per_page = 50
    readonly_fields = ("proposed_by", "created_at")
    actions = ("accept", "reject")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/library/libraryentry/change_list.html"

    @admin.action(description="收录所选条目（待审核→已收录）")
    def accept(self, request: HttpRequest, queryset) -> None:
        count = decide(request.user, queryset, EntryStatus.ACCEPTED)
        self.message_user(request, f"已收录 {count} 条", messages.SUCCESS)

    @admin.action(description="不采纳所选条目")
    def reject(self, request: HttpRequest, queryset) -> None:
        count = decide(request.user, queryset, EntryStatus.REJECTED)
        self.message_user(request, f"已不采纳 {count} 条", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: LibraryEntry, form: forms.ModelForm, change: bool) -> None:
        obj._change_reason = "管理员在后台修改" if change else "管理员在后台新增"
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="library_libraryentry_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="library_libraryentry_export"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form, errors, status = ImportForm(request.POST or None, request.FILES or None), [], 200
        if request.method == "POST" and form.is_valid():
            try:
                result = import_workbook(request.user, form.cleaned_data["file"])
            except ImportRefused as refused:
                errors, status = refused.errors, 400
            else:
                self.message_user(
                    request, f"导入完成：新增 {result.created} 条，更新 {result.updated} 条", messages.SUCCESS
                )
                return redirect("admin:library_libraryentry_changelist")
        elif request.method == "POST":
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "导入指标库工作簿",
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/library/libraryentry/import.html", context, status=status)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        rows = self.get_changelist_instance(request).get_queryset(request)
        response = HttpResponse(export(rows.iterator()), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%8C%87%E6%A0%87%E5%BA%93.xlsx"
        return response
