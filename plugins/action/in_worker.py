# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of every module of this collection (meta/runtime.yml plugin_routing routes each module's action
here): runs the module in the task's worker when the task runs on the controller, else as a module process."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import pkgutil

from ansible.utils.display import Display

from ansible_collections.sapcloud.identity.plugins import modules
from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker import (
    InWorkerAction, capability_problem, fallback_warning, module_import_path)


def _prepare_controller():
    """The strategy loads this class in the controller before it forks the workers: what happens here is inherited by
    every worker, once a run. The internals check, said once when it fails; and the modules imported (requests and
    the engine with them). The imports are only a speed-up: a module that cannot be imported fails its own tasks
    when they run, as a module process would."""
    problem = capability_problem()
    if problem:
        Display().warning(fallback_warning(problem))
        return
    for module in pkgutil.iter_modules(modules.__path__):
        try:
            importlib.import_module(module_import_path(module.name))
        except Exception:  # pylint: disable=broad-except
            pass


_prepare_controller()


class ActionModule(InWorkerAction):
    pass
