"""The portal pages of the application flow: start → pre-filled form → upload → submit → detail; 我的申请
with a pinned query count; the public progress query (masked, nothing personal, rate-limited); someone
else's application is not found."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from digigov.core.testing import logged_in_client
from digigov.services.onestop import requirements as req
from digigov.services.onestop.actions import applications as actions
from digigov.services.onestop.application_testing import answers, citizen
from digigov.services.onestop.models import Application, ApplicationStatus, MaterialForm
from digigov.services.onestop.testing import item_with_process
from digigov.support.window.testing import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(city):
    return citizen(city)


@pytest.fixture
def item(city):
    return item_with_process(city, user=city.system, name="测试许可", materials=(("申请书", MaterialForm.ORIGINAL),))


def _submitted(applicant, item):
    import secrets

    app = actions.start_application(applicant, item=item)
    actions.save_draft(applicant, app, data=answers(applicant))
    actions.add_material(applicant, app, key=req.for_item(item).materials[0].key, data=pdf_bytes(1))
    return actions.submit(applicant, app, secrets.token_hex(8))


def test_journey_start_fill_upload_submit(applicant, item):
    c = logged_in_client(applicant)
    r = c.get(f"/services/apply/item/{item.code}/")
    assert r.status_code == 200 and "开始申请" in r.content.decode()
    r = c.post(f"/services/apply/item/{item.code}/")
    assert r.status_code == 302
    app = Application.objects.get()
    page = c.get(r["Location"]).content.decode()
    assert "来源：实名认证资料" in page and 'value="李四"' in page
    key = req.for_item(item).materials[0].key
    post = {"f-applicant_name": "李四", "f-applicant_id_number": applicant.person.id_number, "f-applicant_phone": "13800138000",
            "action": "submit", "idempotency_key": "page-1",
            f"material-{key}": SimpleUploadedFile("申请书.pdf", pdf_bytes(1), content_type="application/pdf")}
    r = c.post(f"/my/applications/{app.public_id}/edit/", post)
    assert r.status_code == 302, r.content.decode()[:2000]
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS
    detail = c.get(r["Location"]).content.decode()
    assert app.number in detail and "进入环节" in detail


def test_wrong_file_type_rerenders_with_message(applicant, item):
    c = logged_in_client(applicant)
    app = actions.start_application(applicant, item=item)
    key = req.for_item(item).materials[0].key
    r = c.post(f"/my/applications/{app.public_id}/edit/", {"action": "save", f"material-{key}": SimpleUploadedFile("a.pdf", b"<html></html>")})
    assert r.status_code == 422 and "文件类型不允许" in r.content.decode()
    assert app.materials.count() == 0


def test_someone_elses_application_is_404(applicant, item, city):
    app = _submitted(applicant, item)
    other = logged_in_client(citizen(city, name="王五"))
    for url in (f"/my/applications/{app.public_id}/", f"/my/applications/{app.public_id}/edit/"):
        assert other.get(url).status_code == 404
    assert other.post(f"/my/applications/{app.public_id}/withdraw/").status_code == 404
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS


def test_my_list_query_count_is_pinned(applicant, item, django_assert_max_num_queries):
    for _ in range(3):
        _submitted(applicant, item)
    c = logged_in_client(applicant)
    c.get("/my/applications/")
    with django_assert_max_num_queries(12):
        r = c.get("/my/applications/")
    assert r.content.decode().count("测试许可") >= 3


def test_progress_query_masks_the_name(applicant, item, client, settings):
    app = _submitted(applicant, item)
    page = client.get("/services/progress/", {"number": app.number}).content.decode()
    assert "李*" in page and "李四" not in page
    assert applicant.person.id_number not in page and "13800138000" not in page
    assert "未查询到" in client.get("/services/progress/", {"number": "YW000"}).content.decode()


def test_progress_query_is_rate_limited(client, db, settings):
    settings.ONESTOP_PROGRESS_MAX_PER_MINUTE = 3
    codes = [client.get("/services/progress/", {"number": f"YW{i}"}).status_code for i in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


def test_detail_offers_the_rating_once_accepted_then_shows_it(applicant, item):
    from digigov.services.onestop.actions import ratings

    app = _submitted(applicant, item)
    c = logged_in_client(applicant)
    page = c.get(f"/my/applications/{app.public_id}/").content.decode()
    assert f'href="/services/rate/{app.public_id}/"' in page
    ratings.rate(applicant, application=app, level=5, reasons=[], comment="办事顺利")
    page = c.get(f"/my/applications/{app.public_id}/").content.decode()
    assert "rate-link" not in page and "非常满意" in page and "办事顺利" in page
