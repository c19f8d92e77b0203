"""The matching engine: pure Python, no I/O. Reached by the hub through :mod:`matching.ports`."""
