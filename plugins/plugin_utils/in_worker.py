# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one of the collection's modules inside the worker process Ansible forked for the task.

The modules only talk HTTP to SAP services, and the shipped playbooks run them with `connection: local`. A module
task normally starts a fresh Python (AnsiballZ: build, transfer, interpreter start, imports) for each task and host;
that start-up was about 85% of a no-op run. When the task would run on the controller anyway, the action plugin
(plugins/action/<module>.py, each on plugin_utils/in_worker_action.py) calls the same module `main()` in the
worker instead: the same AnsibleModule argument spec, check mode, diff, no_log censoring and result, without the new
process. Anything else (another connection, become, async, or `sapcloud_in_worker: false`) runs the module the
classic way.

The runner rests on ansible-core internals that no release promises to keep. `capability_problem()` checks each of
them once per process, before anything relies on them: names present, signatures as expected, and a self-run of a
tiny module through the same path. When one is missing or changed, every task runs as a classic module process and
the run says once which piece it was. A failure of the runner itself falls back to a module process only while the
module cannot have written; after that, the result says what was written or that it cannot tell.

`run_module` is also what the tests use to run a module in-process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import functools
import importlib
import inspect
import io
import json
import os
import traceback

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.plugins.action import ActionBase

try:  # ansible-core before 2.21 cleans a parsed module result with this function
    from ansible.vars.clean import remove_internal_keys
except ImportError:
    remove_internal_keys = None

try:  # ansible-core 2.19 and later serialise module arguments with a profile
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:
    Direction = get_module_encoder = None

try:  # ansible-core 2.19 and later: module code run in a controller process sends its warnings to the display
    from ansible.module_utils import _internal as module_internal
except ImportError:
    module_internal = None


COLLECTION = 'sapcloud.identity'
PROFILE = 'legacy'  # the serialisation profile Ansible uses for modules that do not name one
ARG_NAMES = ('_ANSIBLE_ARGS', '_ANSIBLE_PROFILE', '_PARSED_MODULE_ARGS')
# Options that name the object a module manages, for messages about what it may have written.
OBJECT_OPTIONS = ('name', 'system_id', 'scenario_id', 'provider_subaccount', 'path', 'dest')
PROBE_SECRET = 'in-worker-probe-secret'


def module_import_path(name):
    """The Python module of a module plugin: a short name is one of this collection's, else a FQCN."""
    namespace, collection, short = (COLLECTION + '.' + name if '.' not in name else name).split('.')
    return 'ansible_collections.%s.%s.plugins.modules.%s' % (namespace, collection, short)


def object_named(name, args):
    """What the module was about: 'sapcloud.identity.s4_comm_user U1' (its identifying option), for messages."""
    for option in OBJECT_OPTIONS:
        if isinstance(args.get(option), str) and args[option]:
            return '%s %s' % (name, args[option])
    return name


def _encoded_args(args):
    payload = {'ANSIBLE_MODULE_ARGS': args}
    if get_module_encoder is None:
        return json.dumps(payload).encode()
    return json.dumps(payload, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)).encode()


def _clear_module_messages():
    """Warnings and deprecations are module-level globals in AnsibleModule; a fresh process starts without any."""
    for name in ('_global_warnings', '_global_deprecations'):
        getattr(module_warnings, name).clear()


@contextlib.contextmanager
def _module_process_state(args):
    """The process-wide state a module process starts with: its arguments, no messages yet, and (2.19+) module code
    that returns its warnings in the result, where AnsibleModule censors no_log values as in a module process."""
    saved = dict((name, getattr(basic, name)) for name in ARG_NAMES if hasattr(basic, name))
    controller = getattr(module_internal, 'is_controller', None)
    basic._ANSIBLE_ARGS = _encoded_args(args)
    if '_ANSIBLE_PROFILE' in saved:
        basic._ANSIBLE_PROFILE = PROFILE
    if '_PARSED_MODULE_ARGS' in saved:
        basic._PARSED_MODULE_ARGS = None
    if controller is not None:
        module_internal.is_controller = False
    _clear_module_messages()
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(basic, name, value)
        if controller is not None:
            module_internal.is_controller = controller
        _clear_module_messages()


@contextlib.contextmanager
def _environment(extra):
    """The task's `environment:` keyword, as a module process would see it (env fallbacks read os.environ)."""
    saved = dict((name, os.environ.get(name)) for name in extra)
    os.environ.update(dict((name, str(value)) for name, value in extra.items()))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_main(label, main, args, environment=None):
    """Call main() with args (internal `_ansible_*` keys included) in this process. Returns (stdout, stderr) as a
    module process would have printed them: the result JSON on stdout. A main() that raises (a bug, or a changed
    internal) gives a failed result that names the exception, with the traceback where Ansible puts a module
    process's, in module_stderr; it may have written before it raised, and says so."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with _environment(environment or {}), _module_process_state(args), \
            contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main()
        except SystemExit:
            pass
        except Exception as exc:  # pylint: disable=broad-except
            crash = {'failed': True, 'module_stderr': traceback.format_exc(),
                     'msg': 'MODULE FAILURE: %s ended with %s: %s. It may have written to %s before that; this '
                            'cannot tell: run the task again (it reads before it writes) to see what holds. A bug: '
                            'please report it with the module_stderr of this result.'
                            % (label, type(exc).__name__, exc, object_named(label, args))}
            stdout.write('\n' + json.dumps(crash))
    return stdout.getvalue(), stderr.getvalue()


def run_module(name, args, environment=None):
    """Run the module plugin `name` (a short name of this collection, or a FQCN) in this process; see run_main. A
    module that cannot be imported gives a failed result naming the exception."""
    label = name if '.' in name else COLLECTION + '.' + name

    def main():
        importlib.import_module(module_import_path(name)).main()
    return run_main(label, main, args, environment)


def last_json(text):
    """The result a module printed: its last line that is a JSON object, or None."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith('{'):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def module_result(parse, raw):
    """A module's output as _execute_module returns it: parsed by parse (an action's _parse_returned_data) and cleaned
    the way this ansible-core does."""
    parsed = parse(raw, PROFILE) if get_module_encoder is not None else parse(raw)
    if hasattr(parsed, 'as_result_dict'):  # ansible-core 2.21 and later: a task result object
        parsed.remove_internal_keys()
        return parsed.as_result_dict(for_round_trip=True)
    remove_internal_keys(parsed)
    return parsed


