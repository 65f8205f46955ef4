"""Every function the gateway serves, by element name, gathered from the modules that implement them."""

from __future__ import annotations

from simulator.intacct import company, functions, legacy

FUNCTIONS: dict[str, functions.Handler] = {**functions.FUNCTIONS, **company.FUNCTIONS, **legacy.FUNCTIONS}
# What dtdversion 2.1 offers: the legacy functions only (reference §1.2).
LEGACY = functions.LEGACY | set(legacy.FUNCTIONS)
WRITE_FUNCTIONS = functions.WRITE_FUNCTIONS
