"""The designer pages: list (keyset, query count pinned), form page, designer (form-js loaded, controls only
for designers), save/publish, binding editor, preview rendered and checked by the server."""

from __future__ import annotations

import json

from digigov.core.testing import logged_in_client, resident_id
from digigov.support.forms import actions
from digigov.support.forms.models import FormStatus, FormSubmission
from digigov.support.forms.testing import published_form, sample_document


def test_list_keyset_and_query_count(city, designer, django_assert_max_num_queries):
    for i in range(5):
        published_form(designer, key=f"form-{i}", department=city.bureau)
    client = logged_in_client(designer)
    with django_assert_max_num_queries(12):
        response = client.get("/workbench/support/forms/")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("测试申请表") == 5 and "第1版" in html and "新建表单" in html
    from digigov.support.forms import views

    rows, cursor = views.selectors.form_page(designer, limit=2)
    assert len(rows) == 2 and cursor
    rows2, _ = views.selectors.form_page(designer, limit=2, after=cursor)
    assert not {r.pk for r in rows} & {r.pk for r in rows2}
    assert client.get("/workbench/support/forms/?after=garbage").status_code == 200


def test_viewer_sees_no_design_controls(city, designer, role_user):
    published_form(designer, department=city.bureau)
    clerk = role_user("window_clerk")
    client = logged_in_client(clerk)
    html = client.get("/workbench/support/forms/").content.decode()
    assert "新建表单" not in html
    html = client.get("/workbench/support/forms/sample-form/design/").content.decode()
    assert "form-editor.umd.js" in html and 'id="designer-save"' not in html and "/publish/" not in html and "/bindings/" not in html
    assert client.post("/workbench/support/forms/sample-form/design/save/", "{}", content_type="application/json").status_code == 403
    assert client.post("/workbench/support/forms/sample-form/publish/").status_code == 403


def test_designer_save_publish_and_bindings(city, designer):
    form = actions.create_form(designer, key="new-form", name="新表单", department=city.bureau)
    client = logged_in_client(designer)
    html = client.get("/workbench/support/forms/new-form/design/").content.decode()
    assert 'id="form-designer"' in html and "form-editor.umd.js" in html and "保存草稿" in html
    response = client.post("/workbench/support/forms/new-form/design/save/", json.dumps({"ui": sample_document()}), content_type="application/json")
    assert response.status_code == 200 and response.json()["ok"] and response.json()["problems"] == []
    response = client.post("/workbench/support/forms/new-form/design/save/", "not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["message"] == "请求内容无法解析"
    html = client.get("/workbench/support/forms/new-form/design/").content.decode()
    assert 'name="bind-applicant_name"' in html and "人口基础库·姓名" in html
    response = client.post("/workbench/support/forms/new-form/design/bindings/", {"bind-applicant_name": "registries.person.name"})
    assert response.status_code == 302
    assert form.versions.get(version=1).bindings == {"applicant_name": "registries.person.name"}
    response = client.post("/workbench/support/forms/new-form/publish/")
    assert response.status_code == 302 and form.versions.get(version=1).status == FormStatus.PUBLISHED


def test_preview_fragment_and_trial_submission(city, designer):
    published_form(designer, department=city.bureau)
    client = logged_in_client(designer)
    response = client.post("/workbench/support/forms/sample-form/design/preview/", json.dumps({"ui": sample_document()}),
                           content_type="application/json")
    assert response.status_code == 200 and "<legend>申请人</legend>" in response.content.decode()
    response = client.post("/workbench/support/forms/sample-form/v/1/", {"f-applicant_name": "张" * 20, "f-kind": "代理"})
    html = response.content.decode()
    assert response.status_code == 422 and "最多 18 个字" in html and "必填" in html
    response = client.post("/workbench/support/forms/sample-form/v/1/", {"f-applicant_name": "张三", "f-applicant_id_number": resident_id(), "f-kind": "本人"})
    assert response.status_code == 200 and "校验通过" in response.content.decode()
    assert FormSubmission.objects.count() == 0  # a trial stores nothing
    assert client.get("/workbench/support/forms/sample-form/v/x/").status_code == 404


def test_citizen_is_refused(city, designer, applicant):
    published_form(designer, department=city.bureau)
    client = logged_in_client(applicant)
    assert client.get("/workbench/support/forms/").status_code == 403
