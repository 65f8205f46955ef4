"""Sage Intacct's REST API (``/ia/api/v1``): a second wire onto the Intacct room's books and rules.

Routes (``routes.py``) read a request and delegate; ``auth`` issues and checks
OAuth 2.0 tokens kept in the store; ``resources`` says how each REST object maps
onto an Intacct object; ``convert`` turns records into REST JSON and back;
``records``, ``query``, ``model`` and ``composite`` serve the object paths and
services. Every write goes through ``simulator.intacct.models`` (and
``purchasing``), so a rule holds, and fails, the same way on both wires.

This package is imported by module (``simulator.intacct.rest.routes``), never
from here, so ``simulator.intacct.config`` can read its defaults without a cycle.
"""
