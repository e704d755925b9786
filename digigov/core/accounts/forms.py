from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.web.pickers import DivisionField

from . import ids


class PersonForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=18)
    name = forms.CharField(label=_("姓名"), max_length=32)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    division = DivisionField(label=_("户籍区划"), help_text=_("输入村（社区）、乡镇或区县名称搜索，或直接输入12位区划代码"))

    # identity number, phone and address are personal data: after a failed post they are typed again rather
    # than parked in the session (see core.web.forms.keep_invalid)
    never_kept = ("id_number", "phone", "address")

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip().upper()
        error = ids.resident_id_error(value)
        if error:
            raise forms.ValidationError(error, code="invalid_resident_id")
        return value

class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("查看事由"), max_length=100)
