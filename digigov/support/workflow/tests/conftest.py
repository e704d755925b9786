"""Fixtures the workflow tests share: the two-department parallel approval process, and the people who
take part in it (an applicant, two window clerks and an administrator of the first department, approvers
of both departments)."""

import pytest

from digigov.core.testing import make_user
from digigov.support.workflow.testing import make_version, parallel_bpmn


@pytest.fixture
def version(city):
    return make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau)


@pytest.fixture
def people(city):
    class P:
        citizen = make_user("citizen")
        clerk = make_user("window_clerk", department=city.bureau)
        clerk2 = make_user("window_clerk", department=city.bureau)
        approver_a = make_user("approver", department=city.bureau)
        approver_a2 = make_user("approver", department=city.bureau)
        approver_b = make_user("approver", department=city.other_bureau)
        admin = make_user("dept_admin", department=city.bureau)
    return P
