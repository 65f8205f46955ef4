"""erpsim's simulator: faithful local fakes of construction ERPs behind one ASGI app."""

__version__ = "0.1.0"
