from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CodeChannel


class SendCodeForm(forms.Form):
    channel = forms.ChoiceField(label=_("方式"), choices=CodeChannel.choices)
    email = forms.CharField(label=_("电子邮件地址"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}))


class CodeForm(forms.Form):
    channel = forms.ChoiceField(label=_("方式"), choices=CodeChannel.choices, widget=forms.HiddenInput)
    code = forms.CharField(label=_("6位验证码"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}))


class FaceForm(forms.Form):
    photo = forms.FileField(label=_("本人正面照片"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}))
