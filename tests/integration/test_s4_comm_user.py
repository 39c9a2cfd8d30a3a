"""sapcloud.identity.s4_comm_user against the emulated S/4HANA Cloud tenant.

Requests and writes are read from the emulator's HTTP-layer stats around each run, never from the module.
"""

import base64
import json

from conftest import DEMO, s4_connection
from helpers import failing_cases, measure, unique

MODULE = 'sapcloud.identity.s4_comm_user'
INFO = 'sapcloud.identity.s4_comm_user_info'
PASSWORD = 'Integration-Test-Passw0rd-1'


def test_lifecycle(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    name = unique('IT_USER')
    args = {'name': name, 'description': 'integration test user', 'password': PASSWORD}

    def task(extra=None, **kwargs):
        return module.task(MODULE, dict(args, **(extra or {})), defaults=conn, **kwargs)

    run, requests, writes = measure(emulator, lambda: task(check=True), ['s4_t1'])
    assert run.changed and not run.failed, run.msg
    assert writes == 0 and requests == 1
    assert run.data['user_id'] == ''

    run, requests, writes = measure(emulator, task, ['s4_t1'])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 1)  # GET by name (+CSRF token), POST
    user_id = run.data['user_id']
    assert user_id.startswith('CC') and len(user_id) == 12
    assert run.data['user']['Name'] == name and 'Password' not in run.data['user']
    assert run.data['actions'] == ['create']

    run, requests, writes = measure(emulator, task, ['s4_t1'])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)
    assert run.data['user_id'] == user_id

    run, requests, writes = measure(emulator, lambda: task({'description': 'changed'}, diff=True), ['s4_t1'])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 1)  # GET, PATCH
    assert run.data['diff']['before']['Description'] == 'integration test user'
    assert run.data['diff']['after']['Description'] == 'changed'
    assert run.data['user']['Description'] == 'changed'

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}, check=True), ['s4_t1'])
    assert run.changed and writes == 0

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}), ['s4_t1'])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 1)  # GET, DELETE
    assert all(u['Name'] != name for u in emulator.state('s4_t1')['users'].values())

    run, requests, writes = measure(emulator, lambda: task({'state': 'absent'}), ['s4_t1'])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)


def test_update_password_always(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    name = unique('IT_ROTATE')
    args = {'name': name, 'description': 'rotation', 'password': PASSWORD}
    assert module.task(MODULE, args, defaults=conn).changed
    new_password = 'Another-Integration-Passw0rd-2'
    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, dict(args, password=new_password, update_password='always'), defaults=conn, diff=True), ['s4_t1'])
    assert run.changed and not run.failed, run.msg
    assert (requests, writes) == (2, 1)
    assert run.data['diff']['after']['Password'] == '********'
    assert new_password not in json.dumps(run.data)  # the -vvv output of a rotation: test_no_secret_in_verbose_output
    user = [u for u in emulator.state('s4_t1')['users'].values() if u['Name'] == name][0]
    assert user['Password'] == new_password
    # on_create never sends it again
    run, requests, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=conn), ['s4_t1'])
    assert not run.changed and writes == 0


def test_bad_input_fails_before_any_request(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    cases = [
        ({'name': 'IT_BAD', 'description': 'x', 'password': 'Short-1'}, 'password'),
        ({'name': 'IT_BAD', 'description': 'x', 'password': 'no-upper-case-letters-123'}, 'password'),
        ({'name': 'IT_BAD', 'description': 'x', 'password': 'Has,A-Comma-In-It-Passw0rd'}, 'comma'),
        ({'name': 'IT,BAD', 'description': 'x', 'password': PASSWORD}, 'name'),
        ({'name': 'IT_BAD', 'description': 'x', 'password': PASSWORD, 'api_url': ''}, 'api_url'),
        ({'name': 'IT_BAD', 'description': 'x', 'password': PASSWORD, 'api_url': 'my123456-api.s4hana.cloud.sap'},
         'api_url'),
        ({'name': 'IT_BAD', 'description': 'x', 'password': PASSWORD, 'api_user': ''}, 'api_user'),
    ]
    (_run, results), requests, writes = measure(emulator, lambda: failing_cases(
        module, MODULE, [args for args, _word in cases], conn), ['s4_t1'])
    assert (requests, writes) == (0, 0)
    for (args, word), result in zip(cases, results):
        assert result['failed'] and word in result['result']['msg'], (args, result['result'].get('msg'))
        # run.output also holds Ansible's quote of the playbook source around a failed task, so look at the message.
        assert args['password'] not in json.dumps(result['result'])


def test_create_needs_description(emulator, module):
    conn = s4_connection(emulator, 's4_t1')
    run, requests, writes = measure(emulator, lambda: module.task(
        MODULE, {'name': unique('IT_NODESC'), 'password': PASSWORD}, defaults=conn), ['s4_t1'])
    assert run.failed and 'description is required' in run.msg
    assert writes == 0


def test_no_secret_in_verbose_output(emulator, ansible):
    """The module's ansible-playbook smoke run: create, then rotate the password, with -vvv and --diff."""
    conn = s4_connection(emulator, 's4_t1')
    name = unique('IT_SECRET')
    new_password = 'Another-Integration-Passw0rd-2'
    args = {'name': name, 'description': 'secret check', 'password': PASSWORD}
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False, 'module_defaults': {MODULE: conn}, 'tasks': [
        {'name': 'create', MODULE: args},
        {'name': 'rotate', MODULE: dict(args, password=new_password, update_password='always')}]}],
        verbosity=3, diff=True)
    for task in ('create', 'rotate'):
        assert run.task(task)['changed'] and not run.task(task)['failed'], run.task(task)['result'].get('msg')
    assert run.task('rotate')['result']['actions'] == ['update']
    output = run.output
    for secret in (PASSWORD, new_password, DEMO['s4_admin_password']):
        assert secret not in output
    for user, password in ((DEMO['s4_admin_user'], DEMO['s4_admin_password']), (name, PASSWORD), (name, new_password)):
        assert base64.b64encode(('%s:%s' % (user, password)).encode()).decode() not in output


