"""Rule parameters: every number of the domain, stored in the database with its unit,
scope (county, street or community), source and date in force, edited by a county admin
and read by the code through :func:`rule`.

* ``core.rules.registry``: ``Parameter``, ``Kind``, ``register()``, ``get_parameter()``,
  ``all_parameters()``, ``parse()``, ``temporary()`` (tests).
* ``core.rules.rule(key, node=None, on=None)``: the value in force (``lookup.py``).
* ``core.rules.services``: ``set_rule()``, ``delete_rule()``.
* ``core.rules.migration_helpers.install_defaults()``: county rows from a data migration.

This package imports nothing from the apps above the core.
"""

from .lookup import rule
from .registry import Kind, Parameter, all_parameters, get_parameter, register

__all__ = ["Kind", "Parameter", "all_parameters", "get_parameter", "register", "rule"]
