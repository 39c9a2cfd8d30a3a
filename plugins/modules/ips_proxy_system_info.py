#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ips_proxy_system_info
short_description: Read SAP Identity Provisioning proxy systems through the collection's REST contract
version_added: 0.1.0
description:
  - Lists the proxy systems of an SAP Identity Provisioning (IPS) tenant, or the one with a given name, in the shape of
    an IPS JSON export. Makes one request.
  - B(IPS has no public API to manage systems.) This module reads them through the collection's own REST contract
    (C(docs/ips-idm-contract.md)), which today only the collection's emulator implements, like
    M(sapcloud.identity.ips_proxy_system) with C(transport=api).
  - Credential properties are returned by name only, never with their values.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.ips, sapcloud.identity.ips.admin, sapcloud.identity.common,
  sapcloud.identity.query, sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_ips]
options:
  name:
    description:
      - Return only the system with this name. Without it, all proxy systems are returned.
    type: str
seealso:
  - module: sapcloud.identity.ips_proxy_system
  - module: sapcloud.identity.ips_proxy_check
'''

EXAMPLES = r'''
- name: The proxy system of the tenant, with its SCIM URL
  sapcloud.identity.ips_proxy_system_info:
    name: S4HC proxy
    ips_admin_url: "{{ emulator_urls.ips }}"
    ips_admin_user: "{{ emulator_demo.ips_admin_user }}"
    ips_admin_password: "{{ emulator_demo.ips_admin_password }}"
    proxy_url: "{{ emulator_urls.ips }}"
  register: proxy

- name: Names and IDs of all proxy systems
  sapcloud.identity.ips_proxy_system_info:
    ips_admin_url: "{{ emulator_urls.ips }}"
    ips_admin_user: "{{ emulator_demo.ips_admin_user }}"
    ips_admin_password: "{{ emulator_demo.ips_admin_password }}"
    query: "[].{name: name, id: id}"
  register: systems
'''

RETURN = r'''
systems:
  description:
    - The proxy systems as the server holds them, in the shape of an IPS JSON export.
    - C(encryptedProperties) lists the names of the credential properties with the value V(null), never the values.
    - C(scim_url) is the base URL of the system's proxy SCIM API (documented pattern), or V(null) without O(proxy_url).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b
      name: S4HC proxy
      connectorTypeString: SAP_S4HANA_CLOUD
      destinationName: S4HC_IPS
      properties:
        s4hana.cloud.api.version: "1"
      encryptedProperties:
        Password: null
      scim_url: https://ipsproxyabcd1234-idmconsumer.hana.ondemand.com/ipsproxy/api/v1/scim/8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b
query_result:
  description: The result of O(query) applied to RV(systems).
  returned: when O(query) is given
  type: raw
  sample: [{name: S4HC proxy, id: 8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b}]
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import check_admin
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import (
    IpsAdminClient, ips_argument_spec, scim_base_url)
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.info import run_info

CREDENTIALS = fmt.SYSTEM_KEYS['credential_properties']


def public(system, params):
    """The system without credential values (the contract sends none; this holds whatever a server sends)."""
    out = dict(system)
    out[CREDENTIALS] = dict((name, None) for name in system.get(CREDENTIALS) or {})
    out['scim_url'] = scim_base_url(params['infrastructure'], params['proxy_url'], system.get('id'))
    return out


def read_systems(params):
    check_admin(params, 'ips_admin', 'to read proxy systems')
    if params['proxy_url']:
        check_base_url(params['proxy_url'], 'proxy_url')
    return [public(s, params) for s in IpsAdminClient(params).list(params['name'])]


def main():
    run_info(dict(ips_argument_spec(), name=dict(type='str')), 'systems', read_systems)


if __name__ == '__main__':
    main()
