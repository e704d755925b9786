from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Division

from . import ids


class PersonForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=18)
    name = forms.CharField(label=_("姓名"), max_length=32)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    division = forms.CharField(label=_("户籍区划代码（12位）"), max_length=12, min_length=12)

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip().upper()
        error = ids.resident_id_error(value)
        if error:
            raise forms.ValidationError(error, code="invalid_resident_id")
        return value

    def clean_division(self):
        division = Division.objects.filter(code=self.cleaned_data["division"]).first()
        if division is None:
            raise forms.ValidationError(_("区划代码不存在"), code="unknown_division")
        return division


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("查看事由"), max_length=100)
