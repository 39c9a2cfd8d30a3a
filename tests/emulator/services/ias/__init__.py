"""Emulated SAP Cloud Identity Services tenant (IPS on "sci"): model.py (state and rules), routes.py (HTTP)."""

from emulator.services.ias.routes import IasTenant  # noqa: F401  the host's class
