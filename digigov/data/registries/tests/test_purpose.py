"""One masking policy for every registry page (purpose.mask), the steward's queue included."""

import pytest


@pytest.mark.parametrize("registry, code, value", [
    ("person", "sex", "M"), ("person", "marital", "已婚"), ("person", "insured", "参保"), ("person", "mother_name", "王秀英"),
    ("person", "id_number", "210602199001011234"), ("person", "address", "示范市元宝区广济街道3号"), ("enterprise", "name", "示范市某某有限公司"),
])
def test_steward_masks_with_the_one_policy(registry, code, value):
    """The steward's queue masks exactly as every other registry page does (it once left 婚姻状况 and 参保状态
    in clear and showed 性别 unmasked)."""
    from digigov.data.registries import purpose, steward

    assert steward.display(registry, code, value) == purpose.mask(registry, code, value)
    assert steward.display(registry, code, value, clear=True) == purpose.display(registry, code, value)


def test_parents_names_are_masked_as_names():
    from digigov.data.registries import purpose

    assert purpose.mask("person", "mother_name", "王秀英") == purpose.mask("person", "name", "王秀英")
