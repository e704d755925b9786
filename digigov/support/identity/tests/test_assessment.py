from digigov.support.identity import assessment, signing
from digigov.support.identity.models import SigningKey


def test_token_signing_control_signs_and_verifies_with_the_active_key(city):
    f = assessment.token_signing(None)
    assert f.status == "partial" and "尚未生成" in f.evidence
    signing.active_key()  # made by the system account on first use
    f = assessment.token_signing(None)
    assert f.status == "partial" and "解封、签名并以公开密钥验证通过" in f.evidence and "强制 S256" in f.evidence


def test_token_signing_control_catches_a_key_that_does_not_open(city):
    row = signing.active_key()
    sealed = bytearray(row.private_sealed)
    sealed[-1] ^= 1
    SigningKey.objects.filter(pk=row.pk).update(private_sealed=bytes(sealed))
    signing._private.clear()
    f = assessment.token_signing(None)
    assert f.status == "not_met" and "无法解封" in f.evidence


def test_overview_links_the_login_activity_page_for_those_who_may_see_it(city, role_user):
    from digigov.core.testing import logged_in_client

    page = logged_in_client(role_user("city_admin")).get("/workbench/support/identity/").content.decode()
    assert "/workbench/support/realname/activity/" in page


def test_the_signing_key_purpose_has_a_chinese_name_on_the_key_page(city, role_user):
    from digigov.core.testing import logged_in_client

    signing.active_key()
    import re

    page = logged_in_client(role_user("security_officer")).get("/workbench/security/keys/").content.decode()
    visible = re.sub(r"<[^>]+>", " ", page)  # the code may stand in attributes (form values), not in the text
    assert "统一身份认证令牌签名私钥" in visible and "oidc.signing" not in visible
