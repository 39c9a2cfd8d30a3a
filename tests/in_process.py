"""A module's main() run in the test process through the runner the action plugins use in a task's worker
(plugins/plugin_utils/in_worker.py), and the result dict it gives, as the unit and integration tests need it.

Import after the collection finder is installed (both test folders' conftest.py do that first).
"""

import json

from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker import run_module

try:  # ansible-core 2.19+: a module's warnings, raised in a controller process, reach the result through this context
    from ansible._internal._display_utils import DeferredWarningContext
except ImportError:  # older cores return them in the module's own result
    DeferredWarningContext = None


def module_result(name, args, environment=None):
    """The result dict of module `name` (short name) run with args (`_ansible_*` keys included). Output that is not
    a JSON result comes back as a failure whose msg carries it."""
    if DeferredWarningContext is None:
        stdout, stderr = run_module(name, args, environment)
        captured = []
    else:  # as the task executor does around a task, so warnings land in the result, not on stderr
        with DeferredWarningContext(variables={}) as context:
            stdout, stderr = run_module(name, args, environment)
        captured = [warning.event.msg for warning in context.get_warnings()]
    data = last_json(stdout)
    if data is None:
        data = {'failed': True, 'msg': 'MODULE FAILURE (no JSON result): %s' % (stderr or stdout)}
    if captured:
        data['warnings'] = data.get('warnings', []) + captured
    return data


def last_json(text):
    """The result a module printed: its last line that is a JSON object, or None."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith('{'):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None
