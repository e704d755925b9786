"""The division/department picker: lookups by name or code, and fields that take a picked option or a name."""

import pytest
from django import forms

from digigov.core.org.models import Department
from digigov.core.web.pickers import DepartmentField, DivisionField


def test_division_lookup_by_name_and_code(client, role_user, city):
    client.force_login(role_user("window_clerk"))
    r = client.get("/workbench/org/lookup/divisions/", {"q": "元宝"})
    assert r.status_code == 200
    assert r.json()["results"] == [{"value": "元宝区 · 210602000000", "label": "县（区），示范市"}]
    codes = [row["value"].rsplit(" · ", 1)[1] for row in client.get("/workbench/org/lookup/divisions/", {"q": "210603"}).json()["results"]]
    assert codes == ["210603000000", "210603001000", "210603001001"]
    assert client.get("/workbench/org/lookup/divisions/", {"q": " "}).json() == {"results": []}


def test_department_lookup_is_scoped(client, role_user, city):
    client.force_login(role_user("dept_admin"))  # 营商局 and its sub-units
    values = [row["value"] for row in client.get("/workbench/org/lookup/departments/", {"q": "示范市"}).json()["results"]]
    assert f"{city.bureau.name} · CITY-BDB" in values and not any("教育局" in v for v in values)


def test_lookups_need_the_workbench(client, role_user, city):
    client.force_login(role_user("citizen"))
    assert client.get("/workbench/org/lookup/divisions/", {"q": "元宝"}).status_code == 403


class PickForm(forms.Form):
    division = DivisionField(label="区划", required=False)
    department = DepartmentField(label="单位", required=False)


@pytest.mark.parametrize("typed", ["元宝区 · 210602000000", "210602000000", "元宝区"])
def test_division_field_takes_an_option_a_code_or_a_unique_name(typed, city):
    form = PickForm({"division": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["division"] == city.county_a


def test_unknown_names_are_refused_in_chinese(city):
    form = PickForm({"division": "不存在区", "department": "XX"})
    assert not form.is_valid()
    assert form.errors["division"] == ["未找到，请从候选列表中选择"] and "department" in form.errors


def test_department_field_respects_the_queryset_it_is_given(city):
    class Scoped(forms.Form):
        department = DepartmentField(label="单位", queryset=Department.objects.filter(code__startswith="CITY-B"))

    assert Scoped({"department": "示范市教育局 · CITY-EDU"}).errors["department"] == ["未找到，请从候选列表中选择"]
    assert Scoped({"department": "营商局 · CITY-BDB"}).is_valid()


def test_widget_renders_a_datalist_fed_by_the_lookup(city):
    html = str(PickForm(initial={"division": city.county_a})["division"])
    assert 'list="id_division-options"' in html and 'data-lookup="/workbench/org/lookup/divisions/"' in html
    assert '<datalist id="id_division-options"></datalist>' in html and 'value="元宝区 · 210602000000"' in html


def test_departments_page_filters_by_a_picked_division(client, role_user, city):
    client.force_login(role_user("city_admin"))
    body = client.get("/workbench/org/", {"division": "元宝区 · 210602000000"}).content.decode()
    assert city.county_bureau.name in body and city.bureau.name not in body
    assert 'data-lookup="/workbench/org/lookup/divisions/"' in body
    body = client.get("/workbench/org/", {"division": "乱码"}).content.decode()
    assert "未找到，请从候选列表中选择" in body and "暂无数据" in body


def test_divisions_page_filters_within_a_division(client, role_user, city):
    client.force_login(role_user("city_admin"))
    body = client.get("/workbench/org/divisions/", {"within": "振兴区 · 210603000000"}).content.decode()
    assert "永昌街道" in body and "广济街道" not in body
