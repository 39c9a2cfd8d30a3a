"""sapcloud.identity.s4_comm_arrangement against the emulated S/4HANA Cloud tenant.

Requests and writes are read from the emulator's HTTP-layer stats around each run, never from the module.
Users and systems are seeded directly (as prerequisites), so each test stands alone.
"""

import json

from conftest import s4_connection
from helpers import measure, unique

MODULE = 'sapcloud.identity.s4_comm_arrangement'


def seed_system(emulator, host, users=1, outbound=True, arrangements=()):
    """A system with `users` inbound users and (optionally) a DUMMY outbound user; returns (system_id, user names)."""
    names = [unique('IT_ARRUSER') for _index in range(users)]
    system_id = unique('IT_ARRSYS')
    system = {'ID': system_id, 'HostName': 'ips.example.com', 'InboundUsers': [{'user': n} for n in names]}
    if outbound:
        system['OutboundUsers'] = [{'Name': 'DUMMY', 'Password': 'Dummy-Outbound-Pass-1'}]
    emulator.seed(host, {'users': [{'Name': n, 'Password': 'Seeded-User-Passw0rd-12', 'Description': 'seeded'}
                                   for n in names],
                         'systems': [system],
                         'arrangements': [dict(a, CommunicationSystemID=system_id) for a in arrangements]})
    return system_id, names


def arrangement_state(emulator, host, scenario, system_id):
    state = emulator.state(host)
    found = [a for a in state['arrangements'].values()
             if a['CommunicationScenarioID'] == scenario and a['CommunicationSystemID'] == system_id]
    return found[0] if found else None, state


def test_lifecycle(emulator, module, ansible):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id, (first, second) = seed_system(emulator, host, users=2)
    args = {'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'name': system_id + '_0093', 'inbound_user': first}

    def task(extra=None, **kwargs):
        return module.task(MODULE, dict(args, **(extra or {})), defaults=conn, **kwargs)

    run, requests, writes = measure(emulator, lambda: task(check=True), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (3, 0)
    assert run.data['arrangement_uuid'] == ''

    # The module's ansible-playbook smoke run: the apply, through a real playbook.
    run, requests, writes = measure(emulator, lambda: ansible.task(MODULE, args, defaults=conn), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (4, 1)  # GET arrangement, GET system, GET user, POST (deep insert)
    arrangement, state = arrangement_state(emulator, host, 'SAP_COM_0093', system_id)
    assert run.data['arrangement_uuid'] == arrangement['UUID']
    bound = state['inbound_users'][arrangement['InboundUser']['CommunicationSystemInboundUserUUID']]
    assert state['users'][bound['CommunicationUserID']]['Name'] == first

    run, requests, writes = measure(emulator, task, [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (3, 0)

    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, {'scenario_id': 'SAP_COM_0093', 'system_id': system_id}, defaults=conn), [host])
    assert not run.changed and (requests, writes) == (2, 0), run.msg  # no user to resolve

    update = {'inbound_user': second, 'outbound_user': 'DUMMY', 'properties': {'TRACE': True},
              'inbound_services': [{'id': 'QUERYBUSINESSUSERIN'}]}
    run, requests, writes = measure(emulator, lambda: task(update, diff=True), [host])
    assert run.changed and not run.failed, run.msg
    # GET x3, PATCH arrangement (property, service), PATCH InboundUser, POST OutboundUser (none bound yet); after each
    # write the next one re-reads the arrangement, whose ETag the earlier write moved (GET x2)
    assert (requests, writes) == (8, 3)
    assert run.data['actions'] == ['update', 'bind_inbound_user', 'bind_outbound_user']
    assert run.data['diff']['after']['Properties'] == [{'Name': 'TRACE', 'Value': 'true'}]
    arrangement, state = arrangement_state(emulator, host, 'SAP_COM_0093', system_id)
    bound = state['inbound_users'][arrangement['InboundUser']['CommunicationSystemInboundUserUUID']]
    assert state['users'][bound['CommunicationUserID']]['Name'] == second
    assert arrangement['OutboundUser']['CommunicationSystemOutboundUserUUID']
    assert arrangement['InboundServices'] == [{'ID': 'QUERYBUSINESSUSERIN', 'Status': 'active'}]

    run, requests, writes = measure(emulator, lambda: task(update), [host])
    assert not run.changed and (requests, writes) == (3, 0), run.msg

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}, check=True), [host])
    assert run.changed and writes == 0

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 1)  # GET arrangement, DELETE
    assert arrangement_state(emulator, host, 'SAP_COM_0093', system_id)[0] is None

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}), [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)


