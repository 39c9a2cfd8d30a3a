"""Emulated SAP Identity Provisioning tenant on SAP BTP, Neo: model.py (state and rules), routes.py (HTTP),
connector.py (the proxy's calls to S/4HANA Cloud)."""

from emulator.services.ips.routes import IpsTenant  # noqa: F401  the host's class
