"""sapcloud.identity.s4_comm_system against the emulated S/4HANA Cloud tenant.

Requests and writes are read from the emulator's HTTP-layer stats around each run, never from the module.
"""

import base64
import json

from conftest import DEMO, s4_connection
from helpers import failing_cases, measure, unique

MODULE = 'sapcloud.identity.s4_comm_system'
OUTBOUND_PASSWORD = 'Outbound-Dummy-Secret-99'


def seed_users(emulator, host, *names):
    """Communication users as prerequisites; returns {name: CC id}."""
    users = [{'Name': n, 'Password': 'Seeded-User-Passw0rd-12', 'Description': 'seeded'} for n in names]
    return emulator.seed(host, {'users': users})['users']


def system_state(emulator, host, system_id):
    state = emulator.state(host)
    system = [s for s in state['systems'].values() if s['ID'] == system_id]
    if not system:
        return None, [], []
    uuid_ = system[0]['UUID']
    inbound = [i for i in state['inbound_users'].values() if i['CommunicationSystemUUID'] == uuid_]
    outbound = [o for o in state['outbound_users'].values() if o['CommunicationSystemUUID'] == uuid_]
    return system[0], inbound, outbound


def test_lifecycle(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    first, second = unique('IT_SYSUSER'), unique('IT_SYSUSER')
    ids = seed_users(emulator, host, first, second)
    system_id = unique('IT_SYS')
    args = {'system_id': system_id, 'host_name': 'ips.example.com', 'logical_system_id': 'IPSCLNT001',
            'inbound_users': [{'user': first}],
            'outbound_users': [{'name': 'DUMMY', 'password': OUTBOUND_PASSWORD}]}

    def task(extra=None, **kwargs):
        return module.task(MODULE, dict(args, **(extra or {})), defaults=conn, **kwargs)

    run, requests, writes = measure(emulator, lambda: task(check=True, diff=True), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 0)
    assert run.data['system_uuid'] == ''
    assert run.data['diff']['after']['OutboundUsers'][0]['Password'] == '********'

    run, requests, writes = measure(emulator, task, [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (5, 3)  # GET users, GET system, POST system, POST inbound user, POST outbound user
    assert run.data['actions'] == ['create', 'add_inbound_user', 'add_outbound_user']
    system, inbound, outbound = system_state(emulator, host, system_id)
    assert run.data['system_uuid'] == system['UUID']
    assert system['Name'] == system_id and system['TCPPort'] == 443 and system['IsInboundOnly'] is False
    assert [i['CommunicationUserID'] for i in inbound] == [ids[first]]
    assert run.data['inbound_users'][0]['user'] == first
    assert run.data['inbound_users'][0]['UUID'] == inbound[0]['UUID']
    assert run.data['outbound_users'][0]['UUID'] == outbound[0]['UUID']
    assert 'Password' not in run.data['outbound_users'][0]
    assert outbound[0]['Password'] == OUTBOUND_PASSWORD

    run, requests, writes = measure(emulator, task, [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 0)
    assert run.data['system_uuid'] == system['UUID']

    update = {'host_name': 'ips2.example.com', 'inbound_users': [{'user': first}, {'user': second}]}
    run, requests, writes = measure(emulator, lambda: task(update, diff=True), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (4, 2)  # GET, GET, PATCH system, POST inbound user
    assert run.data['diff']['before']['HostName'] == 'ips.example.com'
    assert run.data['diff']['after']['HostName'] == 'ips2.example.com'
    assert sorted(i['user'] for i in run.data['inbound_users']) == sorted([first, second])

    purge = {'host_name': 'ips2.example.com', 'inbound_users': [{'user': second, 'authentication_method': 'x509'}]}
    run, requests, writes = measure(emulator, lambda: task(purge), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (4, 2)  # GET, GET, DELETE first's inbound user, PATCH second's method
    assert run.data['actions'] == ['remove_inbound_user', 'update_inbound_user']
    inbound = system_state(emulator, host, system_id)[1]
    assert [(i['CommunicationUserID'], i['AuthenticationMethod']) for i in inbound] == [(ids[second], 'x509')]

    keep = {'host_name': 'ips2.example.com', 'inbound_users': [{'user': first}], 'purge_users': False}
    run, requests, writes = measure(emulator, lambda: task(keep), [host])
    assert run.changed and (requests, writes) == (3, 1)
    assert len(system_state(emulator, host, system_id)[1]) == 2

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}, check=True), [host])
    assert run.changed and writes == 0

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}), [host])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 1)  # GET system, DELETE
    assert system_state(emulator, host, system_id)[0] is None

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}), [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)


def test_inbound_only_system(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    user = unique('IT_INB')
    seed_users(emulator, host, user)
    args = {'system_id': unique('IT_INBSYS'), 'inbound_only': True, 'inbound_users': [{'user': user}]}
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), [host])
    assert run.changed and (requests, writes) == (4, 2), run.msg
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), [host])
    assert not run.changed and (requests, writes) == (2, 0), run.msg
    # Without inbound_users the users are left alone and no user lookup is needed.
    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, {'system_id': args['system_id'], 'inbound_only': True}, defaults=conn), [host])
    assert not run.changed and (requests, writes) == (1, 0), run.msg


