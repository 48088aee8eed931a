"""Open311 GeoReport v2 under ``/open311/v2/``: services are the category leaves,
requests are the service requests of the net, partner apps post with a key."""
