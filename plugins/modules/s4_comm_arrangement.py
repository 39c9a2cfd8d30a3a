#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_comm_arrangement
short_description: Manage a communication arrangement in SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Creates, updates or deletes the communication arrangement of a communication scenario on a communication system,
    through the Communication Management Integration API (scenario C(SAP_COM_0A48), OData V4 service
    C(aps_com_ca_a4c_odata)).
  - The arrangement is found by scenario and system, whatever its name, so an arrangement made by hand is adopted
    rather than duplicated.
  - Unconfirmed on real tenants, because SAP does not document them for this API - deleting an arrangement
    (O(state=absent)), changing services and properties of an existing arrangement (sent as a deep update of the
    arrangement), the shape of service and property entries, and whether updates need an ETag. When the server
    refuses a delete the module fails and says so.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.s4.comm, sapcloud.identity.common,
  sapcloud.identity.attributes, sapcloud.identity.attributes.group_s4]
options:
  scenario_id:
    description:
      - Communication scenario, for example C(SAP_COM_0093); custom scenarios start with C(YY1_).
    type: str
    required: true
  system_id:
    description:
      - System ID of the communication system (see M(sapcloud.identity.s4_comm_system)).
    type: str
    required: true
  name:
    description:
      - Arrangement name. A new arrangement is named O(scenario_id) unless this is given; an existing arrangement
        keeps its name unless this is given.
      - At most 80 characters (the documented limit), checked before any request.
    type: str
  inbound_user:
    description:
      - User name of the communication user that calls the tenant in this arrangement. It must be an inbound user of
        the system.
      - When omitted, a new arrangement gets the system's only inbound user (none if the system has none), and an
        existing arrangement keeps its inbound user.
    type: str
  outbound_user:
    description:
      - Name of the system's outbound user the tenant uses for this arrangement's outbound services.
      - When omitted, the arrangement's outbound user is left as it is. Some scenarios need one
        (error C(CM_APS_CA/027)).
    type: str
  outbound_user_optional:
    description:
      - Bind O(outbound_user) only where the tenant requires one. A new arrangement is created without it, and
        again with it when the tenant answers C(CM_APS_CA/027) (no suitable outbound user); an existing
        arrangement keeps its outbound user as it is.
      - Which scenarios need an outbound user, and whether a scenario without outbound communication refuses one,
        is unconfirmed (the 2019 integration guide binds a dummy user to C(SAP_COM_0066)); this serves both.
    type: bool
    default: false
    version_added: 0.2.0
  inbound_services:
    description:
      - Inbound services to switch on or off. Services not listed are left as they are.
    type: list
    elements: dict
    suboptions: &service_options  # outbound_services takes the same
      id:
        description: Service ID.
        type: str
        required: true
      active:
        description: Whether the service is active.
        type: bool
        default: true
  outbound_services:
    description:
      - Outbound services to switch on or off, for example the replication services of C(SAP_COM_0008) that must be
        inactive. Services not listed are left as they are.
    type: list
    elements: dict
    suboptions: *service_options
  properties:
    description:
      - Arrangement properties, as a dict of name to value or as a list of dicts with keys C(name) and C(value).
        Values are sent as strings. Properties not listed are left as they are.
    type: raw
  known:
    description:
      - The arrangement as an earlier task of the same run read it (an element of
        RV(sapcloud.identity.s4_comm_arrangement_info#module:arrangements)). The module then makes no read of it
        unless a write looks needed, and decides every write on a fresh read.
      - Ignored unless its scenario and system are O(scenario_id) and O(system_id) and it has a C(UUID); then the
        module reads the arrangement itself.
    type: dict
  system:
    description:
      - The communication system as an earlier task of the same run left it - C(UUID) and C(ID) with the lists
        C(InboundUsers) and C(OutboundUsers) as M(sapcloud.identity.s4_comm_system) returns them (its
        RV(sapcloud.identity.s4_comm_system#module:system), RV(sapcloud.identity.s4_comm_system#module:inbound_users)
        and RV(sapcloud.identity.s4_comm_system#module:outbound_users)). The module then reads neither the system
        nor the user named in O(inbound_user) when the system lists that user with its UUID.
      - Ignored unless its C(ID) is O(system_id) and it has a C(UUID) (check mode of a new system has none).
    type: dict
  state:
    description:
      - V(present) creates or updates the arrangement, V(absent) deletes it (unconfirmed on real tenants).
    type: str
    choices: [present, absent]
    default: present
notes:
  - A no-op run makes at most three requests (the arrangement, the system with its users, and the communication user
    named in O(inbound_user)); the CSRF token comes with the first of them. With O(known) and O(system) from
    earlier tasks it makes none.
  - In check mode a communication system, communication user, or inbound or outbound user of the system that does not
    exist yet is a warning, not a failure, since an earlier task of the same run may create it; the module reports
    what it would create or bind, with empty UUIDs for what does not exist yet.
seealso:
  - module: sapcloud.identity.s4_comm_system
  - module: sapcloud.identity.s4_comm_arrangement_info
'''

EXAMPLES = r'''
- name: Identity management arrangement for the IPS system
  sapcloud.identity.s4_comm_arrangement:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    scenario_id: SAP_COM_0093
    system_id: IPS_SYSTEM
    inbound_user: IPS_COMM_USER
  register: arrangement

- name: Business partner reads, with the replication services switched off
  sapcloud.identity.s4_comm_arrangement:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    scenario_id: SAP_COM_0008
    system_id: IPS_SYSTEM
    outbound_user: DUMMY
    outbound_services:
      - id: DEBMAS_IDOC
        active: false
      - id: CREMAS_IDOC
        active: false
'''

RETURN = r'''
arrangement_uuid:
  description: UUID of the arrangement. Empty in check mode when it would be created, and after a delete.
  returned: success
  type: str
  sample: 3fa85f64-5717-4562-b3fc-2c963f66afa6
arrangement:
  description: The arrangement as the server holds it, with its user bindings, services and properties. Empty after a delete.
  returned: success
  type: dict
  sample:
    UUID: 3fa85f64-5717-4562-b3fc-2c963f66afa6
    CommunicationScenarioID: SAP_COM_0093
    CommunicationSystemID: IPS_SYSTEM
    Name: SAP_COM_0093
    InboundUser:
      CommunicationSystemInboundUserUUID: 5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b
    OutboundUser: null
    InboundServices: []
    OutboundServices: []
    Properties: []
actions:
  description: The writes made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: [create]
'''

import re

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import (
    ARRANGEMENTS, S4Client, check_limit, s4_argument_spec)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_fields import ARRANGEMENT_ITEMS, body
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Children, Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError

SCENARIO_ID = re.compile(r'^(SAP_COM_[A-Z0-9_]+|YY1_[A-Za-z0-9_]+)$')
# Services and properties, sent inside the arrangement's create and update (a deep update the server merges by
# key, the first property each declares); the item shapes are UNCONFIRMED (take them from the tenant's $metadata).
ITEMS = [Children(nav, fields[0], inline=True) for nav, fields in ARRANGEMENT_ITEMS.items()]
BINDINGS = {'InboundUser': 'bind_inbound_user', 'OutboundUser': 'bind_outbound_user'}


def text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '' if value is None else str(value)


def desired_items(params):
    """The services and properties asked for, in the server's shape; None where not given."""
    out = {}
    for option, nav in (('inbound_services', 'InboundServices'), ('outbound_services', 'OutboundServices')):
        services = params[option]
        if any(not s['id'] for s in services or []):
            raise ValidationError('%s: every id must be non-empty' % option)
        out[nav] = None if services is None else [
            {'ID': s['id'], 'Status': 'active' if s['active'] else 'inactive'} for s in services]
    props = params['properties']
    if props is None:
        out['Properties'] = None
        return out
    if isinstance(props, dict):
        pairs = sorted(props.items(), key=lambda pair: str(pair[0]))
    elif isinstance(props, list) and all(isinstance(p, dict) and set(p) == {'name', 'value'} for p in props):
        pairs = [(p['name'], p['value']) for p in props]
    else:
        raise ValidationError('properties must be a dict of name to value or a list of dicts with keys name and value')
    if any(name in (None, '') for name, _value in pairs):
        raise ValidationError('properties: every name must be non-empty')
    out['Properties'] = [{'Name': str(name), 'Value': text(value)} for name, value in pairs]
    return out


def inbound_binding(client, ensure, system, params, current):
    """UUID of the system inbound user to bind, or None to leave the binding as it is (or unset); '' in check mode
    when the user or its place in the system does not exist yet."""
    inbound = system.get('InboundUsers') or []
    name = params['inbound_user']
    if name:
        listed = [i['UUID'] for i in inbound if i.get('user') == name and i.get('UUID')]
        if listed:  # the system as an earlier task left it names the user
            return listed[0]
        user_id = client.user_ids([name], 'inbound_user', ensure.missing)[name]
        matches = sorted((i for i in inbound if i['CommunicationUserID'] == user_id),
                         key=lambda i: i.get('AuthenticationMethod') != 'basic')
        if matches:
            return matches[0]['UUID']
        if user_id:  # a user that does not exist yet has been reported already
            ensure.missing('inbound_user: communication user %s is not an inbound user of communication system %s'
                           % (name, system['ID']))
        return ''
    if current is not None:
        return None  # an existing arrangement keeps its inbound user
    if len(inbound) > 1:
        raise ValidationError('inbound_user is required: communication system %s has %d inbound users'
                              % (system['ID'], len(inbound)))
    return inbound[0]['UUID'] if inbound else None


def outbound_binding(ensure, system, params):
    name = params['outbound_user']
    if not name:
        return None
    for outbound in system.get('OutboundUsers') or []:
        if outbound['Name'] == name:
            return outbound['UUID']
    ensure.missing('outbound_user: %s is not an outbound user of communication system %s' % (name, system['ID']))
    return ''


def ensure_arrangement(module):
    params = module.params
    if not SCENARIO_ID.fullmatch(params['scenario_id']):
        raise ValidationError('scenario_id must be SAP_COM_ or YY1_ followed by letters, digits or _, got %r'
                              % params['scenario_id'])
    if not (params['system_id'] or '').strip():
        raise ValidationError('system_id must be the ID of a communication system, got %r' % params['system_id'])
    check_limit(params['name'], 'name', 'arrangement_name')
    for option in ('inbound_user', 'outbound_user'):
        check_limit(params[option], option, 'user_name')
    desired = desired_items(params)
    client = S4Client(params)
    ensure = Ensure(module)
    arrangements = client.arrangements
    # Expand only the item navigations this task sends: their shapes are unconfirmed, and a tenant that does not
    # declare them refuses the $expand.
    sent_items = [nav for nav in ARRANGEMENT_ITEMS if desired.get(nav) is not None]
    arrangements.expand = ','.join(['InboundUser', 'OutboundUser'] + sent_items)
    known, system = (params['known'], params['system']) if params['state'] == 'present' else (None, None)
    if known and known.get('UUID') and (known.get('CommunicationScenarioID'), known.get('CommunicationSystemID')) == (
            params['scenario_id'], params['system_id']):
        current, confirm = known, arrangements.read_again  # read again only before a write
    else:
        current, confirm = arrangements.find(CommunicationScenarioID=params['scenario_id'],
                                             CommunicationSystemID=params['system_id']), None
    if params['state'] == 'absent':
        ensure.absent(current, arrangements.delete)
        return ensure.result(arrangement_uuid='', arrangement={})

    if not (system and system.get('ID') == params['system_id'] and system.get('UUID')):
        system = client.systems.find(ID=params['system_id'])
    if system is None:
        ensure.missing('system_id: communication system %s does not exist' % params['system_id'])
        system = {'ID': params['system_id']}  # check mode: without users until an earlier task creates it
    outbound = outbound_binding(ensure, system, params)  # needs no request, so it may fail first
    optional = params['outbound_user_optional'] and outbound is not None
    bindings = {'InboundUser': inbound_binding(client, ensure, system, params, current),
                'OutboundUser': None if optional else outbound}
    desired.update(CommunicationScenarioID=params['scenario_id'], CommunicationSystemID=params['system_id'],
                   Name=params['name'] or (params['scenario_id'] if current is None else None))
    desired.update((b, {'CommunicationSystem%sUUID' % b: uuid}) for b, uuid in bindings.items() if uuid is not None)
    desired = body(ARRANGEMENTS, **desired)

    def bind(binding):
        def write(arrangement, value):
            if ensure.has_written():  # an earlier write of this run moved the arrangement's ETags: read them anew
                arrangement = arrangements.reread(arrangement)
            client.bind_arrangement_user(arrangement, binding, value['CommunicationSystem%sUUID' % binding])
        return BINDINGS[binding], write

    create = arrangements.create
    if optional:
        def create(body):
            try:
                return arrangements.create(body)
            except ApiError as exc:
                if exc.status != 400 or 'CM_APS_CA/027' not in '%s %s' % (exc.code, exc):
                    raise
            return arrangements.create(dict(body, OutboundUser={'CommunicationSystemOutboundUserUUID': outbound}))

    arrangement = ensure.present(current, desired, create, arrangements.update, children=ITEMS,
                                 separate=dict((b, bind(b)) for b in BINDINGS), placeholder={'UUID': ''},
                                 confirm=confirm)
    return ensure.result(arrangement_uuid=arrangement['UUID'], arrangement=arrangement)


def main():
    service = dict(type='list', elements='dict', options=dict(id=dict(type='str', required=True),
                                                              active=dict(type='bool', default=True)))
    module = new_module(
        dict(s4_argument_spec(),
             scenario_id=dict(type='str', required=True),
             system_id=dict(type='str', required=True),
             name=dict(type='str'),
             inbound_user=dict(type='str'),
             outbound_user=dict(type='str'),
             outbound_user_optional=dict(type='bool', default=False),
             inbound_services=service,
             outbound_services=dict(service),
             properties=dict(type='raw'),
             known=dict(type='dict'),
             system=dict(type='dict'),
             state=dict(type='str', choices=['present', 'absent'], default='present')),
        supports_check_mode=True)
    run(module, ensure_arrangement)


if __name__ == '__main__':
    main()
