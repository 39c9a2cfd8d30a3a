"""plugin_utils/in_worker.run_module: a module's main() in this process, as the action plugins run it in a worker."""

import json
import os
import sys
import types

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker import module_import_path, run_module
from in_process import last_json as result


def fake_module(monkeypatch, name, main):
    module = types.ModuleType(module_import_path(name))
    module.main = main
    monkeypatch.setitem(sys.modules, module_import_path(name), module)


def test_an_unhandled_exception_is_a_failed_result_naming_it(monkeypatch):
    def main():
        raise KeyError('Name')
    fake_module(monkeypatch, 'zz_crash', main)
    stdout, stderr = run_module('zz_crash', {})
    data = result(stdout)
    assert data['failed'] is True and stderr == ''
    assert data['msg'].startswith('MODULE FAILURE: sapcloud.identity.zz_crash ended with KeyError')
    assert 'Traceback' in data['module_stderr'] and "raise KeyError('Name')" in data['module_stderr']


def test_environment_is_set_for_the_call_and_restored(monkeypatch):
    seen = {}

    def main():
        seen.update(value=os.environ.get('SAPCLOUD_IN_WORKER_PROBE'), kept=os.environ.get('SAPCLOUD_KEEP'))
        print(json.dumps({'changed': False}))
    fake_module(monkeypatch, 'zz_env', main)
    monkeypatch.setenv('SAPCLOUD_KEEP', 'before')
    monkeypatch.delenv('SAPCLOUD_IN_WORKER_PROBE', raising=False)
    run_module('zz_env', {}, {'SAPCLOUD_IN_WORKER_PROBE': 'task value', 'SAPCLOUD_KEEP': 'task'})
    assert seen == {'value': 'task value', 'kept': 'task'}
    assert 'SAPCLOUD_IN_WORKER_PROBE' not in os.environ and os.environ['SAPCLOUD_KEEP'] == 'before'


def test_a_real_module_validates_before_any_request_and_hides_its_secrets():
    args = {'api_url': 'http://127.0.0.1:9', 'api_user': 'ADMIN', 'api_password': 'Admin-Secret-Value-1',
            'name': 'U1', 'description': 'd', 'password': 'short', '_ansible_check_mode': True}
    stdout, _stderr = run_module('s4_comm_user', args)
    data = result(stdout)
    assert data['failed'] and 'password must have at least 20 characters' in data['msg']
    assert 'Admin-Secret-Value-1' not in stdout and 'short' not in json.dumps(data['invocation'])


def test_check_mode_and_warnings_do_not_leak_into_the_next_call(monkeypatch):
    def main():
        module = AnsibleModule(argument_spec={'warn': {'type': 'bool'}}, supports_check_mode=True)
        if module.params['warn']:
            module.warn('first call warns')
        module.exit_json(changed=False, check_mode=module.check_mode)
    fake_module(monkeypatch, 'zz_modes', main)
    first = result(run_module('zz_modes', {'warn': True, '_ansible_check_mode': True})[0])
    second = result(run_module('zz_modes', {'warn': False})[0])
    assert first['check_mode'] is True and first.get('warnings')
    assert second['check_mode'] is False
    assert not second.get('warnings')
