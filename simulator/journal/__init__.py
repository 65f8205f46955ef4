"""The request journal: every exchange with an ERP room, recorded per tenant.

``hook`` is what a room imports to name its operations (it imports nothing of
ours); ``middleware`` records exchanges and applies fault rules; ``log`` keeps
the ring in the store; ``admin`` serves it under ``/_erpsim/tenants/{id}/journal``.
"""