# ---- the ansible-core internals the runner relies on, checked before it relies on them ----

def _parameters(function):
    return list(inspect.signature(function).parameters)


def _probe_main():
    """A tiny module: a no_log option, a warning and a deprecation that quote it, check mode and diff."""
    module = basic.AnsibleModule(argument_spec=dict(secret=dict(type='str', no_log=True), name=dict(type='str')),
                                 supports_check_mode=True)
    module.warn('probe warning %s' % module.params['secret'])
    module.exit_json(changed=not module.check_mode, name=module.params['name'], diff=dict(before='', after='x'))


class _ParseOnly:
    """What _parse_returned_data reads of its action outside its error paths: nothing but this."""
    _used_interpreter = None


def _self_run_problem():
    """None when the probe module, run and parsed as the tasks are, gives the result a module process gives."""
    stdout, stderr = run_main('probe', _probe_main, {'secret': PROBE_SECRET, 'name': 'probe',
                                                     '_ansible_check_mode': True, '_ansible_diff': True})
    parse = functools.partial(ActionBase._parse_returned_data, _ParseOnly())
    result = module_result(parse, {'rc': 0, 'stdout': stdout, 'stderr': stderr})
    if result.get('failed') or 'name' not in result:
        return 'a module run in the worker gives no result (%s)' % result.get('msg', stdout[-200:])
    if result.get('name') != 'probe' or result.get('changed') is not False:
        return 'a module run in the worker does not get its arguments or check mode'
    if PROBE_SECRET in json.dumps(result.get('invocation', {})):  # 2.22 and later censor in the controller
        return 'a module run in the worker does not censor its no_log arguments'
    if len(result.get('warnings') or []) != 1:
        return 'a module run in the worker does not return its warnings in the result'
    if module_warnings._global_warnings or getattr(module_internal, 'is_controller', True) is not True:
        return 'a module run in the worker leaves its state behind'
    return None


def _problems():
    """Each internal the runner uses, with what is wrong with it in this ansible-core (None when nothing)."""
    profiled = get_module_encoder is not None  # 2.19 and later; what else each core must have follows from it
    yield 'ansible.module_utils.basic._ANSIBLE_ARGS', not hasattr(basic, '_ANSIBLE_ARGS')
    yield 'ansible.module_utils.basic._ANSIBLE_PROFILE', profiled and not hasattr(basic, '_ANSIBLE_PROFILE')
    for name in ('_global_warnings', '_global_deprecations'):
        yield ('ansible.module_utils.common.warnings.%s' % name,
               not callable(getattr(getattr(module_warnings, name, None), 'clear', None)))
    yield ('ansible.module_utils._internal.is_controller',
           profiled and not isinstance(getattr(module_internal, 'is_controller', None), bool))
    yield ('ActionBase._update_module_args(module_name, module_args, task_vars)',
           _parameters(ActionBase._update_module_args)[:4] != ['self', 'module_name', 'module_args', 'task_vars'])
    yield ('ActionBase._compute_environment_string(raw_environment_out)',
           'raw_environment_out' not in _parameters(ActionBase._compute_environment_string))
    yield ('ActionBase._parse_returned_data(res%s)' % (', profile' if profiled else ''),
           _parameters(ActionBase._parse_returned_data) != ['self', 'res'] + (['profile'] if profiled else []))
    yield 'running a module in the worker', _self_run_problem()


_PROBLEM = []  # [None or the first problem] once checked; a forked worker inherits its controller's verdict


def capability_problem():
    """None when the runner can run modules in this process; else which internal is missing or changed. Checked once
    per process; a check that raises is itself the problem."""
    if not _PROBLEM:
        try:
            found = next(('%s: %s' % (name, problem) if isinstance(problem, str) else name
                          for name, problem in _problems() if problem), None)
        except Exception as exc:  # pylint: disable=broad-except
            found = 'checking the ansible-core internals raised %s: %s' % (type(exc).__name__, exc)
        _PROBLEM.append(found)
    return _PROBLEM[0]


def fallback_warning(problem):
    return ('sapcloud.identity runs its modules as module processes (slower, same results): this ansible-core '
            'changed what running them in the worker relies on: %s. Please report it.' % problem)
