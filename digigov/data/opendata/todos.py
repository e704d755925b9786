from digigov.core import registry

from . import selectors

registry.register_todo("opendata.applications", "待审核的开放数据调用申请", lambda user: selectors.applications_to_review(user).count(),
                       "opendata_staff:applications", "opendata.review", order=70)
registry.register_todo("opendata.showcases", "待审核的数据应用展示", lambda user: selectors.showcases_to_review(user).count(),
                       "opendata_staff:showcases", "opendata.review", order=71)
