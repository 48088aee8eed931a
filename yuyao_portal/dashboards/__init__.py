"""The dashboards of each tier (county, street, community, grid) across every mode, and
the participation analytics (issue 17).

One module per mode's numbers (``requests``, ``volunteers``, ``negotiation``,
``funding``, ``training``), ``participation`` for who takes part, ``charts`` for the
server-rendered SVG, ``scope`` for whose numbers a page shows, ``caching`` for the parts
cached per scope and invalidated on write, ``views``/``urls`` for the pages and the Excel
exports. Every number is computed from ``Model.objects.for_user(user)`` querysets
narrowed to the viewer's node."""
