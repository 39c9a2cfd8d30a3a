#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_comm_user_info
short_description: Read communication users of SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Lists the communication users of a tenant, or the one with a given name, through the Communication Management
    Integration API (scenario C(SAP_COM_0A48), OData V4 service C(aps_com_cu_a4c_odata)). Makes one request.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.s4.comm, sapcloud.identity.common,
  sapcloud.identity.query, sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_s4]
options:
  name:
    description:
      - Return only the user with this user name. Without it, all communication users are returned.
    type: str
seealso:
  - module: sapcloud.identity.s4_comm_user
'''

EXAMPLES = r'''
- name: Is the IPS user locked?
  sapcloud.identity.s4_comm_user_info:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    name: IPS_COMM_USER
  register: info

- name: Names of all locked communication users
  sapcloud.identity.s4_comm_user_info:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    query: "[?IsLocked].Name"
  register: locked
'''

RETURN = r'''
users:
  description: The communication users as the server holds them (passwords are never returned).
  returned: success
  type: list
  elements: dict
  sample:
    - ID: CC0000000042
      Name: IPS_COMM_USER
      Type: customer_communication
      Description: SAP Identity Provisioning proxy
      IsLocked: false
      LockStatus: not_locked
      PasswordStatus: productive
query_result:
  description: The result of O(query) applied to RV(users).
  returned: when O(query) is given
  type: raw
  sample: [IPS_COMM_USER]
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import S4Client, s4_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.info import run_info


def main():
    run_info(dict(s4_argument_spec(), name=dict(type='str')), 'users',
             lambda params: S4Client(params).users.list(Name=params['name']))


if __name__ == '__main__':
    main()
