from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.web.pickers import DivisionField

from digigov.core import validators
from digigov.core.validators import form_error


class PersonForm(forms.Form):
    """Identifiers are normalised as the action does (full-width digits typed on a Chinese keyboard are
    the same number), so the length limits leave room for spaces and are checked after normalising."""

    id_number = forms.CharField(label=_("公民身份号码"), max_length=40)
    name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("手机号码"), max_length=24, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    division = DivisionField(label=_("户籍区划"), help_text=_("输入村（社区）、乡镇或区县名称搜索，或直接输入12位区划代码"))

    # identity number, phone and address are personal data: after a failed post they are typed again rather
    # than parked in the session (see core.web.forms.keep_invalid)
    never_kept = ("id_number", "phone", "address")

    def clean_id_number(self):
        return form_error(validators.clean_resident_id, self.cleaned_data["id_number"])

    def clean_name(self):
        return form_error(validators.clean_name, self.cleaned_data["name"], "name", "姓名", 32)

    def clean_phone(self):
        return form_error(validators.clean_phone, self.cleaned_data["phone"])

class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("查看事由"), max_length=100)
