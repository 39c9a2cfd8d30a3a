# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The formats of the IPS proxy system and the IDM SCIM repository, as data.

Neither IPS nor IDM publishes an API or a schema for these objects, so every format below is a best reading of
the sources named next to it, tagged as in docs/ips-idm-contract.md:
CONFIRMED (SAP documentation), OBSERVED (SAP or third-party code and docs), UNCONFIRMED (inferred; check on a
real tenant). Code elsewhere reads these tables instead of spelling the formats out, so a correction found on a
live system is a change here only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# ---------------------------------------------------------------------------------------------------------------
# IPS proxy systems
# ---------------------------------------------------------------------------------------------------------------

# UI rule for "System Name" (CONFIRMED, IPS docs "Add New Systems").
SYSTEM_NAME_MAX = 100
SYSTEM_NAME_PATTERN = r'^[a-zA-Z0-9_. -]+$'

# connectorTypeString of the "SAP S/4HANA Cloud (Public Edition)" proxy: UNCONFIRMED. No source shows it; this
# value is inferred from SAP_COMMERCE_CLOUD in a third-party template. Read it from a JSON export of a system made
# by hand in the UI before trusting it.
DEFAULT_CONNECTOR_TYPE = 'SAP_S4HANA_CLOUD'

# The system document: the keys of an IPS JSON export (OBSERVED, third-party SailPoint template of an export).
# The key of the description is UNCONFIRMED (the template does not show one; the UI has the field).
SYSTEM_KEYS = {
    'name': 'name',
    'description': 'description',
    'connector_type': 'connectorTypeString',
    'destination_name': 'destinationName',
    'properties': 'properties',
    'credential_properties': 'encryptedProperties',
    'read_transformation': 'readTransformation',
    'write_transformation': 'writeTransformation',
}

# Written into every proxy system document as the export shows them (OBSERVED, same template).
SYSTEM_FIXED_FIELDS = {
    'accessMode': 'PROXY',
    'systemManagementType': 'CUSTOMER_MANAGED',
    'state': 'ENABLED',
    'automaticOutboundCertificateRenew': False,
    'gitAllowedExpressions': [],
    'gitDisallowedExpressions': [],
    'emailSubscribers': [],
}

# Flags the export carries next to the transformations (OBSERVED); the file sets them from what it carries.
TRANSFORMATION_FLAGS = {
    'readTransformation': 'readTransformationChanged',
    'writeTransformation': 'writeTransformationChanged',
}

# Changing the URL or host of a system makes IPS drop its credential properties (CONFIRMED, "Property Types").
# Which property names count as "host" besides URL is UNCONFIRMED; compared case-insensitively.
CREDENTIAL_RESET_PROPERTIES = ('URL', 'Host')

# The default credential property of a system (CONFIRMED, "Property Types").
DEFAULT_CREDENTIAL_PROPERTY = 'Password'

# Hosts of S/4HANA Cloud tenants (CONFIRMED); IPS must call the -api host (OBSERVED: the UI host answers Basic
# auth with a SAML redirect).
S4_TENANT_HOST_SUFFIXES = ('.s4hana.ondemand.com', '.s4hana.cloud.sap')

BOOLEAN = ('true', 'false')
INTEGER = 'integer'
NO_COMMA = 'no-comma'

# Documented properties of the "SAP S/4HANA Cloud (Public Edition)" proxy and their allowed values (CONFIRMED,
# IPS docs for that system type and "List of Properties"). Names not listed here pass through unchecked.
S4_PROXY_PROPERTIES = {
    'Type': ('HTTP',),
    'ProxyType': ('Internet',),
    'Authentication': ('BasicAuthentication', 'ClientCertificateAuthentication'),
    'User': NO_COMMA,
    's4hana.cloud.api.version': ('1', '3'),
    's4hana.cloud.hr.switch.active': BOOLEAN,
    's4hana.cloud.skip.read.archived': BOOLEAN,
    's4hana.cloud.user.roles.overwrite': BOOLEAN,
    's4hana.cloud.support.patch.operation': BOOLEAN,
    's4hana.cloud.support.bulk.operation': BOOLEAN,
    's4hana.cloud.bulk.operations.max.count': INTEGER,
    's4hana.cloud.roles.page.size': INTEGER,
    's4hana.cloud.group.members.page.size': INTEGER,
    's4hana.cloud.group.members.paging.enabled': BOOLEAN,
    's4hana.cloud.user.groups.page.size': INTEGER,
    's4hana.cloud.user.groups.paging.enabled': BOOLEAN,
    's4hana.cloud.patch.group.members.above.threshold': INTEGER,
    'ips.trace.failed.entity.content': BOOLEAN,
}

# Credential properties with a value rule (CONFIRMED: no comma in the S/4 proxy's Password).
S4_PROXY_CREDENTIAL_PROPERTIES = {'Password': NO_COMMA}