def test_bad_input_fails_before_any_request(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    cases = [
        ({'system_id': 'SAP_SOMETHING', 'host_name': 'h.example.com'}, 'system_id'),
        ({'system_id': 'sap_lower', 'state': 'absent'}, 'system_id'),
        ({'system_id': 'IT_NOHOST'}, 'host_name'),
        ({'system_id': 'IT_INBOUT', 'inbound_only': True, 'outbound_users': [{'name': 'X', 'password': 'p'}]},
         'outbound_users'),
        ({'system_id': 'IT_LOGSYS', 'host_name': 'h.example.com', 'logical_system_id': 'ELEVENCHARS'},
         'logical_system_id'),
        ({'system_id': 'IT_NOPW', 'host_name': 'h.example.com', 'outbound_users': [{'name': 'DUMMY'}]},
         'outbound_users[0].password'),
        ({'system_id': 'IT_TWICE', 'host_name': 'h.example.com', 'inbound_users': [{'user': 'A'}, {'user': 'A'}]},
         'inbound_users'),
        ({'system_id': 'IT_EMPTY', 'host_name': 'h.example.com', 'inbound_users': [{'user': 'A'}, {'user': ''}]},
         'inbound_users[1].user'),
    ]
    (_run, results), requests, writes = measure(emulator, lambda: failing_cases(
        module, MODULE, [args for args, _parameter in cases], conn), ['s4_t1'])
    assert (requests, writes) == (0, 0)
    for (args, parameter), result in zip(cases, results):
        assert result['failed'] and parameter in result['result']['msg'], (args, result['result'].get('msg'))


def test_unknown_inbound_user_fails_without_writes(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    missing = unique('IT_MISSING')
    args = {'system_id': unique('IT_SYS'), 'host_name': 'h.example.com', 'inbound_users': [{'user': missing}]}
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), ['s4_t1'])
    assert run.failed and 'inbound_users' in run.msg and missing in run.msg
    assert (requests, writes) == (1, 0)


def test_no_secret_in_verbose_output(emulator, ansible):
    """The module's ansible-playbook smoke run: create, then rotate the outbound password, with -vvv and --diff."""
    conn = s4_connection(emulator, 's4_t1')
    args = {'system_id': unique('IT_SECSYS'), 'host_name': 'h.example.com',
            'outbound_users': [{'name': 'DUMMY', 'password': OUTBOUND_PASSWORD}]}
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False, 'module_defaults': {MODULE: conn}, 'tasks': [
        {'name': 'create', MODULE: args},
        {'name': 'rotate', MODULE: dict(args, update_password='always')}]}], verbosity=3, diff=True)
    created, rotate = run.task('create'), run.task('rotate')
    assert created['changed'] and not created['failed'], created['result'].get('msg')
    assert rotate['changed'] and rotate['result']['actions'] == ['update_outbound_user']
    output = run.output
    assert OUTBOUND_PASSWORD not in output and DEMO['s4_admin_password'] not in output
    basic = base64.b64encode(('%s:%s' % (DEMO['s4_admin_user'], DEMO['s4_admin_password'])).encode()).decode()
    assert basic not in output


def test_delete_of_system_in_use_fails_cleanly(emulator, module):
    host = 's4_t2'
    conn = s4_connection(emulator, host)
    user, system_id = unique('IT_USED'), unique('IT_USEDSYS')
    emulator.seed(host, {
        'users': [{'Name': user, 'Password': 'Seeded-User-Passw0rd-12', 'Description': 'seeded'}],
        'systems': [{'ID': system_id, 'IsInboundOnly': True, 'InboundUsers': [{'user': user}]}],
        'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0093', 'CommunicationSystemID': system_id,
                          'Name': system_id, 'inbound_user': user}]})
    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, {'system_id': system_id, 'state': 'absent'}, defaults=conn), [host])
    assert run.failed and 'DELETE' in run.msg and 'HTTP 400' in run.msg and 'used in communication arrangements' in run.msg
    assert 'UNCONFIRMED' in run.msg and 'Traceback' not in json.dumps(run.data)
    assert writes == 1


def test_check_mode_tolerates_a_user_an_earlier_task_would_create(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    known, first, second = unique('IT_KNOWN'), unique('IT_LATER'), unique('IT_LATER')
    ids = seed_users(emulator, 's4_t1', known)
    args = {'system_id': unique('IT_SYS'), 'host_name': 'h.example.com',
            'inbound_users': [{'user': first}, {'user': known}, {'user': second}]}
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn, check=True), ['s4_t1'])
    assert run.changed and not run.failed, run.msg
    assert writes == 0
    assert run.data['actions'] == ['create', 'add_inbound_user', 'add_inbound_user', 'add_inbound_user']
    assert [(i['user'], i['CommunicationUserID']) for i in run.data['inbound_users']] == [
        (first, ''), (known, ids[known]), (second, '')]
    warnings = ' '.join(run.data.get('warnings', []))
    assert 'inbound_users' in warnings and first in warnings and second in warnings and 'does not exist yet' in warnings

    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), ['s4_t1'])
    assert run.failed and 'inbound_users: communication user' in run.msg and first in run.msg, run.msg
    assert writes == 0
