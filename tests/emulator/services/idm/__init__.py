"""Emulated SAP Identity Management 8.0: model.py (state and rules), routes.py (HTTP), load.py (the initial load's
reads of the proxy)."""

from emulator.services.idm.routes import IdmServer  # noqa: F401  the host's class
