"""Where a module task runs: in the task's worker on the controller (connection local, the default), or as a module
process (any other case, or sapcloud_in_worker=false). Both give the same result; the worker keeps the contract of a
module process: the task's `environment:` reaches env fallbacks, check mode writes nothing, no_log hides secrets.
"""

import sys

from conftest import DEMO, s4_connection
from helpers import assert_no_secret, unique

PASSWORD = 'Shape-Test-Passw0rd-2026!x'


def test_worker_and_module_process_agree(ansible, emulator):
    conn = s4_connection(emulator)
    name = unique('IT_SHAPE')
    user = {'name': name, 'description': 'execution shape', 'password': PASSWORD}
    module_process = {'sapcloud_in_worker': False, 'ansible_python_interpreter': sys.executable}
    tasks = [
        {'name': 'check in the worker', 'sapcloud.identity.s4_comm_user': user, 'check_mode': True},
        {'name': 'check as a module process', 'sapcloud.identity.s4_comm_user': user, 'check_mode': True,
         'vars': module_process},
        # The connection's password only from the task's environment keyword, in the worker.
        {'name': 'create in the worker', 'sapcloud.identity.s4_comm_user': dict(user),
         'module_defaults': {'sapcloud.identity.s4_comm_user': {'api_url': conn['api_url'], 'api_user': conn['api_user']}},
         'environment': {'SAP_S4_API_PASSWORD': DEMO['s4_admin_password']}},
        {'name': 'again in the worker', 'sapcloud.identity.s4_comm_user_info': {'name': name}},
        {'name': 'again as a module process', 'sapcloud.identity.s4_comm_user_info': {'name': name},
         'vars': module_process},
    ]
    for task in tasks:
        task.setdefault('module_defaults', {'group/sapcloud.identity.s4': conn})
    emulator.reset_stats()
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], verbosity=3)
    assert run.rc == 0, run.output[-4000:]

    worker, process = run.task('check in the worker'), run.task('check as a module process')
    assert worker['changed'] and process['changed']
    for key in ('diff', 'actions', 'user_id', 'user'):
        assert worker['result'][key] == process['result'][key], key
    assert run.task('create in the worker')['changed']
    assert [u['Name'] for u in run.task('again in the worker')['result']['users']] == [name]
    assert run.task('again as a module process')['result']['users'] == run.task('again in the worker')['result']['users']
    # One write: the create; the check-mode tasks, in either shape, wrote nothing.
    assert emulator.writes('s4_t1') == 1

    # -vvv shows a module process being transferred and started only for the tasks that asked for one.
    sections = run.output.split('TASK [')
    started = [s.split(']')[0] for s in sections if 'AnsiballZ_' in s]
    assert started == ['check as a module process', 'again as a module process'], started
    assert_no_secret(run.output, PASSWORD, DEMO['s4_admin_password'], users=(DEMO['s4_admin_user'],))
