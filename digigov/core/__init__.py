"""Core layer: settings, org tree, accounts, RBAC, audit, KPI registry, web shell.

Every other layer may import from here; core imports no other DigiGov layer.
"""
