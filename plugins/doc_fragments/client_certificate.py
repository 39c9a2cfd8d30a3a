# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The certificate of an OAuth client that proves itself with X.509 instead of client_secret: the IPS proxy
    client (ips_proxy_argument_spec in module_utils/clients/ips.py) and the Neo OAuth client of scp_oauth_client."""

    DOCUMENTATION = r'''
options:
  client_cert:
    description:
      - PEM file with the X.509 client certificate of O(client_id) (optionally followed by its chain), for example
        the certificate of an IAS administrator of type System. The token request then sends O(client_id) in the
        form body, authenticates by mutual TLS and sends no secret.
      - For a Neo OAuth client (IPS on Neo, M(sapcloud.identity.scp_oauth_client)) SAP documents only client id and
        secret at the token endpoint; whether it accepts a certificate is not confirmed (C(docs/support-matrix.md)).
      - Checked before any request - a PEM certificate, valid now, matching O(client_key).
      - If not set, the value of the environment variable E(SAP_IPS_CLIENT_CERT) (IPS proxy modules) or
        E(SAP_NEO_OAUTH_CLIENT_CERT) (M(sapcloud.identity.scp_oauth_client)) is used.
    type: path
  client_key:
    description:
      - PEM file with the private key of O(client_cert); required with it. A key file readable by every user of the
        machine is refused; one readable by its group gives a warning.
      - If not set, the value of the environment variable E(SAP_IPS_CLIENT_KEY) (IPS proxy modules) or
        E(SAP_NEO_OAUTH_CLIENT_KEY) (M(sapcloud.identity.scp_oauth_client)) is used.
    type: path
  client_key_passphrase:
    description:
      - Passphrase of an encrypted O(client_key), used in memory only.
      - If not set, the value of the environment variable E(SAP_IPS_CLIENT_KEY_PASSPHRASE) (IPS proxy modules) or
        E(SAP_NEO_OAUTH_CLIENT_KEY_PASSPHRASE) (M(sapcloud.identity.scp_oauth_client)) is used.
    type: str
'''
