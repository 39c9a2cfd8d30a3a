"""Emulated SAP BTP Cloud Foundry hosts: model.py (state and rules), routes.py (HTTP)."""

from emulator.services.cf.model import DEMO_INSTANCE_ID  # noqa: F401  the demo service instance
from emulator.services.cf.routes import DestinationService, XsuaaTokens  # noqa: F401  the hosts' classes
