from __future__ import annotations

from django import forms

from library.models import LibraryEntry, Nature, vocabulary


class ProposalForm(forms.ModelForm):
    """An officer's proposed entry; 一级/二级 from the tree's vocabulary."""

    level1 = forms.ChoiceField(label="一级指标", required=False)
    level2 = forms.ChoiceField(label="二级指标", required=False)
    source_url = forms.URLField(label="出处网址", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = LibraryEntry
        fields = ("sector", "department", "level1", "level2", "level3", "explanation", "nature", "unit",
                  "typical_value", "scoring_standard", "data_source", "source_title", "source_url")  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in ("explanation", "scoring_standard")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        known = vocabulary()
        self.fields["level1"].choices = [("", "（不限）"), *((name, name) for name in known)]
        level2 = dict.fromkeys(name for names in known.values() for name in names)
        self.fields["level2"].choices = [("", "（不限）"), *((name, name) for name in level2)]
        self.fields["nature"].choices = [("", "（不填）"), *Nature.choices]
        self.fields["sector"].help_text = "如 教育、卫生健康、农业农村、通用（共性）"
        self.fields["source_title"].help_text = "该指标出自的文件或网页标题（如有）"
