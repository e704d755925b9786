from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.validators import form_error

from .actions import SCOPE_LABELS, clean_redirect_uris
from .models import Audience


class ClientForm(forms.Form):
    name = forms.CharField(label=_("应用名称"), max_length=100, help_text=_("如：辽事通、辽政通"))
    audience = forms.ChoiceField(label=_("使用对象"), choices=Audience.choices, initial=Audience.PUBLIC)
    confidential = forms.TypedChoiceField(
        label=_("应用类型"), coerce=lambda v: v == "1", initial="1",
        choices=[("1", _("有服务端的应用（持有应用密钥）")), ("0", _("移动或浏览器应用（无密钥，仅凭 PKCE）"))])
    redirect_uris = forms.CharField(label=_("回调地址"), widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("每行一个，须与应用发起登录时的地址完全一致；须使用 https（本机调试地址可用 http）"))
    post_logout_redirect_uris = forms.CharField(label=_("退出后跳转地址"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                                help_text=_("可选，每行一个"))
    scopes = forms.MultipleChoiceField(label=_("可申请的授权范围"), choices=list(SCOPE_LABELS.items()), initial=["openid", "profile"],
                                       widget=forms.CheckboxSelectMultiple)

    def clean_redirect_uris(self):
        return form_error(clean_redirect_uris, self.cleaned_data["redirect_uris"])

    def clean_post_logout_redirect_uris(self):
        return form_error(clean_redirect_uris, self.cleaned_data["post_logout_redirect_uris"], "post_logout_redirect_uris", required=False)


class RotateKeyForm(forms.Form):
    pass