def test_default_inbound_user_and_outbound_services(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id, (user,) = seed_system(emulator, host)
    args = {'scenario_id': 'SAP_COM_0008', 'system_id': system_id, 'name': system_id + '_0008',
            'outbound_services': [{'id': 'DEBMAS_IDOC', 'active': False}, {'id': 'CREMAS_IDOC', 'active': False}]}
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), [host])
    assert run.changed and (requests, writes) == (3, 1), run.msg  # no user lookup: the system's only inbound user
    arrangement, state = arrangement_state(emulator, host, 'SAP_COM_0008', system_id)
    bound = state['inbound_users'][arrangement['InboundUser']['CommunicationSystemInboundUserUUID']]
    assert state['users'][bound['CommunicationUserID']]['Name'] == user
    assert sorted(s['Status'] for s in arrangement['OutboundServices']) == ['inactive', 'inactive']
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), [host])
    assert not run.changed and (requests, writes) == (2, 0), run.msg
    flip = dict(args, outbound_services=[{'id': 'DEBMAS_IDOC', 'active': True}])
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, flip, defaults=conn), [host])
    assert run.changed and (requests, writes) == (3, 1), run.msg


def test_hand_made_arrangement_is_adopted(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id, (user,) = seed_system(emulator, host, arrangements=[
        {'CommunicationScenarioID': 'SAP_COM_0193', 'Name': unique('HANDMADE')}])
    before = arrangement_state(emulator, host, 'SAP_COM_0193', system_id)[0]
    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, {'scenario_id': 'SAP_COM_0193', 'system_id': system_id}, defaults=conn), [host])
    assert not run.changed and not run.failed, run.msg
    assert writes == 0 and run.data['arrangement_uuid'] == before['UUID']
    assert run.data['arrangement']['Name'] == before['Name']
    state = emulator.state(host)
    assert len([a for a in state['arrangements'].values() if a['CommunicationSystemID'] == system_id]) == 1


def test_errors(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id, (first, second) = seed_system(emulator, host, users=2, outbound=False)
    stranger = unique('IT_STRANGER')
    emulator.seed(host, {'users': [{'Name': stranger, 'Password': 'Seeded-User-Passw0rd-12', 'Description': 's'}]})

    for args, parameter, expected in [
        ({'scenario_id': 'SAP_COM_0093', 'system_id': unique('IT_NOSYS')}, 'system_id', (2, 0)),
        ({'scenario_id': 'SAP_COM_0093', 'system_id': system_id}, 'inbound_user is required', (2, 0)),
        ({'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'inbound_user': stranger}, 'inbound_user', (3, 0)),
        ({'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'inbound_user': first, 'outbound_user': 'NOPE'},
         'outbound_user', (2, 0)),
        ({'scenario_id': 'NOT_A_SCENARIO', 'system_id': system_id}, 'scenario_id', (0, 0)),
        ({'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'properties': 'TRACE'}, 'properties', (0, 0)),
        ({'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'properties': {'': 'x'}}, 'properties', (0, 0)),
        ({'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'outbound_services': [{'id': ''}]},
         'outbound_services', (0, 0)),
    ]:
        run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), [host])
        assert run.failed and parameter in run.msg, (args, run.msg)
        assert (requests, writes) == expected, (args, requests, writes)

    # The emulator lists SAP_COM_0066 as needing an outbound user; the server's refusal comes through cleanly.
    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, {'scenario_id': 'SAP_COM_0066', 'system_id': system_id, 'inbound_user': first}, defaults=conn), [host])
    assert run.failed and run.data['error']['code'] == 'CM_APS_CA/027'
    assert 'HTTP 400' in run.msg and 'no suitable outbound user' in run.msg and writes == 1
    assert 'Traceback' not in json.dumps(run.data)


def test_check_mode_tolerates_a_system_an_earlier_task_would_create(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    args = {'scenario_id': 'SAP_COM_0093', 'system_id': unique('IT_LATERSYS'), 'inbound_user': unique('IT_LATER'),
            'outbound_user': 'DUMMY'}
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn, check=True), [host])
    assert run.changed and not run.failed, run.msg
    assert writes == 0
    assert run.data['actions'] == ['create'] and run.data['arrangement_uuid'] == ''
    assert run.data['arrangement']['InboundUser'] == {'CommunicationSystemInboundUserUUID': ''}
    assert run.data['arrangement']['OutboundUser'] == {'CommunicationSystemOutboundUserUUID': ''}
    warnings = ' '.join(run.data.get('warnings', []))
    for parameter, name in (('system_id', args['system_id']), ('inbound_user', args['inbound_user']),
                            ('outbound_user', 'DUMMY')):
        assert parameter in warnings and name in warnings, warnings

    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), [host])
    assert run.failed and 'system_id: communication system' in run.msg and args['system_id'] in run.msg, run.msg
    assert writes == 0


def test_check_mode_would_bind_a_user_an_earlier_task_would_add(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id, (user,) = seed_system(emulator, host)
    args = {'scenario_id': 'SAP_COM_0093', 'system_id': system_id, 'inbound_user': user}
    assert module.task(MODULE, args, defaults=conn).changed
    later = dict(args, inbound_user=unique('IT_LATER'))
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, later, defaults=conn, check=True), [host])
    assert run.changed and not run.failed, run.msg
    assert writes == 0 and run.data['actions'] == ['bind_inbound_user']
    assert 'inbound_user' in ' '.join(run.data.get('warnings', []))

    run, requests, writes = measure(emulator, lambda: module.task(MODULE, later, defaults=conn), [host])
    assert run.failed and 'inbound_user: communication user' in run.msg and writes == 0, run.msg
