import datetime as dt

import pytest

from digigov.core.accounts.models import Gender, NaturalPerson
from digigov.core.testing import make_user, resident_id

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    """Each test's messages go to its own outbox; the default file sender for both SMS and e-mail."""
    settings.DIGIGOV_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.DIGIGOV_SMS_SENDER = "digigov.core.notify.senders.FileSender"
    settings.DIGIGOV_EMAIL_SENDER = "digigov.core.notify.senders.FileSender"
    settings.DIGIGOV_FACE_VERIFIER = "digigov.support.realname.face.DevelopmentFaceVerifier"
    return tmp_path / "outbox"


def make_citizen(city, *, phone=PHONE, username=None):
    person = NaturalPerson.objects.create(id_number=resident_id(), name="张三", gender=Gender.MALE, birth_date=dt.date(1990, 1, 1),
                                          phone=phone, division=city.county_a)
    user = make_user("citizen", username=username)
    user.person = person
    user.save(update_fields=["person"])
    return user


@pytest.fixture
def citizen(city):
    return make_citizen(city)
