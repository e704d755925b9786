from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department, DivisionLevel
from digigov.data.sharing.models import Subscription

from . import selectors
from .models import Delivery, Schedule, SyncMode


class SubscriptionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.entry.name}（{obj.app.name}）"


class JobForm(forms.Form):
    subscription = SubscriptionChoice(label=_("共享授权"), queryset=Subscription.objects.none(), to_field_name="public_id", empty_label=None,
                                      help_text=_("本部门应用已获批准的共享授权；只交付授权的信息项，未授权明文的个人信息脱敏"))
    name = forms.CharField(label=_("任务名称"), max_length=100)
    mode = forms.ChoiceField(label=_("同步方式"), choices=SyncMode.choices, initial=SyncMode.INCREMENTAL)
    delivery = forms.ChoiceField(label=_("交付方式"), choices=Delivery.choices, initial=Delivery.TABLE)
    schedule = forms.ChoiceField(label=_("执行周期"), choices=Schedule.choices, initial=Schedule.MANUAL)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subscription"].queryset = selectors.subscriptions_for_jobs(user)


class ScheduleForm(forms.Form):
    schedule = forms.ChoiceField(label=_("执行周期"), choices=Schedule.choices)


class DepartmentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.division.name}）"


class ReturnForm(forms.Form):
    name = forms.CharField(label=_("回流任务名称"), max_length=100)
    division_field = forms.ChoiceField(label=_("区划信息项"), help_text=_("各单位只收到该信息项的区划代码属于本辖区的数据"))
    fields = forms.MultipleChoiceField(label=_("回流信息项"), widget=forms.CheckboxSelectMultiple)
    clear_fields = forms.MultipleChoiceField(label=_("明文回流的个人信息项"), widget=forms.CheckboxSelectMultiple, required=False,
                                             help_text=_("未勾选的个人信息项脱敏后回流"))
    receivers = DepartmentChoices(label=_("接收单位"), queryset=Department.objects.none(), to_field_name="code",
                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, entry=None, division_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        items = list(entry.items.order_by("seq"))
        self.fields["division_field"].choices = [(i.field_name, i.name) for i in division_items]
        self.fields["fields"].choices = [(i.field_name, i.name) for i in items if i.level < 3]
        self.fields["clear_fields"].choices = [(i.field_name, i.name) for i in items if i.personal >= 1 and i.level < 3]
        self.fields["receivers"].queryset = (Department.objects.filter(voided_at__isnull=True, division__level__gt=DivisionLevel.CITY)
                                             .select_related("division").order_by("division__code", "code"))
