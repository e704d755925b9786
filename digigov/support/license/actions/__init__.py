"""Every write of the e-licence app: types (``types``), issuance and the lifecycle (``licences``), batch import
and paper migration (``batch``). Each checks its permission, validates, runs in one transaction and audits."""
