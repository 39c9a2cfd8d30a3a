# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one of the collection's modules inside the worker process Ansible forked for the task.

The modules only talk HTTP to SAP services, and the shipped playbooks run them with `connection: local`. A module
task normally starts a fresh Python (AnsiballZ: build, transfer, interpreter start, imports) for each task and host;
that start-up was about 85% of a no-op run. When the task would run on the controller anyway, the action plugin
calls the same module `main()` in the worker instead: the same AnsibleModule argument spec, check mode, diff,
no_log censoring and result, without the new process. Anything else (another connection, become, async, or
`sapcloud_in_worker: false`) runs the module the classic way.

`run_module` is also what the tests use to run a module in-process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import importlib
import inspect
import io
import json
import os
import traceback

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

try:  # ansible-core 2.21 and later clean a parsed module result through its own object
    from ansible.vars.clean import remove_internal_keys
except ImportError:
    remove_internal_keys = None

try:  # ansible-core 2.19 and later serialise module arguments with a profile
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:
    Direction = get_module_encoder = None


MODULES = 'ansible_collections.sapcloud.identity.plugins.modules.'
PROFILE = 'legacy'  # the serialisation profile Ansible uses for modules that do not name one


def _encoded_args(args):
    payload = {'ANSIBLE_MODULE_ARGS': args}
    if get_module_encoder is None:
        return json.dumps(payload).encode()
    return json.dumps(payload, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)).encode()


def _clear_module_messages():
    """Warnings and deprecations are module-level globals in AnsibleModule; a fresh process starts without any."""
    for name in ('_global_warnings', '_global_deprecations'):
        collected = getattr(module_warnings, name, None)
        if collected is not None:
            collected.clear()


@contextlib.contextmanager
def _module_args(args):
    saved = dict((name, getattr(basic, name)) for name in ('_ANSIBLE_ARGS', '_ANSIBLE_PROFILE', '_PARSED_MODULE_ARGS')
                 if hasattr(basic, name))
    basic._ANSIBLE_ARGS = _encoded_args(args)
    if '_ANSIBLE_PROFILE' in saved:
        basic._ANSIBLE_PROFILE = PROFILE
    _clear_module_messages()
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(basic, name, value)
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


def run_module(name, args, environment=None):
    """Run plugins/modules/<name>.py's main() with args (internal `_ansible_*` keys included) in this process.
    Returns (stdout, stderr) as a module process would have printed them: the result JSON on stdout. A module that
    cannot be imported or raises an unhandled exception (a bug) gives a failed result that names the exception,
    with the traceback where Ansible puts a module process's, in module_stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with _environment(environment or {}), _module_args(args), \
            contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            importlib.import_module(MODULES + name).main()
        except SystemExit:
            pass
        except Exception as exc:  # pylint: disable=broad-except
            crash = {'failed': True, 'module_stderr': traceback.format_exc(),
                     'msg': 'MODULE FAILURE: sapcloud.identity.%s ended with %s: %s (a bug: please report it with the '
                            'module_stderr of this result)' % (name, type(exc).__name__, exc)}
            stdout.write('\n' + json.dumps(crash))
    return stdout.getvalue(), stderr.getvalue()


class InWorkerAction(ActionBase):
    """Action plugin for a module of this collection; subclasses name the module."""

    module = None  # the module's short name, set by each action plugin

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The strategy loads every action plugin class in the controller before it forks the task's worker: importing
        # the module (requests and the engine with it) here leaves it imported in every worker. Only a speed-up: a
        # module that cannot be imported fails its own tasks when they run, as a module process would.
        try:
            importlib.import_module(MODULES + cls.module)
        except Exception:  # pylint: disable=broad-except
            pass

    def _runs_in_worker(self, task_vars):
        wanted = task_vars.get('sapcloud_in_worker', os.environ.get('SAPCLOUD_IN_WORKER', True))
        return (boolean(wanted, strict=False)
                and getattr(self._connection, 'transport', None) == 'local'
                and not self._play_context.become
                and not self._task.async_val)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(InWorkerAction, self).run(tmp, task_vars)
        name = 'sapcloud.identity.' + self.module
        if not self._runs_in_worker(task_vars):
            result.update(self._execute_module(module_name=name, task_vars=task_vars))
            return result

        args = dict(self._task.args)
        self._update_module_args(name, args, task_vars)
        environment = {}
        self._compute_environment_string(environment)
        stdout, stderr = run_module(self.module, args, environment)
        raw = {'rc': 0 if stdout.strip() else 1, 'stdout': stdout, 'stderr': stderr}
        result.update(self._module_result(raw))
        return result

    def _module_result(self, raw):
        """The module's result as _execute_module returns it, parsed and cleaned the way this ansible-core does."""
        if 'profile' in inspect.signature(self._parse_returned_data).parameters:
            parsed = self._parse_returned_data(raw, PROFILE)
        else:  # ansible-core before 2.19 has no serialisation profiles
            parsed = self._parse_returned_data(raw)
        if hasattr(parsed, 'as_result_dict'):  # ansible-core 2.21 and later: a task result object
            parsed.remove_internal_keys()
            return parsed.as_result_dict(for_round_trip=True)
        remove_internal_keys(parsed)
        return parsed
