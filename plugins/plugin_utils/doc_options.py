# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option documentation that several doc fragments share with other names: written once here, each fragment
gives the names (a module's DOCUMENTATION is read without running it, so only fragments can use this)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def contract_admin_options(admin, variable, what, system, info_module):
    """The options <admin>_url, _user and _password of a server that implements the collection's own REST contract
    for `what` of `system` (environment variables <variable>_URL, _USER, _PASSWORD)."""
    return r'''
  %(admin)s_url:
    description:
      - Base URL of a server that implements the collection's own REST contract for %(what)s
        (C(docs/ips-idm-contract.md)). %(system)s has no such API; today only the collection's emulator implements it.
      - Required with C(transport=api), and by M(sapcloud.identity.%(info_module)s).
      - If not set, the value of the E(%(variable)s_URL) environment variable is used.
    type: str
  %(admin)s_user:
    description:
      - User for Basic authentication on O(%(admin)s_url).
      - If not set, the value of the E(%(variable)s_USER) environment variable is used.
    type: str
  %(admin)s_password:
    description:
      - Password of O(%(admin)s_user).
      - If not set, the value of the E(%(variable)s_PASSWORD) environment variable is used.
    type: str
''' % dict(admin=admin, variable=variable, what=what, system=system, info_module=info_module)


def client_certificate_options(variable, certificate, confirmed):
    """The options client_cert, client_key and client_key_passphrase of an OAuth client that proves itself with an
    X.509 certificate instead of client_secret (environment variables <variable>_CERT, _KEY, _KEY_PASSPHRASE).
    certificate says whose certificate it is and how the token request uses it; confirmed what SAP documents."""
    return r'''
  client_cert:
    description:
      - %(certificate)s
      - %(confirmed)s
      - Checked before any request - a PEM certificate, valid now, matching O(client_key).
      - If not set, the value of the E(%(variable)s_CERT) environment variable is used.
    type: path
  client_key:
    description:
      - PEM file with the private key of O(client_cert); required with it. A key file readable by every user of the
        machine is refused; one readable by its group gives a warning.
      - If not set, the value of the E(%(variable)s_KEY) environment variable is used.
    type: path
  client_key_passphrase:
    description:
      - Passphrase of an encrypted O(client_key), used in memory only.
      - If not set, the value of the E(%(variable)s_KEY_PASSPHRASE) environment variable is used.
    type: str
''' % dict(variable=variable, certificate=certificate, confirmed=confirmed)
