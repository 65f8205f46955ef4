"""Fault injection: per-tenant rules that make an ERP room misbehave the way the real one does.

``rules`` parses, stores and picks rules (seeded, so a run is reproducible);
``apply`` turns a picked rule into what the client sees; ``admin`` serves them
under ``/_erpsim/tenants/{id}/faults``. The journal's middleware consults them.
"""
