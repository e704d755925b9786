"""Security layer (安全保障体系): crypto services, data classification, incidents.

Sits directly above core; not built yet beyond what core needs (SM3 for the audit chain).
"""
