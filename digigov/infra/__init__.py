"""Infrastructure layer (基础设施体系): government cloud (政务云) and e-gov network (政务外网).

The reference app: later apps copy its shape (models, actions, api, views, admin, tests).
"""
