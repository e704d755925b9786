"""Issue 11's "done when", end to end through the real parts (no placeholder files, no direct rows):

a unit applies for a seal, the city admin approves and it is made; a document signed with it verifies, and a
tampered copy fails naming the failed check; a citizen holds an OFD marriage licence issued and sealed by the
civil-affairs unit, grants one use to a window, the window clerk redeems it, and the citizen sees the use."""

import io
import zipfile

import pytest
from reportlab.pdfgen import canvas

from digigov.core.testing import make_user
from digigov.support.license import grants, wallet
from digigov.support.license.actions import licences as licence_actions
from digigov.support.license.models import LicenceUse, UseChannel
from digigov.support.license.testing import make_type, marriage_data
from digigov.support.seal import actions as seal_actions
from digigov.support.seal import documents, verify
from digigov.support.seal.models import Seal, SealStatus, SealType

from .conftest_wallet import clerk, hall, holder, person  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db


def _pdf(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)  # the text stays findable, so the test can change one byte of it
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_seal_applied_approved_signs_and_verifies(city):
    unit_admin = make_user("dept_admin", department=city.bureau)
    city_admin = make_user("city_admin")
    app, _ = seal_actions.apply_for_seal(unit_admin, department=city.bureau, seal_type=SealType.OFFICIAL, name=city.bureau.name,
                                         holders=[], valid_years=5, reason="启用电子印章")
    seal = seal_actions.approve(city_admin, app, "同意制作").seal
    assert seal.status == SealStatus.ACTIVE and Seal.objects.filter(department=city.bureau).count() == 1

    signed, signing = documents.sign_pdf(unit_admin, seal, _pdf("Notice 2026-11"), document_name="通知.pdf", reason="发布通知")
    result = verify.verify_document(signed)
    assert result.valid, [c for r in result.reports for c in r.checks if not c.ok]
    assert result.reports[0].seal_code == seal.code

    tampered = bytearray(signed)
    at = signed.index(b"Notice 2026-11")
    tampered[at] = ord("X")
    bad = verify.verify_document(bytes(tampered))
    assert not bad.valid
    assert verify.INTEGRITY in bad.reports[0].failed
    seal.refresh_from_db()
    assert seal.sign_count == 1 and seal.verify_count == 2


def test_citizen_holds_ofd_marriage_licence_grants_one_use_and_sees_it(city, holder, person, hall, clerk):
    civil = city.bureau
    unit_admin = make_user("dept_admin", department=civil)
    app, _ = seal_actions.apply_for_seal(unit_admin, department=civil, seal_type=SealType.OFFICIAL, name=civil.name,
                                         holders=[], valid_years=5, reason="签发电子证照")
    seal_actions.approve(make_user("city_admin"), app, "同意制作")
    marriage = make_type(civil)
    licence = licence_actions.issue_licence(unit_admin, marriage, "person", person.id_number, person.name,
                                            marriage_data(name=person.name, id_number=person.id_number))
    # the licence file is an OFD container whose signature verifies
    with zipfile.ZipFile(io.BytesIO(bytes(licence.ofd))) as z:
        assert "OFD.xml" in z.namelist()
    checked = verify.verify_document(bytes(licence.ofd))
    assert checked.kind == "ofd" and checked.valid

    # the citizen holds it
    assert list(wallet.holder_licences(holder).values_list("pk", flat=True)) == [licence.pk]
    granted = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="窗口办理婚姻相关业务", hours=2)
    use = grants.redeem_grant(clerk, granted.code, purpose="核验结婚证")
    assert use.channel == UseChannel.GRANT and use.licence_id == licence.pk
    # a second use of the one-time grant is refused, nothing more is logged
    with pytest.raises(Exception) as exc:
        grants.redeem_grant(clerk, granted.code, purpose="再次核验")
    assert "已使用" in str(exc.value)
    assert LicenceUse.objects.filter(licence=licence).count() == 1
    assert [u.pk for u in wallet.holder_uses(holder)] == [use.pk]