# ---------------------------------------------------------------------------------------------------------------
# The proxy SCIM API and its tokens (CONFIRMED, IPS docs "Proxy Systems")
# ---------------------------------------------------------------------------------------------------------------

# Path of a proxy system's SCIM API below the proxy host, per IPS infrastructure.
PROXY_SCIM_PATHS = {
    'neo': '/ipsproxy/api/v1/scim/',            # https://ipsproxy<provider>-<consumer>.<host>
    'sci': '/ipsproxy/service/api/v1/scim/',    # https://<ias-tenant-host>
}

# Token endpoints: Neo's app token endpoint on oauthasservices-<consumer>.<host> (grant_type in the query, client
# in Basic auth only); IAS on the tenant host itself (grant_type as a form field).
TOKEN_PATHS = {
    'neo': '/oauth2/api/v1/token',
    'sci': '/oauth2/token',
}
TOKEN_GRANT_IN_QUERY = {'neo': True, 'sci': False}

# ---------------------------------------------------------------------------------------------------------------
# IDM 8.0 SCIM repositories
# ---------------------------------------------------------------------------------------------------------------

# Repository type qualified name (OBSERVED: a third-party "export to SAP IdM" that mimics the IPS CSV).
DEFAULT_REPOSITORY_TYPE = 'com.sap.idm.connector.scim:reptype.SCIM'

# CSV for the IDM admin UI import. Layout OBSERVED in the same third-party exporter; the exact file IPS itself
# exports is UNCONFIRMED. Two lines: a header and one line of values. Every header name and every value is
# followed by a comma (so each line ends with one); a non-empty value is wrapped in double quotes, an empty one
# is left bare. Constants that are not in CSV_CONSTANT_COLUMNS follow them in sorted order.
CSV_FIXED_COLUMNS = ('Name', 'Description', 'Type', 'Disabled', 'TypeQN')
CSV_CONSTANT_COLUMNS = (
    'AUTH_PASSWORD', 'AUTH_TYPE', 'AUTH_USER', 'CONNECT_TIMEOUT', 'CONNECTION_KEEPALIVE',
    'MX_PRIV_GROUPING_ATTRIBUTE', 'OAUTH_URL', 'PROXY_HOST', 'PROXY_PASSWORD', 'PROXY_PORT', 'PROXY_USER',
    'READ_TIMEOUT', 'SCIM_ASSIGNMENT_METHOD', 'SCIM_HOST', 'SCIM_PATH', 'SCIM_PORT', 'SCIM_PROTOCOL',
    'SYSTEM_PRIVILEGE', 'TRUSTSTORE', 'TRUSTSTORE_PASSWORD',
)
CSV_LINE_END = '\n'
# Spreadsheet safety (the collection's own rule, as spreadsheet-safe CSV exports do it): a cell that begins with one
# of these characters is written with a single quote in front, so a spreadsheet shows it as text instead of running
# it as a formula; reading the file back removes that quote. A repository name may not begin with one at all.
# Encrypted constants are written verbatim (IDM must import the secret itself; the file is mode 0600 and not for a
# spreadsheet), like the fixed columns the module fills itself. Whether IDM strips the quote on import: UNCONFIRMED.
CSV_FORMULA_PREFIXES = ('=', '+', '-', '@', '\t', '\r')
CSV_VERBATIM_COLUMNS = ('Name', 'Type', 'Disabled', 'AUTH_PASSWORD', 'PROXY_PASSWORD', 'TRUSTSTORE_PASSWORD')
# A constant name is a column of the header line: letters, digits and "_" only.
CONSTANT_NAME_PATTERN = r'^[A-Za-z_][A-Za-z0-9_]*$'

# Constant defaults: SAP's SCIM connector package (OBSERVED) except SCIM_ASSIGNMENT_METHOD, which the IPS docs
# require to be PATCH for the S/4HANA Cloud proxy (CONFIRMED).
CONSTANT_DEFAULTS = {
    'SCIM_PROTOCOL': 'https',
    'SCIM_PORT': '443',
    'AUTH_TYPE': 'oauth',
    'SCIM_ASSIGNMENT_METHOD': 'PATCH',
    'CONNECT_TIMEOUT': '60000',
    'READ_TIMEOUT': '60000',
    'CONNECTION_KEEPALIVE': '60000',
}
SYSTEM_PRIVILEGE_TEMPLATE = 'PRIV:SYSTEM:%s'

# Constants of variable type 4 (encrypted) in the connector package (OBSERVED): write-only, never read back.
ENCRYPTED_CONSTANTS = ('AUTH_PASSWORD', 'PROXY_PASSWORD', 'TRUSTSTORE_PASSWORD')

AUTH_TYPES = ('basic', 'oauth')
ASSIGNMENT_METHODS = ('PATCH', 'PUT')
