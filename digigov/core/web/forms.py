from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=64)
    password = forms.CharField(label=_("密码"), max_length=128, widget=forms.PasswordInput)
    otp_token = forms.CharField(label=_("动态口令（已绑定的工作人员必填）"), max_length=8, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class TotpConfirmForm(forms.Form):
    token = forms.CharField(label=_("验证器中显示的6位动态口令"), min_length=6, max_length=6)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label=_("新密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text=_("至少10位，不能过于简单或与账户信息相似"))
    new_password2 = forms.CharField(label=_("确认新密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data
