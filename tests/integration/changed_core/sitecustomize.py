"""Test-only: makes one ansible-core internal that the in-worker runner relies on missing or changed, in the
ansible-playbook process only (module processes it starts import this too, and are left alone), so the fallback test
can show the run still succeeds the classic way. SAPCLOUD_TEST_CHANGED_CORE names the change (see CHANGES)."""

import functools
import os
import sys


def _renamed_parameters(original):
    """The same function under other parameter names: still works, but not the signature the runner expects."""
    def changed(self, *args, **kwargs):
        return original(self, *args, **kwargs)
    return changed


def _missing_args():
    from ansible.module_utils import basic
    del basic._ANSIBLE_ARGS


def _missing_warnings_global():
    from ansible.module_utils.common import warnings
    del warnings._global_deprecations


def _update_module_args():
    from ansible.plugins.action import ActionBase
    ActionBase._update_module_args = _renamed_parameters(ActionBase._update_module_args)


def _compute_environment_string():
    from ansible.plugins.action import ActionBase
    ActionBase._compute_environment_string = _renamed_parameters(ActionBase._compute_environment_string)


def _parse_returned_data():
    from ansible.plugins.action import ActionBase
    ActionBase._parse_returned_data = _renamed_parameters(ActionBase._parse_returned_data)


def _module_warnings_dropped():
    """AnsibleModule.warn no longer records: only the self-run can notice."""
    from ansible.module_utils import basic
    basic.AnsibleModule.warn = lambda self, warning: None


def _args_not_read():
    """AnsibleModule no longer reads _ANSIBLE_ARGS (the name is still there): only the self-run can notice."""
    from ansible.module_utils import basic
    basic._load_params = lambda: {}


def _parse_raises_in_workers():
    """_parse_returned_data raises when the runner calls it in a worker; the controller's self-run and module
    processes (_execute_module) still get through."""
    from ansible.plugins.action import ActionBase
    original, controller = ActionBase._parse_returned_data, os.getpid()

    @functools.wraps(original)  # the same signature: only the call in a task can notice
    def parse(self, *args, **kwargs):
        if os.getpid() != controller and sys._getframe(1).f_code.co_name == 'module_result':
            raise RuntimeError('simulated: this ansible-core changed its result objects')
        return original(self, *args, **kwargs)
    ActionBase._parse_returned_data = parse


CHANGES = {
    'basic._ANSIBLE_ARGS': _missing_args,
    'warnings._global_deprecations': _missing_warnings_global,
    'ActionBase._update_module_args': _update_module_args,
    'ActionBase._compute_environment_string': _compute_environment_string,
    'ActionBase._parse_returned_data': _parse_returned_data,
    'AnsibleModule.warn': _module_warnings_dropped,
    'basic._load_params': _args_not_read,
    'parse raises in workers': _parse_raises_in_workers,
}

if os.path.basename((getattr(sys, 'argv', None) or [''])[0]) == 'ansible-playbook':
    CHANGES[os.environ['SAPCLOUD_TEST_CHANGED_CORE']]()
