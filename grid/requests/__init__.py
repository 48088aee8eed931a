"""The request loop on the web: the workbench pages of requests (lists, KPIs, the
request page and its steps, approvals, photos, return visits), residents' community
requests and the Excel export. Its models, services and API are in ``grid/models``,
``grid/services`` and ``grid/api`` under the same names (requests, approvals, visits,
photos, public)."""
