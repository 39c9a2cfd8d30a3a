#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_comm_system_info
short_description: Read communication systems of SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Lists the communication systems of a tenant with their inbound and outbound users, or the one with a given
    system ID, through the Communication Management Integration API (scenario C(SAP_COM_0A48), OData V4 service
    C(aps_com_cs_a4c_odata)). Makes one request.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.s4.comm, sapcloud.identity.common,
  sapcloud.identity.query, sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_s4]
options:
  system_id:
    description:
      - Return only the system with this system ID. Without it, all communication systems are returned.
    type: str
seealso:
  - module: sapcloud.identity.s4_comm_system
'''

EXAMPLES = r'''
- name: The IPS system and its users
  sapcloud.identity.s4_comm_system_info:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    system_id: IPS_SYSTEM
  register: info

- name: IDs of the systems that are not inbound only
  sapcloud.identity.s4_comm_system_info:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    query: "[?!IsInboundOnly].ID"
  register: outbound_systems
'''

RETURN = r'''
systems:
  description: The communication systems as the server holds them, each with C(InboundUsers) and C(OutboundUsers).
  returned: success
  type: list
  elements: dict
  sample:
    - UUID: 0b7c2a8e-3f1d-4c55-9a7e-2d4f6b8c1e90
      ID: IPS_SYSTEM
      Name: IPS_SYSTEM
      HostName: ips.example.com
      TCPPort: 443
      IsInboundOnly: false
      InboundUsers:
        - UUID: 5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b
          CommunicationUserID: CC0000000042
          AuthenticationMethod: basic
      OutboundUsers:
        - UUID: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
          Name: DUMMY
          AuthenticationMethod: basic
query_result:
  description: The result of O(query) applied to RV(systems).
  returned: when O(query) is given
  type: raw
  sample: [IPS_SYSTEM]
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import S4Client, s4_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.info import run_info


def main():
    run_info(dict(s4_argument_spec(), system_id=dict(type='str')), 'systems',
             lambda params: S4Client(params).systems.list(ID=params['system_id']))


if __name__ == '__main__':
    main()
