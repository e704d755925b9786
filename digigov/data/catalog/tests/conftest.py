import pytest

from digigov.data.catalog.models import Category, CategoryKind, CodeList


@pytest.fixture
def category(db):
    return Category.objects.create(code="T01", name="市场监管", kind=CategoryKind.THEME)


@pytest.fixture
def code_list(db):
    return CodeList.objects.create(code="GB2261.1", name="性别代码", standard="GB/T 2261.1")


@pytest.fixture
def entry_data(city, category):
    return {
        "department": city.bureau, "code": "CITY-BDB-0001", "name": "企业登记信息", "abstract": "全市企业登记基本信息",
        "category": category.pk, "sharing_type": "conditional", "sharing_condition": "用于政务服务办理", "open_type": "none",
        "update_cycle": "daily",
        "items": [
            {"name": "统一社会信用代码", "field_name": "uscc", "data_type": "C", "length": 18, "format": "uscc", "is_key": True, "required": True},
            {"name": "企业名称", "field_name": "qymc", "data_type": "C", "length": 200},
        ],
    }


@pytest.fixture
def actors(role_user, city):
    return {
        "data_admin": role_user("data_admin"),
        "dept_admin": role_user("dept_admin"),
        "authority": role_user("data_authority"),
        "other_admin": role_user("data_admin", department=city.other_bureau),
        "other_dept_admin": role_user("dept_admin", department=city.other_bureau),
    }


@pytest.fixture
def make_entry(actors, entry_data):
    from digigov.data.catalog import actions

    def make(**over):
        return actions.create_entry(actors["data_admin"], **(entry_data | over))

    return make


@pytest.fixture
def published(actors, make_entry):
    from digigov.data.catalog import actions

    e = make_entry()
    actions.submit_entry(actors["data_admin"], e)
    actions.dept_review(actors["dept_admin"], e, approve=True)
    actions.authority_review(actors["authority"], e, approve=True)
    e.refresh_from_db()
    return e
