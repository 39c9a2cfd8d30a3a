#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_comm_arrangement_info
short_description: Read communication arrangements of SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Lists the communication arrangements of a tenant with their users, services and properties, optionally only
    those of a scenario, of a system or with a name, through the Communication Management Integration API
    (scenario C(SAP_COM_0A48), OData V4 service C(aps_com_ca_a4c_odata)). Makes one request.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.s4.comm, sapcloud.identity.common,
  sapcloud.identity.query, sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_s4]
options:
  scenario_id:
    description:
      - Return only arrangements of this communication scenario, for example C(SAP_COM_0093).
    type: str
  system_id:
    description:
      - Return only arrangements with the communication system of this system ID.
      - With O(scenario_id) this names at most one arrangement.
    type: str
  name:
    description:
      - Return only the arrangement with this name.
    type: str
  with_items:
    description:
      - Expand the service and property items (C(InboundServices), C(OutboundServices), C(Properties)) besides
        the user bindings.
      - Their shapes are unconfirmed; with V(false) the read works on a tenant whose C($metadata) does not declare
        those navigations.
    type: bool
    default: true
    version_added: 0.2.0
seealso:
  - module: sapcloud.identity.s4_comm_arrangement
'''

EXAMPLES = r'''
- name: The SAP_COM_0093 arrangement of the IPS system
  sapcloud.identity.s4_comm_arrangement_info:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    scenario_id: SAP_COM_0093
    system_id: IPS_SYSTEM
  register: info

- name: Scenarios that have an arrangement
  sapcloud.identity.s4_comm_arrangement_info:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    query: "[].CommunicationScenarioID"
  register: scenarios
'''

RETURN = r'''
arrangements:
  description:
    - The communication arrangements as the server holds them, each with C(InboundUser), C(OutboundUser),
      C(InboundServices), C(OutboundServices) and C(Properties).
  returned: success
  type: list
  elements: dict
  sample:
    - UUID: 3fa85f64-5717-4562-b3fc-2c963f66afa6
      CommunicationScenarioID: SAP_COM_0093
      CommunicationSystemID: IPS_SYSTEM
      Name: SAP_COM_0093
      InboundUser:
        CommunicationSystemInboundUserUUID: 5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b
      OutboundUser: null
      InboundServices: []
      OutboundServices: []
      Properties: []
query_result:
  description: The result of O(query) applied to RV(arrangements).
  returned: when O(query) is given
  type: raw
  sample: [SAP_COM_0093]
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import S4Client, s4_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.info import run_info


def read_arrangements(params):
    entity_set = S4Client(params).arrangements
    if not params['with_items']:
        entity_set.expand = 'InboundUser,OutboundUser'
    return entity_set.list(
        CommunicationScenarioID=params['scenario_id'], CommunicationSystemID=params['system_id'], Name=params['name'])


def main():
    run_info(dict(s4_argument_spec(), scenario_id=dict(type='str'), system_id=dict(type='str'), name=dict(type='str'),
                  with_items=dict(type='bool', default=True)), 'arrangements', read_arrangements)


if __name__ == '__main__':
    main()
