"""The read-only S/4HANA Cloud modules: s4_comm_user_info, s4_comm_system_info, s4_comm_arrangement_info."""

import os

from conftest import DEMO, s4_connection
from helpers import measure, unique

USER_INFO = 'sapcloud.identity.s4_comm_user_info'
SYSTEM_INFO = 'sapcloud.identity.s4_comm_system_info'
ARRANGEMENT_INFO = 'sapcloud.identity.s4_comm_arrangement_info'


def seed(emulator, host):
    user, system_id = unique('IT_INFOUSER'), unique('IT_INFOSYS')
    emulator.seed(host, {
        'users': [{'Name': user, 'Password': 'Seeded-User-Passw0rd-12', 'Description': 'info test'}],
        'systems': [{'ID': system_id, 'HostName': 'info.example.com', 'InboundUsers': [{'user': user}],
                     'OutboundUsers': [{'Name': 'DUMMY', 'Password': 'Dummy-Outbound-Pass-1'}]}],
        'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0093', 'CommunicationSystemID': system_id,
                          'Name': system_id + '_0093', 'inbound_user': user}]})
    return user, system_id


def test_user_info(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    user = seed(emulator, host)[0]
    run, requests, writes = measure(emulator, lambda: module.task(USER_INFO, {}, defaults=conn, check=True), [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)
    names = [u['Name'] for u in run.data['users']]
    assert DEMO['s4_admin_user'] in names and user in names
    assert all('Password' not in u for u in run.data['users'])

    run = module.task(USER_INFO, {'name': user, 'query': '[0].ID'}, defaults=conn)
    assert [u['Name'] for u in run.data['users']] == [user]
    assert run.data['query_result'].startswith('CC')

    run = module.task(USER_INFO, {'name': unique('IT_NOBODY')}, defaults=conn)
    assert not run.failed and run.data['users'] == []


def test_system_info(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id = seed(emulator, host)[1]
    run, requests, writes = measure(emulator, lambda: module.task(
        SYSTEM_INFO, {'system_id': system_id, 'query': '[0].OutboundUsers[].Name'}, defaults=conn), [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)
    (system,) = run.data['systems']
    assert system['ID'] == system_id and len(system['InboundUsers']) == 1
    assert 'Password' not in system['OutboundUsers'][0]
    assert run.data['query_result'] == ['DUMMY']
    everything = module.task(SYSTEM_INFO, {}, defaults=conn)
    assert system_id in [s['ID'] for s in everything.data['systems']]


def test_arrangement_info(emulator, module):
    host = 's4_t1'
    conn = s4_connection(emulator, host)
    system_id = seed(emulator, host)[1]
    run, requests, writes = measure(emulator, lambda: module.task(
        ARRANGEMENT_INFO, {'scenario_id': 'SAP_COM_0093', 'system_id': system_id}, defaults=conn, check=True), [host])
    assert not run.changed and not run.failed, run.msg
    assert (requests, writes) == (1, 0)
    (arrangement,) = run.data['arrangements']
    assert arrangement['Name'] == system_id + '_0093'
    assert arrangement['InboundUser']['CommunicationSystemInboundUserUUID']

    by_name = module.task(ARRANGEMENT_INFO, {'name': system_id + '_0093'}, defaults=conn)
    assert [a['UUID'] for a in by_name.data['arrangements']] == [arrangement['UUID']]

    scenarios = module.task(ARRANGEMENT_INFO, {'query': '[].CommunicationScenarioID'}, defaults=conn)
    assert 'SAP_COM_0A48' in scenarios.data['query_result'] and 'SAP_COM_0093' in scenarios.data['query_result']


def test_query_errors(emulator, module, ansible, tmp_path):
    conn = s4_connection(emulator, 's4_t1')
    for info in (USER_INFO, SYSTEM_INFO, ARRANGEMENT_INFO):  # run_info compiles the query before the read
        run, requests, writes = measure(emulator, lambda: module.task(info, {'query': '[?'}, defaults=conn), ['s4_t1'])
        assert run.failed and 'query' in run.msg and 'JMESPath' in run.msg, run.msg
        assert (requests, writes) == (0, 0), info

    # The three modules' ansible-playbook smoke run, on a controller without jmespath (an import that fails stands
    # for the missing library): a query fails, plain reads work.
    system_id = seed(emulator, 's4_t1')[1]
    hidden = tmp_path / 'hide-jmespath'
    hidden.mkdir()
    (hidden / 'jmespath.py').write_text('raise ImportError("jmespath hidden by the test")\n')
    env = {'PYTHONPATH': str(hidden) + os.pathsep + os.environ.get('PYTHONPATH', '')}
    play = [{'hosts': 'localhost', 'gather_facts': False, 'module_defaults': {'group/sapcloud.identity.s4': conn},
             'tasks': [{'name': 'query', USER_INFO: {'query': '[].Name'}, 'ignore_errors': True},
                       {'name': 'users', USER_INFO: {}},
                       {'name': 'systems', SYSTEM_INFO: {'system_id': system_id}},
                       {'name': 'arrangements', ARRANGEMENT_INFO: {'system_id': system_id}}]}]
    run = ansible.playbook(play, env=env)
    query = run.task('query')
    assert query['failed'] and 'jmespath' in query['result']['msg']
    for name in ('users', 'systems', 'arrangements'):
        assert not run.task(name)['failed'] and not run.task(name)['changed'], run.task(name)['result'].get('msg')
    assert DEMO['s4_admin_user'] in [u['Name'] for u in run.task('users')['result']['users']]
    assert [s['ID'] for s in run.task('systems')['result']['systems']] == [system_id]
    assert [a['Name'] for a in run.task('arrangements')['result']['arrangements']] == [system_id + '_0093']
