# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection options of the SAP S/4HANA Cloud modules (s4_argument_spec in module_utils/clients/s4.py)."""

    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the SAP S/4HANA Cloud tenant's API host, for example C(https://my123456-api.s4hana.cloud.sap).
      - Use the C(-api) host; Basic authentication against the UI host is answered with a SAML logon redirect.
      - Required. If not set, the value of the environment variable E(SAP_S4_API_URL) is used; a module fails before any
        request, naming both, when neither is set.
    type: str
  api_user:
    description:
      - User name of the communication user that calls the API (with O(api_password); not needed with
        O(api_client_cert)).
      - It must be the inbound user (authentication method basic) of a communication arrangement for scenario
        C(SAP_COM_0A48) (Communication Management Integration). That first user, system and arrangement are created
        once by hand in the Fiori apps; no API can create them.
      - A communication user is locked after three failed logons, so the modules never repeat a request answered
        with 401.
      - Required unless O(api_client_cert) is given. If not set, the value of the environment variable
        E(SAP_S4_API_USER) is used; a module fails before any request, naming both, when neither is set.
    type: str
  api_password:
    description:
      - Password of O(api_user).
      - Required unless O(api_client_cert) is given. If not set, the value of the environment variable
        E(SAP_S4_API_PASSWORD) is used; a module fails before any request, naming both, when neither is set.
    type: str
  api_client_cert:
    description:
      - PEM file with the X.509 client certificate (optionally followed by its chain) of the communication user that
        calls the API. It logs on by mutual TLS instead of O(api_user) and O(api_password), which are then not sent.
      - The certificate must be uploaded to that communication user, and the user must be the inbound user of the
        C(SAP_COM_0A48) arrangement with authentication method C(x509) (SSL client certificate).
      - Checked before any request - a PEM certificate, valid now, matching O(api_client_key).
      - If not set, the value of the environment variable E(SAP_S4_API_CLIENT_CERT) is used.
    type: path
  api_client_key:
    description:
      - PEM file with the private key of O(api_client_cert); required with it.
      - A key file readable by every user of the machine is refused; one readable by its group gives a warning.
      - If not set, the value of the environment variable E(SAP_S4_API_CLIENT_KEY) is used.
    type: path
  api_client_key_passphrase:
    description:
      - Passphrase of O(api_client_key) when the key is encrypted. It is used in memory only; the key is never
        written anywhere in clear.
      - If not set, the value of the environment variable E(SAP_S4_API_CLIENT_KEY_PASSPHRASE) is used.
    type: str
  sap_client:
    description:
      - SAP client, sent as the C(sap-client) query parameter on every request. Three digits, such as C(100);
        anything else fails before any request.
      - Whether public-edition API hosts need it is unconfirmed; leave it unset to use the tenant's default client.
      - If not set, the value of the environment variable E(SAP_S4_CLIENT) is used.
    type: str
  use_etag:
    description:
      - Send the entity's ETag as C(If-Match) on every update and delete.
      - Whether SAP enforces ETags on the communication management services is unconfirmed; sending them is safe
        either way.
    type: bool
    default: true
'''

    # What every module of the Communication Management Integration API (SAP_COM_0A48) shares besides its options.
    COMM = r'''
options: {}
notes:
  - The caller (O(api_user)) must be the inbound user of a C(SAP_COM_0A48) communication arrangement that was created
    once by hand in the Fiori apps.
  - The services are documented by SAP; their field names come from third-party code that read the service metadata,
    so check them against the tenant's C($metadata) if a field is missing.
'''
