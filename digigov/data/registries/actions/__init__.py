"""Every write of the base registries: feeds, the 一数一源 authority table, builds and the steward's
decisions. Each action checks its permission, validates, writes in one transaction and records one
audit entry naming the actor passed in (system jobs pass ``system_account()``)."""

from .authority import set_authority
from .builds import start_build
from .feeds import register_feed
from .steward import decide

__all__ = ["decide", "register_feed", "set_authority", "start_build"]
