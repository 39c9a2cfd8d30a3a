#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_comm_system
short_description: Manage a communication system and its users in SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Creates, updates or deletes a communication system, with its inbound users (communication users allowed to call
    in) and outbound users (credentials for calls out), through the Communication Management Integration API
    (scenario C(SAP_COM_0A48), OData V4 service C(aps_com_cs_a4c_odata)).
  - The system is found by its system ID. Inbound users are named by the communication user's name and resolved to
    its ID (C(CC) and 10 digits); outbound users are identified by their name.
  - Unconfirmed on real tenants, because SAP does not document them for this API - deleting a system
    (O(state=absent)), removing inbound or outbound users (O(purge_users)), changing an outbound user's password by
    PATCH (O(update_password=always)) and whether updates need an ETag. When the server refuses one of these
    operations the module fails and says so.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.s4.comm, sapcloud.identity.common,
  sapcloud.identity.attributes, sapcloud.identity.attributes.group_s4]
options:
  system_id:
    description:
      - System ID of the communication system.
      - IDs starting with C(SAP_) are reserved for systems SAP manages and are refused.
    type: str
    required: true
  name:
    description:
      - System name. Defaults to O(system_id).
    type: str
  host_name:
    description:
      - Host name the tenant calls for outbound communication, for example C(ips.example.com).
      - A host name only, without scheme, path, port (give O(port)) or blanks; anything else fails before any
        request.
      - Required unless O(inbound_only=true).
    type: str
  port:
    description:
      - TCP port of O(host_name).
    type: int
    default: 443
  inbound_only:
    description:
      - The system only calls the tenant; it needs no host name and can have no outbound users.
    type: bool
    default: false
  logical_system_id:
    description:
      - Logical system ID, at most 10 characters.
    type: str
  business_system_id:
    description:
      - Business system ID.
    type: str
  inbound_users:
    description:
      - Communication users that may call the tenant as this system.
      - When omitted, the system's inbound users are left as they are.
    type: list
    elements: dict
    suboptions:
      user:
        description:
          - User name of an existing communication user (see M(sapcloud.identity.s4_comm_user)).
          - In check mode a user that does not exist yet only gives a warning, since an earlier task of the same
            run may create it.
        type: str
        required: true
      user_id:
        description:
          - The communication user's ID (C(CC...)) when an earlier task of the run knows it
            (RV(sapcloud.identity.s4_comm_user#module:user_id)); the module then does not look the user up. Empty
            or omitted, it reads the ID itself.
        type: str
      authentication_method:
        description:
          - How the user authenticates.
        type: str
        choices: [basic, x509, none, oauth2, oauth2_mtls, sso2, oauth1]
        default: basic
  outbound_users:
    description:
      - Credentials the tenant uses to call the system. Not allowed with O(inbound_only=true).
      - When omitted, the system's outbound users are left as they are.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - User name on the remote system.
        type: str
        required: true
      authentication_method:
        description:
          - How the tenant authenticates.
        type: str
        choices: [basic, x509, none, oauth2, oauth2_mtls, sso2, oauth1]
        default: basic
      password:
        description:
          - Password on the remote system; required for V(basic).
          - Write-only, it cannot be read back; see O(update_password).
        type: str
  update_password:
    description:
      - V(on_create) sets outbound user passwords only when the outbound user is created.
      - V(always) also sends them to existing outbound users on every run, which reports a change each time. Changing
        a password by PATCH is unconfirmed on real tenants.
    type: str
    choices: [on_create, always]
    default: on_create
  purge_users:
    description:
      - Remove inbound users not listed in O(inbound_users) and outbound users not listed in O(outbound_users).
      - Only applies to a list that is given.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the system, V(absent) deletes it (unconfirmed on real tenants). A system used
        by a communication arrangement cannot be deleted; delete the arrangement first.
    type: str
    choices: [present, absent]
    default: present
notes:
  - A no-op run makes two requests (one GET of the named communication users, one GET of the system with its users).
  - Inbound and outbound users are created after the system, one request each; SAP rejects inbound users inside
    the system's create request.
seealso:
  - module: sapcloud.identity.s4_comm_user
  - module: sapcloud.identity.s4_comm_arrangement
  - module: sapcloud.identity.s4_comm_system_info
'''

EXAMPLES = r'''
- name: Communication system for the IPS proxy, with the IPS user inbound and a dummy outbound user
  sapcloud.identity.s4_comm_system:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    system_id: IPS_SYSTEM
    host_name: ipsproxy.example.com
    inbound_users:
      - user: IPS_COMM_USER
    outbound_users:
      - name: DUMMY
        password: "{{ vault_dummy_outbound_password }}"
  register: ips_system

- name: An inbound-only system
  sapcloud.identity.s4_comm_system:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    system_id: MONITORING
    inbound_only: true
    inbound_users:
      - user: MONITORING_USER
'''

RETURN = r'''
system_uuid:
  description: UUID of the communication system. Empty in check mode when the system would be created, and after a delete.
  returned: success
  type: str
  sample: 0b7c2a8e-3f1d-4c55-9a7e-2d4f6b8c1e90
system:
  description: The system's own fields as the server holds them (without its users). Empty after a delete.
  returned: success
  type: dict
  sample:
    UUID: 0b7c2a8e-3f1d-4c55-9a7e-2d4f6b8c1e90
    ID: IPS_SYSTEM
    Name: IPS_SYSTEM
    HostName: ipsproxy.example.com
    TCPPort: 443
    IsInboundOnly: false
inbound_users:
  description:
    - The system's inbound users. C(user) is the communication user's name where the module knows it.
    - C(UUID) is empty in check mode for users that would be added, and C(CommunicationUserID) for communication
      users that do not exist yet.
  returned: success
  type: list
  elements: dict
  sample:
    - UUID: 5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b
      CommunicationUserID: CC0000000042
      user: IPS_COMM_USER
      AuthenticationMethod: basic
outbound_users:
  description: The system's outbound users (passwords are never returned).
  returned: success
  type: list
  elements: dict
  sample:
    - UUID: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
      Name: DUMMY
      AuthenticationMethod: basic
actions:
  description: The writes made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: [create, add_inbound_user, add_outbound_user]
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_host_name, check_port
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import (
    AUTH_METHODS, S4Client, SECRET_FIELDS, SYSTEMS, check_limit, s4_argument_spec)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_fields import body
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Children, Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run

# Child collection, key of its items, action name.
MEMBERS = (('InboundUsers', 'CommunicationUserID', 'inbound_user'), ('OutboundUsers', 'Name', 'outbound_user'))


def validate(params):
    """Everything that can be checked before a request."""
    if not params['system_id'] or params['system_id'].upper().startswith('SAP_'):
        raise ValidationError('system_id must not be empty or start with SAP_ (reserved for systems SAP manages), '
                              'got %r' % params['system_id'])
    if params['state'] == 'absent':
        return
    if not params['inbound_only'] and not params['host_name']:
        raise ValidationError('host_name is required unless inbound_only is true')
    check_host_name(params['host_name'], 'host_name')
    if params['inbound_only'] and params['outbound_users']:
        raise ValidationError('outbound_users must be empty when inbound_only is true')
    check_limit(params['logical_system_id'], 'logical_system_id', 'logical_system_id')
    check_port(params['port'], 'port')
    for option, key in (('inbound_users', 'user'), ('outbound_users', 'name')):
        names = [item[key] for item in params[option] or []]
        for index, name in enumerate(names):
            if not name:
                raise ValidationError('%s[%d].%s must not be empty' % (option, index, key))
            check_limit(name, '%s[%d].%s' % (option, index, key), 'user_name')
        if len(set(names)) != len(names):
            raise ValidationError('%s lists a %s twice' % (option, key))
    for index, item in enumerate(params['outbound_users'] or []):
        if item['authentication_method'] == 'basic' and not item['password']:
            raise ValidationError('outbound_users[%d].password is required for authentication_method basic' % index)


def desired_system(params, user_ids):
    """The system with its user lists in the server's shape; a list of None is left as it is."""
    inbound, outbound = params['inbound_users'], params['outbound_users']
    return body(
        SYSTEMS, ID=params['system_id'], Name=params['name'] or params['system_id'], HostName=params['host_name'],
        TCPPort=params['port'], IsInboundOnly=params['inbound_only'], LogicalSystemID=params['logical_system_id'],
        BusinessSystemID=params['business_system_id'],
        InboundUsers=None if inbound is None else [
            {'CommunicationUserID': user_ids[u['user']], 'AuthenticationMethod': u['authentication_method']}
            for u in inbound],
        OutboundUsers=None if outbound is None else [
            {'Name': u['name'], 'AuthenticationMethod': u['authentication_method'], 'Password': u['password']}
            for u in outbound])


def members(client, params):
    """The system's user lists as child collections: each user is its own request, after the system's (SAP
    rejects inbound users inside the system's create request)."""
    out = []
    for kind, key, action in MEMBERS:
        users = client.system_users[kind]
        out.append(Children(kind, key, action, purge=params['purge_users'], write_only=SECRET_FIELDS,
                            placeholder={'UUID': ''}, update=users.update, remove=users.delete,
                            add=lambda system, item, users=users: users.create(item, client.systems.path(system))))
    return out


def ensure_system(module):
    params = module.params
    validate(params)
    client = S4Client(params)
    ensure = Ensure(module, SECRET_FIELDS)
    present = params['state'] == 'present'
    listed = [u['user'] for u in params['inbound_users'] or []]
    known_ids = dict((u['user'], u['user_id']) for u in params['inbound_users'] or [])
    user_ids = client.user_ids(listed, 'inbound_users', ensure.missing, known_ids) if present else {}
    current = client.systems.find(ID=params['system_id'])
    if not present:
        ensure.absent(current, client.systems.delete)
        return ensure.result(system_uuid='', system={}, inbound_users=[], outbound_users=[])

    system = ensure.present(current, desired_system(params, user_ids), client.systems.create, client.systems.update,
                            update_password=params['update_password'], children=members(client, params),
                            placeholder={'UUID': ''})
    names = dict((v, k) for k, v in user_ids.items() if v)
    # Users that do not exist yet (check mode) have the ID ''; they are added in the order given.
    pending = iter([name for name in listed if not user_ids[name]])

    def named(child):
        user_id = child.get('CommunicationUserID')
        if user_id == '':
            return dict(child, user=next(pending))
        return dict(child, user=names[user_id]) if user_id in names else child
    return ensure.result(system_uuid=system['UUID'], inbound_users=[named(c) for c in system['InboundUsers']],
                         outbound_users=system['OutboundUsers'],
                         system=dict((k, v) for k, v in system.items() if k not in ('InboundUsers', 'OutboundUsers')))


def main():
    module = new_module(
        dict(s4_argument_spec(),
             system_id=dict(type='str', required=True),
             name=dict(type='str'),
             host_name=dict(type='str'),
             port=dict(type='int', default=443),
             inbound_only=dict(type='bool', default=False),
             logical_system_id=dict(type='str'),
             business_system_id=dict(type='str'),
             inbound_users=dict(type='list', elements='dict', options=dict(
                 user=dict(type='str', required=True),
                 user_id=dict(type='str'),
                 authentication_method=dict(type='str', choices=list(AUTH_METHODS), default='basic'))),
             outbound_users=dict(type='list', elements='dict', options=dict(
                 name=dict(type='str', required=True),
                 authentication_method=dict(type='str', choices=list(AUTH_METHODS), default='basic'),
                 password=dict(type='str', no_log=True))),
             update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
             purge_users=dict(type='bool', default=True),
             state=dict(type='str', choices=['present', 'absent'], default='present')),
        supports_check_mode=True)
    run(module, ensure_system)


if __name__ == '__main__':
    main()
