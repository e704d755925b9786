"""Every write of the data-resource catalog, one module per kind of object.

Each action checks the actor's permission on the object (``require``), validates (Chinese field
errors, ``ValidationFailed``), writes inside one transaction and appends an audit entry; entry actions
also append an ``EntryRevision`` with a readable summary. Reads live in ``..selectors``.
"""

from .demands import accept_demand, file_demand, meet_demand, reject_demand
from .entries import (authority_review, create_entry, dept_review, revise_entry, submit_entry, update_entry, void_entry,
                      withdraw_entry)
from .mounts import max_file_bytes, mount_resource, unmount_resource
from .responsibilities import add_responsibility, edit_responsibility, link_responsibility, void_responsibility

__all__ = [
    "accept_demand", "add_responsibility", "authority_review", "create_entry", "dept_review", "edit_responsibility",
    "file_demand", "link_responsibility", "max_file_bytes", "meet_demand", "mount_resource", "reject_demand",
    "revise_entry", "submit_entry", "unmount_resource", "update_entry", "void_entry", "void_responsibility",
    "withdraw_entry",
]
