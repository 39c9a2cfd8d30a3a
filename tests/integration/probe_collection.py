"""A test-only collection, sapcloud_test.probe, whose one module has this collection's action plugin class (as every
sapcloud.identity module has): it warns and deprecates with its no_log option's value in the text, so a test can
compare the in-worker runner with a module process on the masking ansible-core applies."""

import os

MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(secret=dict(type='str', no_log=True), name=dict(type='str')),
                           supports_check_mode=True)
    secret = module.params['secret']
    module.warn('the probe saw %s' % secret)
    module.deprecate('the probe option %s goes away' % secret, version='9.0.0', collection_name='sapcloud_test.probe')
    module.exit_json(changed=not module.check_mode, msg='probe %s done' % module.params['name'],
                     diff=dict(before='name: old\\n', after='name: %s\\n' % module.params['name']))


if __name__ == '__main__':
    main()
'''

ACTION = '''from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker_action import InWorkerAction


class ActionModule(InWorkerAction):
    pass
'''


def write_probe_collection(root):
    """Writes ansible_collections/sapcloud_test/probe under root; returns root (a collections path)."""
    base = os.path.join(root, 'ansible_collections', 'sapcloud_test', 'probe')
    os.makedirs(os.path.join(base, 'plugins', 'modules'), exist_ok=True)
    os.makedirs(os.path.join(base, 'plugins', 'action'), exist_ok=True)
    with open(os.path.join(base, 'plugins', 'modules', 'warn_secret.py'), 'w') as handle:
        handle.write(MODULE)
    with open(os.path.join(base, 'plugins', 'action', 'warn_secret.py'), 'w') as handle:
        handle.write(ACTION)
    return root


PARITY_KEYS = ('changed', 'msg', 'diff', 'warnings', 'deprecations')


def parity_play(secret, python):
    """One play: the probe in the worker, then as a module process, with diff; then an assert that both results
    agree on PARITY_KEYS."""
    task = {'sapcloud_test.probe.warn_secret': {'secret': secret, 'name': 'p1'}, 'diff': True}
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        dict(task, name='in the worker', register='in_worker'),
        dict(task, name='as a module process', register='as_process',
             vars={'sapcloud_in_worker': False, 'ansible_python_interpreter': python}),
        {'name': 'both agree', 'ansible.builtin.assert': {'that': [
            'in_worker[%r] | default(None) == as_process[%r] | default(None)' % (key, key) for key in PARITY_KEYS]}},
    ]}]
