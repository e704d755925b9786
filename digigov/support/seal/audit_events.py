"""Chinese labels of the e-seal app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    # --- foundation (signing service, CA) ---
    "seal.sign": "电子签章",
    "seal.certificate.issue": "签发数字证书",
})
