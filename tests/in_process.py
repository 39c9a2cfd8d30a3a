"""A module's main() run in the test process through the runner the action plugins use in a task's worker
(plugins/plugin_utils/in_worker.py), and the result dict it gives, as the unit and integration tests need it.

Import after the collection finder is installed (both test folders' conftest.py do that first).
"""

from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker import last_json, run_module


def module_result(name, args, environment=None):
    """The result dict of module `name` (short name) run with args (`_ansible_*` keys included). Output that is not
    a JSON result comes back as a failure whose msg carries it. Warnings are in the result, as a module process
    returns them."""
    stdout, stderr = run_module(name, args, environment)
    data = last_json(stdout)
    if data is None:
        data = {'failed': True, 'msg': 'MODULE FAILURE (no JSON result): %s' % (stderr or stdout)}
    if data.get('warnings'):  # ansible-core 2.19+ sends each as an object with its text in event.msg
        data['warnings'] = [w['event']['msg'] if isinstance(w, dict) else w for w in data['warnings']]
    return data
