# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: appends every task result as one JSON line to $TASK_RESULTS_FILE."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
name: task_results
type: aggregate
short_description: write task results as JSON lines for the integration tests
description: Test-only. Appends one JSON object per task result to the file named by TASK_RESULTS_FILE.
requirements: [enabled in callbacks_enabled]
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_results'
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, status):
        path = os.environ.get('TASK_RESULTS_FILE')
        if not path:
            return
        data = self._clean(result)
        entry = {'task': result.task_name, 'action': result._task.action, 'host': result._host.get_name(),
                 'status': status, 'changed': bool(data.get('changed')), 'failed': status == 'failed',
                 'result': data}
        with open(path, 'a') as handle:
            handle.write(json.dumps(entry, default=str) + '\n')

    @staticmethod
    def _clean(result):
        try:
            return json.loads(json.dumps(result._result, default=str))
        except (TypeError, ValueError):
            return {'unserializable': True}

    def v2_runner_on_ok(self, result):
        self._write(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._write(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._write(result, 'unreachable')
