# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The IPS tenant: which infrastructure it runs on and where its proxy SCIM API is.
    DOCUMENTATION = r'''
options:
  infrastructure:
    description:
      - Where the IPS tenant runs.
      - V(neo) is SAP BTP, Neo environment (bundle tenants created before 2022-03-15). The proxy SCIM API is
        C(https://ipsproxy<provider>-<consumer>.<host>/ipsproxy/api/v1/scim/<system id>). Tokens come from the
        OAuth client registered for C(<provider>/ipsproxy), at C(https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token).
      - V(sci) is SAP Cloud Identity Services. The proxy SCIM API is
        C(https://<ias tenant host>/ipsproxy/service/api/v1/scim/<system id>). Tokens come from an IAS administrator
        of type System (created by hand), at C(https://<ias tenant host>/oauth2/token).
      - If not set, the value of the E(SAP_IPS_INFRASTRUCTURE) environment variable is used.
    type: str
    choices: [neo, sci]
    default: neo
  proxy_url:
    description:
      - Base URL of the host that serves the proxy SCIM API, without a path, for example
        C(https://ipsproxyabcd1234-idmconsumer.hana.ondemand.com) (neo) or C(https://mytenant.accounts.ondemand.com) (sci).
      - Used to build the SCIM URL of a proxy system.
      - If not set, the value of the E(SAP_IPS_PROXY_URL) environment variable is used.
    type: str
'''

    # The collection's own management contract (no SAP system offers it).
    ADMIN = r'''
options:
  ips_admin_url:
    description:
      - Base URL of a server that implements the collection's own REST contract for proxy systems
        (C(docs/ips-idm-contract.md)). IPS itself has no such API; today only the collection's emulator implements it.
      - Required with C(transport=api), and by M(sapcloud.identity.ips_proxy_system_info).
      - If not set, the value of the E(SAP_IPS_ADMIN_URL) environment variable is used.
    type: str
  ips_admin_user:
    description:
      - User for Basic authentication on O(ips_admin_url).
      - If not set, the value of the E(SAP_IPS_ADMIN_USER) environment variable is used.
    type: str
  ips_admin_password:
    description:
      - Password of O(ips_admin_user).
      - If not set, the value of the E(SAP_IPS_ADMIN_PASSWORD) environment variable is used.
    type: str
'''

    # A caller of the documented proxy SCIM API.
    PROXY = r'''
options:
  token_url:
    description:
      - Token endpoint for the client credentials grant.
      - With O(infrastructure=neo) C(https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token) (required).
      - With O(infrastructure=sci) it defaults to C(<proxy_url>/oauth2/token).
      - If not set, the value of the E(SAP_IPS_TOKEN_URL) environment variable is used.
    type: str
  client_id:
    description:
      - Client ID of the Neo OAuth client that holds role C(IPS_PROXY_USER) (neo), or of the IAS administrator of
        type System with C(Access Proxy System API) (sci).
      - If not set, the value of the E(SAP_IPS_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - Secret of O(client_id); not needed with O(client_cert).
      - If not set, the value of the E(SAP_IPS_CLIENT_SECRET) environment variable is used.
    type: str
'''
