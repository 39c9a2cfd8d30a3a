"""Emulated SAP S/4HANA Cloud (public edition) tenant: models (state and rules) apart from routes (HTTP).

model.py (communication management, logon and authorization), certificate_model.py and business_model.py hold
the tenant's state and rules; routes.py, certificate_routes.py and business_routes.py parse requests and shape
answers; fields.py declares the OData fields, paths.py the services' base paths.
"""

from emulator.services.s4.paths import CA, CS, CU  # noqa: F401  the tenant's public names
from emulator.services.s4.routes import S4Tenant  # noqa: F401
