#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_worker_check
short_description: Check that workers exist in SAP S/4HANA Cloud before IDM creates their business users
version_added: 0.1.0
description:
  - Read-only check that each given worker exists in SAP S/4HANA Cloud. In the public edition, only the user of an
    existing employee or contingent worker can be created (SAP KBA 2662400). IDM fails for a missing worker, so this
    check runs first.
  - V(query_business_user) calls the SOAP service QueryBusinessUserIn (scenario SAP_COM_0093 or SAP_COM_0193, the
    integration's own communication user). It selects by C(PersonExternalID), the worker ID.
  - V(business_partner) reads C(A_BusinessPartner) with its roles from the OData V2 service API_BUSINESS_PARTNER
    (scenario SAP_COM_0008). The IDs are then Business Partner numbers. Where S/4HANA stores the external worker
    ID on the Business Partner is UNCONFIRMED.
  - An empty O(workers) list skips the check and says so.
options:
  workers:
    description: Worker IDs (V(query_business_user)) or Business Partner numbers (V(business_partner)).
    type: list
    elements: str
    required: true
  api:
    description: Which S/4HANA Cloud service to ask.
    type: str
    choices: [query_business_user, business_partner]
    default: query_business_user
  service_path:
    description:
      - Path of the QueryBusinessUserIn endpoint. Take it from the communication arrangement's inbound services.
        Both C(/sap/bc/srt/scs_ext/sap/querybusinessuserin) and C(/sap/bc/srt/scs/sap/querybusinessuserin) are seen.
      - When the tenant answers HTTP 404 at one of these two, the other is tried once.
    type: str
    default: /sap/bc/srt/scs_ext/sap/querybusinessuserin
  worker_roles:
    description:
      - Business partner role codes that make a worker (employee C(BUP003), contingent worker C(BBP005)).
    type: list
    elements: str
    default: [BUP003, BBP005]
  fail_on_missing:
    description: Whether a missing worker fails the task. With V(false) the result lists them in RV(missing).
    type: bool
    default: true
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.common, sapcloud.identity.attributes.info,
  sapcloud.identity.attributes.group_s4]
notes:
  - Read-only. It never reports a change.
  - In check mode a refused logon (HTTP 401 or 403) is a warning and leaves the workers unchecked, since the caller
    is usually a communication user that an earlier task of the same run creates. A real run fails.
seealso:
  - module: sapcloud.identity.idm_repository
author: sapcloud.identity contributors (@sapcloud)
'''

EXAMPLES = r'''
- name: Workers must exist before IDM provisions their users
  sapcloud.identity.s4_worker_check:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: IPS_COMM_USER
    api_password: "{{ s4_comm_password }}"
    workers: [W0001, W0002]

- name: Through the Business Partner API instead
  sapcloud.identity.s4_worker_check:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: BP_READER
    api_password: "{{ bp_reader_password }}"
    api: business_partner
    workers: ["9980000001"]
'''

RETURN = r'''
workers:
  description:
    - One entry per requested ID. Each has C(id) and C(exists). Found entries also have C(business_partner_role),
      C(person_id), C(user_name) (V(query_business_user)) and C(archived).
  returned: always
  type: list
  elements: dict
found:
  description: The IDs that exist.
  returned: always
  type: list
  elements: str
missing:
  description: The IDs that do not exist, are archived, or lack a worker role.
  returned: always
  type: list
  elements: str
skipped:
  description: True when O(workers) is empty.
  returned: when O(workers) is empty
  type: bool
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import check_connection, s4_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_workers import worker_directory
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError


def argument_spec():
    spec = dict(
        workers=dict(type='list', elements='str', required=True),
        api=dict(type='str', default='query_business_user', choices=['query_business_user', 'business_partner']),
        service_path=dict(type='str', default='/sap/bc/srt/scs_ext/sap/querybusinessuserin'),
        worker_roles=dict(type='list', elements='str', default=['BUP003', 'BBP005']),
        fail_on_missing=dict(type='bool', default=True),
    )
    spec.update(s4_argument_spec())
    return spec


def body(module):
    p = module.params
    ids = [w.strip() for w in p['workers']]
    if any(not i for i in ids):
        raise ValidationError('workers must not contain empty IDs')
    if not ids:
        return dict(changed=False, skipped=True, workers=[], found=[], missing=[],
                    msg='no workers given: the worker check was skipped')
    check_connection(p)
    try:
        found = worker_directory(p).workers(ids)
    except ApiError as exc:
        # The caller is usually the integration's own communication user, which an earlier task of the same run
        # creates and binds to its arrangement; check mode created neither.
        if not module.check_mode or exc.status not in (401, 403):
            raise
        module.warn('api_user: %s; in check mode the user or its arrangement may not exist yet (an earlier task of '
                    'this run creates them), so the workers were not checked' % exc)
        return dict(changed=False, workers=[], found=[], missing=[], msg='workers not checked in check mode')
    workers = []
    for worker_id in ids:
        entry = dict(found.get(worker_id) or {}, id=worker_id)
        entry['exists'] = worker_id in found and not entry['archived'] and \
            entry.get('business_partner_role') in p['worker_roles']
        workers.append(entry)
    missing = [w['id'] for w in workers if not w['exists']]
    result = dict(changed=False, workers=workers, found=[w['id'] for w in workers if w['exists']], missing=missing)
    if missing and p['fail_on_missing']:
        module.fail_json(msg='workers missing in S/4HANA Cloud (no active %s with role %s): %s; create them before IDM '
                             'provisions their users' % ('worker' if p['api'] == 'query_business_user' else
                                                         'business partner', ' or '.join(p['worker_roles']),
                                                         ', '.join(missing)), **result)
    return result


def main():
    run(new_module(argument_spec(), supports_check_mode=True), body)


if __name__ == '__main__':
    main()
