"""Admin pages of the 一网通办 app: each slice keeps its admin classes in ``admin_<slice>.py``."""

import importlib

for _slice in ("catalog", "application", "ratings"):
    try:
        importlib.import_module(f"{__package__}.admin_{_slice}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.admin_{_slice}":
            raise