def test_server_errors_are_clean(emulator, module):
    conn = s4_connection(emulator, 's4_t2')
    name = unique('IT_DUP')
    assert module.task(MODULE, {'name': name, 'description': 'x', 'password': PASSWORD}, defaults=conn).changed
    # The module catches the emulator's own rules before any request, so the refusal is injected.
    emulator.fault(host='s4_t2', method='POST', path='/CommunicationUsers$', status=400, count=1,
                   headers={'Content-Type': 'application/json'},
                   body='{"error": {"code": "X/1", "message": "User name is already used"}}')
    try:
        run = module.task(MODULE, {'name': unique('IT_DUP'), 'description': 'x', 'password': PASSWORD}, defaults=conn)
    finally:
        emulator.clear_faults()
    assert run.failed
    assert 'POST' in run.msg and 'HTTP 400' in run.msg and 'already used' in run.msg
    assert 'Traceback' not in json.dumps(run.data)


def test_refused_delete_and_password_change_say_unconfirmed(emulator, module):
    conn = s4_connection(emulator, 's4_t2')
    name = unique('IT_REFUSED')
    args = {'name': name, 'description': 'x', 'password': PASSWORD}
    assert module.task(MODULE, args, defaults=conn).changed
    emulator.fault(host='s4_t2', method='DELETE', path='/CommunicationUsers', status=405, count=1,
                   headers={'Content-Type': 'text/plain'}, body='Method not allowed')
    emulator.fault(host='s4_t2', method='PATCH', path='/CommunicationUsers', status=400, count=1,
                   headers={'Content-Type': 'application/json'},
                   body='{"error": {"code": "SADL/1", "message": "Property Password is read-only"}}')
    try:
        deleted = module.task(MODULE, dict(args, state='absent'), defaults=conn)
        patched = module.task(MODULE, dict(args, update_password='always'), defaults=conn)
    finally:
        emulator.clear_faults()
    assert deleted.failed and 'UNCONFIRMED' in deleted.msg and 'Deleting a communication user' in deleted.msg
    assert patched.failed and 'UNCONFIRMED' in patched.msg and 'read-only' in patched.msg
    assert PASSWORD not in json.dumps(patched.data)


def test_etag_enforcement(emulator, module):
    conn = s4_connection(emulator, 's4_t2')
    name = unique('IT_ETAG')
    args = {'name': name, 'description': 'etag', 'password': PASSWORD}
    assert module.task(MODULE, args, defaults=conn).changed
    emulator.fault(host='s4_t2', action='enforce_etag', enabled=True)
    try:
        with_etag = module.task(MODULE, dict(args, description='with If-Match'), defaults=conn)
        without = module.task(MODULE, dict(args, description='without If-Match'), defaults=dict(conn, use_etag=False))
    finally:
        emulator.fault(host='s4_t2', action='enforce_etag', enabled=False)
    assert with_etag.changed and not with_etag.failed, with_etag.msg
    assert without.failed and 'HTTP 428' in without.msg


def test_locked_user_fails_on_first_401_without_retry(emulator, module):
    host = 's4_t3'
    name = unique('IT_LOCK')
    password = 'Lockout-Test-Passw0rd-77'
    system = unique('IT_LOCKSYS')
    emulator.seed(host, {
        'users': [{'Name': name, 'Password': password, 'Description': 'lockout test'}],
        'systems': [{'ID': system, 'IsInboundOnly': True, 'InboundUsers': [{'user': name}]}],
        'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0A48', 'CommunicationSystemID': system,
                          'Name': system, 'inbound_user': name}]})
    base = {'api_url': emulator.url(host), 'api_user': name}
    run, requests, _writes = measure(emulator, lambda: module.task(INFO, {'name': name}, defaults=dict(base, api_password=password)), [host])
    assert not run.failed and requests == 1, run.msg
    for attempt in range(3):
        run, requests, _writes = measure(emulator, lambda: module.task(
            INFO, {'name': name}, defaults=dict(base, api_password='Wrong-Password-For-Lockout-1')), [host])
        assert run.failed and 'HTTP 401' in run.msg and 'Logon failed' in run.msg
        assert requests == 1, 'attempt %d made %d requests' % (attempt, requests)
    run, requests, _writes = measure(emulator, lambda: module.task(INFO, {'name': name}, defaults=dict(base, api_password=password)), [host])
    assert run.failed and 'HTTP 401' in run.msg and requests == 1
    info = module.task(INFO, {'name': name}, defaults=s4_connection(emulator, host))
    assert info.data['users'][0]['LockStatus'] == 'locked_by_system'
    assert info.data['users'][0]['IsLocked'] is True
