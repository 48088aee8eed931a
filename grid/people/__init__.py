"""Households and residents on the web: the resident pages, sign-up and verification
of accounts, and the roster (台账) in and out of Excel. Their models, services and API:
``grid/models/people.py``, ``grid/services/people.py``, ``grid/api/people.py``."""
