#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scp_destination_info
short_description: Read SAP BTP destinations (Neo and Cloud Foundry)
version_added: 0.1.0
description:
  - Lists the destinations of one level, or reads one by name, on SAP BTP Neo (configuration service, observed in
    SAP code, not in SAP's help documentation) or in the Cloud Foundry Destination service (documented).
  - C(Password) and every property whose name contains C(password) or C(secret) (any case) are removed.
  - On Cloud Foundry a listing is one request; on Neo it is one request for the names plus one per destination.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.common, sapcloud.identity.btp_neo, sapcloud.identity.btp_cf,
  sapcloud.identity.btp_destination, sapcloud.identity.query, sapcloud.identity.attributes.info,
  sapcloud.identity.attributes.group_btp]
options:
  name:
    description:
      - Read only this destination. Without it, every destination of the level is read.
    type: str
seealso:
  - module: sapcloud.identity.scp_destination
'''

EXAMPLES = r'''
- name: Names and URLs of all subaccount destinations (Cloud Foundry)
  sapcloud.identity.scp_destination_info:
    platform: cf
    service_key: "{{ destination_service_key }}"
    query: "[].{name: Name, url: URL}"
  register: found

- name: One Neo destination
  sapcloud.identity.scp_destination_info:
    platform: neo
    landscape_host: hana.ondemand.com
    subaccount: idmconsumer
    platform_client_id: "{{ neo_platform_client_id }}"
    platform_client_secret: "{{ neo_platform_client_secret }}"
    name: S4HC_MY123456
'''

RETURN = r'''
destinations:
  description: The destinations found (none, or one when I(name) is given), without secret properties.
  returned: always
  type: list
  elements: dict
  sample: [{"Name": "S4HC_MY123456", "Type": "HTTP", "URL": "https://my123456-api.s4hana.ondemand.com",
            "ProxyType": "Internet", "Authentication": "BasicAuthentication", "User": "COMM_USER"}]
query_result:
  description: The result of I(query) applied to I(destinations).
  returned: when query is given
  type: raw
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.btp import (
    cf_argument_spec, check_destination_name, check_destination_scope, destination_client,
    destination_scope_argument_spec, neo_argument_spec, public)
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.info import run_info


def argument_spec():
    spec = dict(name=dict(type='str'))
    spec.update(destination_scope_argument_spec())
    spec.update(neo_argument_spec())
    spec.update(cf_argument_spec())
    return spec


def read_destinations(params):
    check_destination_scope(params)
    check_destination_name(params['name'])
    client = destination_client(params)
    if params['name']:
        found = [client.get(params['name'])]
    elif params['platform'] == 'cf':
        found = client.list()
    else:
        found = [client.get(name) for name in client.names()]
    return [public(d) for d in found if d is not None]


def main():
    run_info(argument_spec(), 'destinations', read_destinations)


if __name__ == '__main__':
    main()
