#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: idm_repository_info
short_description: Read SAP Identity Management repositories through the collection's REST contract
version_added: 0.1.0
description:
  - Lists the repositories of SAP Identity Management (IDM) 8.0, or the one with a given name, with their constants
    and the state of their initial load. Makes one request.
  - B(IDM has no API for repositories.) This module reads them through the collection's own REST contract
    (C(docs/ips-idm-contract.md)), which today only the collection's emulator implements, like
    M(sapcloud.identity.idm_repository) with C(transport=api).
  - Encrypted constants are returned by name only, never with their values.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.idm, sapcloud.identity.common, sapcloud.identity.query,
  sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_idm]
options:
  name:
    description:
      - Return only the repository with this name. Without it, all repositories are returned.
    type: str
seealso:
  - module: sapcloud.identity.idm_repository
'''

EXAMPLES = r'''
- name: Has the repository been loaded?
  sapcloud.identity.idm_repository_info:
    name: S4HC_PROXY
    idm_admin_url: "{{ emulator_urls.idm }}"
    idm_admin_user: "{{ emulator_demo.idm_admin_user }}"
    idm_admin_password: "{{ emulator_demo.idm_admin_password }}"
    query: "[0].initialLoad.lastSucceeded"
  register: loaded
'''

RETURN = r'''
repositories:
  description:
    - The repositories as the server holds them.
    - C(constants) holds no encrypted constant; C(encryptedConstants) lists the names of those that hold a value.
    - C(initialLoad) has C(lastJob) (the latest load, or V(null)) and C(lastSucceeded) (when a load last succeeded,
      or V(null)).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 1
      name: S4HC_PROXY
      typeQN: com.sap.idm.connector.scim:reptype.SCIM
      disabled: false
      constants:
        SCIM_HOST: ipsproxyabcd1234-idmconsumer.hana.ondemand.com
        AUTH_TYPE: oauth
        AUTH_USER: idm-ipsproxy-client
      encryptedConstants: [AUTH_PASSWORD]
      initialLoad:
        lastJob: null
        lastSucceeded: null
query_result:
  description: The result of O(query) applied to RV(repositories).
  returned: when O(query) is given
  type: raw
  sample: "2026-01-31T12:00:00Z"
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import check_admin
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.idm import IdmAdminClient, idm_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.info import run_info


def public(repository):
    """The repository without encrypted values (the contract sends none; this holds whatever a server sends)."""
    out = dict(repository)
    out['constants'] = dict((k, v) for k, v in (repository.get('constants') or {}).items()
                            if k not in fmt.ENCRYPTED_CONSTANTS)
    return out


def read_repositories(params):
    check_admin(params, 'idm_admin', 'to read repositories')
    return [public(r) for r in IdmAdminClient(params).list(params['name'])]


def main():
    run_info(dict(idm_argument_spec(), name=dict(type='str')), 'repositories', read_repositories)


if __name__ == '__main__':
    main()
