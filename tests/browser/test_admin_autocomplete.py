"""The admin's foreign-key pickers work in a real browser (select2 under the site's CSP) and offer only
objects in the user's reach."""

import pytest

from digigov.core.org import actions as org_actions
from digigov.core.testing import PASSWORD, make_user

from .conftest import login


@pytest.mark.django_db(transaction=True)
def test_role_assignment_user_picker_is_scoped(page, city):
    dept_admin = make_user("dept_admin", department=city.bureau, username="picker_dept_admin")
    own = make_user("window_clerk", department=city.bureau, username="picker_own")
    org_actions.add_staff(city.system, user=own, department=city.bureau_unit, employee_no="B-1")
    other = make_user("window_clerk", department=city.other_bureau, username="picker_other")
    org_actions.add_staff(city.system, user=other, department=city.other_bureau, employee_no="B-2")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, dept_admin.username, PASSWORD)
    page.goto("/admin/rbac/roleassignment/add/")
    assert page.locator("#id_voided_by").count() == 0  # no <select> of every account in the city
    page.locator("#id_user + .select2 .select2-selection").click()
    page.fill("input.select2-search__field", "picker")
    page.wait_for_selector(".select2-results__option:has-text('picker_own')")
    options = page.locator(".select2-results__option").all_inner_texts()
    assert "picker_own" in options and "picker_other" not in options
    assert not [e for e in errors if "Content Security Policy" in e], errors
