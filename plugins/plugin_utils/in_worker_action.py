# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin class of every module of this collection: runs the module in the task's worker when the task
runs on the controller, else as a module process (plugin_utils/in_worker.py has the runner and its checks).

Importing this file happens in the controller, before it forks any worker (the strategy loads a task's action
plugin class there): the check of the ansible-core internals runs once a run, and when it fails the run says so
once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker import (
    capability_problem, fallback_warning, last_json, module_import_path, module_result, object_named, run_module)


def _announce_problem():
    problem = capability_problem()
    if problem:
        Display().warning(fallback_warning(problem))


_announce_problem()


class InWorkerAction(ActionBase):
    """The action plugin of every module of this collection: plugins/action/<module>.py subclasses it, as ansible-test
    wants an action plugin file of the same name as its module (the module documents it)."""

    module_fqcn = None  # namespace.collection.module, from the subclass's file

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # ansible_collections.<namespace>.<collection>.plugins.action.<module>
        parts = cls.__module__.split('.')
        cls.module_fqcn = '.'.join(parts[1:3] + parts[-1:])
        # The strategy loads the action plugin class in the controller before it forks the task's worker: importing
        # the module (requests and the engine with it) here leaves it imported in every worker. Only a speed-up: a
        # module that cannot be imported fails its own tasks when they run, as a module process would.
        if not capability_problem():
            try:
                importlib.import_module(module_import_path(cls.module_fqcn))
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
        name = self.module_fqcn
        if not self._runs_in_worker(task_vars) or capability_problem():
            return self._module_process(result, name, task_vars)

        args = dict(self._task.args)
        environment = {}
        try:
            self._update_module_args(name, args, task_vars)
            self._compute_environment_string(environment)
        except Exception as exc:  # pylint: disable=broad-except  # nothing has run yet: the classic way is safe
            return self._module_process(result, name, task_vars, 'preparing the task raised %s: %s'
                                        % (type(exc).__name__, exc))
        stdout, stderr = run_module(name, args, environment)
        raw = {'rc': 0 if stdout.strip() else 1, 'stdout': stdout, 'stderr': stderr}
        try:
            result.update(module_result(self._parse_returned_data, raw))
        except Exception as exc:  # pylint: disable=broad-except
            unread = '%s: %s' % (type(exc).__name__, exc)
            printed = last_json(stdout)
            if printed is not None and not printed.get('changed'):  # it wrote nothing: running it again is safe
                return self._module_process(result, name, task_vars, 'reading the result raised ' + unread)
            result.update(self._unread_result(name, args, printed, unread))
        return result

    def _module_process(self, result, name, task_vars, problem=None):
        """The task as a classic module process; problem: why, when the worker found it during this task."""
        result.update(self._execute_module(module_name=name, task_vars=task_vars))
        if problem:
            result.setdefault('warnings', []).append(fallback_warning(problem))
        return result

    @staticmethod
    def _unread_result(name, args, printed, unread):
        """The module ran and may have written, but this ansible-core could not take its result: fail, keeping the
        write visible."""
        target = object_named(name, args)
        if printed is None:
            return {'failed': True, 'changed': False,
                    'msg': 'The in-worker runner could not read the result of %s (%s) and cannot tell whether it '
                           'wrote: run the task again (it reads before it writes) to see what holds.'
                           % (target, unread)}
        return {'failed': True, 'changed': True,
                'msg': '%s changed %s (its result says so), but this ansible-core could not take the result (%s). '
                       'The change is applied; run the task again to see the object as it is now.'
                       % (name, target, unread)}
