"""Emulated SAP BTP Neo hosts: model.py (state and rules), routes.py (HTTP), properties.py (the .properties format
of destinations)."""

from emulator.services.neo.routes import NeoApi, NeoConfigApi, NeoOAuth  # noqa: F401  the hosts' classes
