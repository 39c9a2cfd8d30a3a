"""The in-worker runner on an ansible-core that changed what it relies on (simulated in the ansible-playbook process
by changed_core/sitecustomize.py): each task runs as a classic module process, the run succeeds with the same
results, and one warning names the missing or changed piece. A runner failure after the module wrote fails the task
as changed, naming the object."""

import os

import pytest

from conftest import TESTS, s4_connection
from helpers import unique

PASSWORD = 'Fallback-Test-Passw0rd-2026!x'
WARNING = 'sapcloud.identity runs its modules as module processes'
SHIM = os.path.join(TESTS, 'integration', 'changed_core')

# The change, and what the warning names.
CHANGES = [
    ('basic._ANSIBLE_ARGS', 'ansible.module_utils.basic._ANSIBLE_ARGS'),
    ('warnings._global_deprecations', 'ansible.module_utils.common.warnings._global_deprecations'),
    ('ActionBase._update_module_args', 'ActionBase._update_module_args(module_name, module_args, task_vars)'),
    ('ActionBase._compute_environment_string', 'ActionBase._compute_environment_string(raw_environment_out)'),
    ('ActionBase._parse_returned_data', 'ActionBase._parse_returned_data(res'),
    ('AnsibleModule.warn', 'running a module in the worker: a module run in the worker does not return its warnings'),
    ('basic._load_params', 'running a module in the worker: a module run in the worker'),
]


def changed_core(change):
    return {'PYTHONPATH': SHIM, 'SAPCLOUD_TEST_CHANGED_CORE': change}


def flat(text):
    return ' '.join(text.split())  # the display wraps long warnings


@pytest.mark.parametrize('change,named', CHANGES, ids=[change for change, _named in CHANGES])
def test_a_changed_internal_falls_back_to_module_processes_with_one_warning(ansible, emulator, change, named):
    user = {'name': unique('IT_FALLBACK'), 'description': 'fallback', 'password': PASSWORD}
    tasks = [{'name': 'create', 'sapcloud.identity.s4_comm_user': user},
             {'name': 'again', 'sapcloud.identity.s4_comm_user': user}]
    emulator.reset_stats()
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False,
                             'module_defaults': {'group/sapcloud.identity.s4': s4_connection(emulator)},
                             'tasks': tasks}], verbosity=3, env=changed_core(change))
    assert run.rc == 0, run.output[-4000:]
    assert run.task('create')['changed'] and not run.task('again')['changed']
    assert emulator.writes('s4_t1') == 1
    output = flat(run.output)
    assert output.count(WARNING) == 1, output[-3000:]
    assert named in output
    # Both tasks started a module process (-vvv shows the module being transferred).
    started = [s.split(']')[0] for s in run.output.split('TASK [') if 'AnsiballZ_s4_comm_user' in s]
    assert started == ['create', 'again'], started


def test_a_changed_internal_is_announced_once_for_the_run_not_per_task(ansible, emulator):
    tasks = [{'name': 'read %d' % i, 'sapcloud.identity.s4_comm_user_info': {'name': 'NOBODY'}} for i in range(3)]
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False,
                             'module_defaults': {'group/sapcloud.identity.s4': s4_connection(emulator)},
                             'tasks': tasks}], env=changed_core('basic._ANSIBLE_ARGS'))
    assert run.rc == 0, run.output[-4000:]
    assert flat(run.output).count(WARNING) == 1


def test_without_a_change_there_is_no_warning_and_no_module_process(ansible, emulator):
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False,
                             'module_defaults': {'group/sapcloud.identity.s4': s4_connection(emulator)},
                             'tasks': [{'name': 'read', 'sapcloud.identity.s4_comm_user_info': {'name': 'NOBODY'}}]}],
                           verbosity=3)
    assert run.rc == 0, run.output[-4000:]
    assert WARNING not in flat(run.output) and 'AnsiballZ_' not in run.output


def test_a_runner_failure_after_a_write_reports_the_write(ansible, emulator):
    """The result of a task that wrote cannot be taken (parsing raises in the workers, not in the controller's
    self-run): the task fails as changed and names the object; a task that wrote nothing runs again as a process."""
    name = unique('IT_UNREAD')
    user = {'name': name, 'description': 'unread result', 'password': PASSWORD}
    tasks = [{'name': 'create', 'sapcloud.identity.s4_comm_user': user, 'ignore_errors': True},
             {'name': 'read', 'sapcloud.identity.s4_comm_user_info': {'name': name}}]
    emulator.reset_stats()
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False,
                             'module_defaults': {'group/sapcloud.identity.s4': s4_connection(emulator)},
                             'tasks': tasks}], env=changed_core('parse raises in workers'))
    create, read = run.task('create'), run.task('read')
    assert create['failed'] and create['changed'], (create, run.output[-3000:])
    assert 'sapcloud.identity.s4_comm_user %s' % name in create['result']['msg']
    assert 'The change is applied' in create['result']['msg']
    assert emulator.writes('s4_t1') == 1
    assert not read['failed'] and [u['Name'] for u in read['result']['users']] == [name]
    assert any('reading the result raised' in w for w in read['result'].get('warnings', []))
