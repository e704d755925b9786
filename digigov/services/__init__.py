"""Business-application layer (业务应用体系): 一网通办, 一网统管, 一网协同, 一屏通联.

Not built yet; its systems appear in the navigation as 未接入.
"""
