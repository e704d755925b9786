"""Chinese labels of the e-licence app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
})
