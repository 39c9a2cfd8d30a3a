"""The in-worker runner's result equals a module process's on the same task: result, diff, warnings, deprecations
and the masking ansible-core applies to a no_log value quoted in a warning or deprecation (2.16 masks it in the
module, 2.22 redacts it in the controller, 2.19 shows it in both shapes: the runner does as a module process does)."""

import os
import sys

from conftest import collections_path
from probe_collection import parity_play, write_probe_collection

SECRET = 'Parity-Probe-Secret-2026'


def section(output, task):
    """The output of one task: from its TASK banner to the next."""
    return output.split('TASK [%s]' % task, 1)[1].split('TASK [', 1)[0].split('PLAY RECAP', 1)[0]


def test_worker_and_module_process_give_the_same_result_and_masking(ansible, tmp_path):
    probe = write_probe_collection(str(tmp_path / 'probe'))
    run = ansible.playbook(parity_play(SECRET, sys.executable), verbosity=3,
                           env={'ANSIBLE_COLLECTIONS_PATH': os.pathsep.join([collections_path(), probe]),
                                'ANSIBLE_DEPRECATION_WARNINGS': '1'})
    assert run.rc == 0, run.output[-4000:]
    worker, process = run.task('in the worker')['result'], run.task('as a module process')['result']
    for key in ('changed', 'msg', 'diff', 'warnings', 'deprecations'):
        assert worker.get(key) == process.get(key), key
    assert worker['warnings'] and worker['deprecations'] and worker['diff']
    # The worker really ran in the worker; the module process really started a process.
    assert 'AnsiballZ_warn_secret' not in section(run.output, 'in the worker')
    assert 'AnsiballZ_warn_secret' in section(run.output, 'as a module process')
    # The secret is shown (or masked) in warnings and deprecations exactly as the module process shows it.
    shown = [section(run.output, task).count(SECRET) for task in ('in the worker', 'as a module process')]
    assert shown[0] == shown[1], shown
    assert (SECRET in str(worker['warnings'])) == (SECRET in str(process['warnings']))
    assert (SECRET in str(worker['deprecations'])) == (SECRET in str(process['deprecations']))
