"""Data-resources layer (数据资源体系): catalog, base registries, sharing, open data.

Not built yet; its systems appear in the navigation as 未接入.
"""
