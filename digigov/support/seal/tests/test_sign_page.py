"""The workbench 签章 page: only users with a usable seal see the controls; one file downloads signed, many
are one batch in a zip; a bad file in a batch signs nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from digigov.core.rbac.system import system_account
from digigov.support.seal import ca, ofd as ofdmod, pdf as pdfmod, ses
from digigov.support.seal.models import Seal, SealStatus, Signing
from digigov.support.seal.testing import make_seal
from digigov.support.seal.tests import samples
from digigov.support.seal.views_sign import usable_seals

pytestmark = pytest.mark.django_db
URL = "/workbench/support/seal-sign/"


@pytest.fixture
def unit_seal(city):
    return make_seal(city.bureau)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, seal, files, **extra):
    data = {"seal": seal.pk, "reason": "发文", "page_choice": "last", "position": "corner",
            "files": [SimpleUploadedFile(n, d) for n, d in files], **extra}
    return client.post(URL, data)


def test_who_may_sign_with_which_seal(city, unit_seal, role_user, user_factory):
    admin = role_user("dept_admin", department=city.bureau)
    assert usable_seals(admin) == [unit_seal]  # seal.sign over the unit, unit certificate in the certList
    stranger = role_user("dept_admin", department=city.other_bureau)
    assert usable_seals(stranger) == []
    person = user_factory("citizen")  # no seal.sign, but their own person certificate is in the certList
    unit_seal.signers.add(ca.issue_person_certificate(system_account(), person, city.bureau))
    assert usable_seals(person) == [unit_seal]
    Seal.objects.filter(pk=unit_seal.pk).update(status=SealStatus.SUSPENDED)
    assert usable_seals(admin) == [] and usable_seals(person) == []


def test_controls_only_for_users_with_a_usable_seal(city, unit_seal, role_user, django_assert_max_num_queries):
    html = _client(role_user("dept_admin", department=city.other_bureau)).get(URL).content.decode()
    assert "data-sign-form" not in html and "没有可以使用的电子印章" in html
    client = _client(role_user("dept_admin", department=city.bureau))
    with django_assert_max_num_queries(25):
        html = client.get(URL).content.decode()
    assert "data-sign-form" in html and unit_seal.name in html


def test_one_pdf_downloads_signed(city, unit_seal, role_user):
    client = _client(role_user("dept_admin", department=city.bureau))
    response = _post(client, unit_seal, [("通知.pdf", samples.make_pdf())], page_choice="number", page_number=1,
                     position="custom", x_mm="20", y_mm="30")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    [sig] = pdfmod.read_signatures(response.content)
    assert sig.intact and ses.parse_signature(sig.ses_der).signature_ok
    assert Signing.objects.get().batch == ""
    html = client.get(URL).content.decode()
    assert "通知.pdf" in html and Signing.objects.get().token in html


def test_a_batch_is_one_zip_with_one_batch_id(city, unit_seal, role_user):
    client = _client(role_user("dept_admin", department=city.bureau))
    response = _post(client, unit_seal, [("a.pdf", samples.make_pdf()), ("b.ofd", samples.make_ofd()), ("c.txt", b"hello")])
    assert response["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(z.namelist()) == ["a.pdf", "b.ofd", "c.txt", "c.txt.der"]
    assert pdfmod.read_signatures(z.read("a.pdf"))[0].intact
    assert all(ok for _f, ok in ofdmod.read_signatures(z.read("b.ofd"))[0].references)
    assert ses.parse_signature(z.read("c.txt.der")).signature_ok
    batches = set(Signing.objects.values_list("batch", flat=True))
    assert len(batches) == 1 and batches != {""} and Signing.objects.count() == 3


def test_a_bad_file_in_a_batch_signs_nothing(city, unit_seal, role_user):
    client = _client(role_user("dept_admin", department=city.bureau))
    response = _post(client, unit_seal, [("a.pdf", samples.make_pdf()), ("broken.pdf", b"%PDF-1.7 broken")])
    assert response.status_code == 400 and "broken.pdf" in response.content.decode()
    assert Signing.objects.count() == 0 and Seal.objects.get(pk=unit_seal.pk).sign_count == 0


def test_a_seal_the_user_may_not_use_is_refused(city, unit_seal, role_user):
    other = make_seal(city.other_bureau, code="21020000000077")
    client = _client(role_user("dept_admin", department=city.bureau))
    response = _post(client, other, [("a.pdf", samples.make_pdf())])
    assert response.status_code == 400 and "请选择您可以使用的印章" in response.content.decode()
    assert Signing.objects.count() == 0
