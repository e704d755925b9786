from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.data.catalog.models import CatalogEntry

from . import selectors
from .models import Policy, Schedule, SourceKind


class SourceForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("目录条目"), queryset=CatalogEntry.objects.none(), to_field_name="public_id", empty_label=None)
    name = forms.CharField(label=_("数据源名称"), max_length=200)
    kind = forms.ChoiceField(label=_("接入方式"), choices=SourceKind.choices)
    policy = forms.ChoiceField(label=_("错误处理策略"), choices=Policy.choices, initial=Policy.COMMIT_GOOD)
    mapping = forms.CharField(label=_("字段映射"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("每行一个“源列名=字段名”；留空则按字段名或信息项名称自动对应"))
    sql_url = forms.CharField(label=_("数据库连接串"), required=False, max_length=1000,
                              help_text=_("仅数据库抽取：如 postgresql://用户:口令@主机/库名，加密保存"))
    sql_query = forms.CharField(label=_("抽取语句或表名"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    http_url = forms.CharField(label=_("接口地址"), required=False, max_length=500, help_text=_("仅接口抽取：返回 JSON 的地址"))
    http_records_path = forms.CharField(label=_("记录路径"), required=False, max_length=200, help_text=_("如 data.items；为空表示响应本身是数组"))
    http_page_param = forms.CharField(label=_("页码参数"), required=False, max_length=32)
    http_size_param = forms.CharField(label=_("每页条数参数"), required=False, max_length=32)
    http_page_size = forms.IntegerField(label=_("每页条数"), required=False, min_value=1, max_value=10000, initial=500)
    schedule = forms.ChoiceField(label=_("定时"), choices=Schedule.choices, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = selectors.entries_for_sources(user)
        self.fields["entry"].label_from_instance = lambda e: f"{e.name}（{e.code}）"

    def clean_mapping(self):
        out = {}
        for n, line in enumerate((self.cleaned_data.get("mapping") or "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            col, sep, field = line.partition("=")
            if not sep or not col.strip():
                raise forms.ValidationError(_("第 %(n)s 行应为“源列名=字段名”") % {"n": n})
            out[col.strip()] = field.strip()
        return out


class UploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件"), help_text=_("CSV（UTF-8 或 GBK）、XLSX、JSON 数组或 JSON Lines；第一行为表头"))
