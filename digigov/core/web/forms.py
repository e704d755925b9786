from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=64)
    password = forms.CharField(label=_("密码"), max_length=128, widget=forms.PasswordInput)
    otp_token = forms.CharField(label=_("动态口令（已绑定的工作人员必填）"), max_length=8, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class TotpConfirmForm(forms.Form):
    token = forms.CharField(label=_("验证器中显示的6位动态口令"), min_length=6, max_length=6)
