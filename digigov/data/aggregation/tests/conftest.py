import csv
import io

import pytest

from digigov.core.testing import make_user
from digigov.data.aggregation.testing import HEADER, good_row, make_entry


@pytest.fixture
def data_admin(city):
    return make_user("data_admin", department=city.bureau)


@pytest.fixture
def edu_data_admin(city):
    return make_user("data_admin", department=city.other_bureau)


@pytest.fixture
def entry(city):
    return make_entry(city.bureau)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def csv_bytes(rows, header=HEADER, encoding="utf-8", delimiter=",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def good_rows(n, start=1):
    return [good_row(i) for i in range(start, start + n)]
