"""The collection as users get it: the built tarball installed into a collections path outside the checkout, and the
runbook's install-and-run block (docs/runbook.md, between the installed-cycle markers) run line by line as written,
in a fresh directory, against the emulator: install, preflight, integrate (then again: changed=0, nothing written),
verify, teardown. `inventory/` is the collection's emulator inventory with the emulator's URLs."""

import glob
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, EmulatorProcess
from test_integrate import state_writes

RUNBOOK = os.path.join(REPO, 'docs', 'runbook.md')


def runbook_cycle():
    """The command lines of the runbook's installed-cycle block."""
    with open(RUNBOOK) as handle:
        text = handle.read()
    block = re.search(r'<!-- installed-cycle: start -->\s*```sh\n(.*?)```\s*<!-- installed-cycle: end -->', text, re.S)
    assert block, 'docs/runbook.md has no installed-cycle block'
    return [line for line in block.group(1).splitlines() if line.strip()]


def recap(output):
    """(changed, failed + unreachable) summed over the PLAY RECAP lines."""
    changed = failed = 0
    for line in output.split('PLAY RECAP', 1)[-1].splitlines():
        counts = dict(re.findall(r'(\w+)=(\d+)', line))
        changed += int(counts.get('changed', 0))
        failed += int(counts.get('failed', 0)) + int(counts.get('unreachable', 0))
    return changed, failed


@pytest.fixture
def landscape(tmp_path):
    state_dir = tmp_path / 'emulator'
    state_dir.mkdir()
    emulator = EmulatorProcess(str(state_dir), tenants=3)
    yield emulator
    emulator.stop()


def test_the_runbook_installs_and_runs_the_collection_outside_the_checkout(tmp_path, landscape):
    lines = runbook_cycle()
    work = tmp_path / 'user'
    work.mkdir()
    bindir = os.path.dirname(sys.executable)
    built = subprocess.run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(work),
                            REPO], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    tarball = os.path.basename(glob.glob(str(work / 'sapcloud-identity-*.tar.gz'))[0])
    assert 'ansible-galaxy collection install %s ' % tarball in lines[0], 'the runbook installs another version'
    # The user's inventory: the emulated tenants, with the URLs this emulator listens on.
    shutil.copytree(os.path.join(REPO, 'playbooks', 'inventory', 'emulator'), str(work / 'inventory'))
    (work / 'inventory' / 'group_vars' / 'all').mkdir(parents=True, exist_ok=True)
    shutil.copy(landscape.vars_file, str(work / 'inventory' / 'group_vars' / 'all' / 'emulator.json'))

    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'SAPCLOUD_')))
    env.update(PATH=bindir + os.pathsep + env.get('PATH', ''), ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'), SAPCLOUD_TOKEN_CACHE_DIR=str(tmp_path / 'tokens'),
               SAPCLOUD_RETRY_DELAY_SCALE='0.01')
    exports, runs = [], []
    for line in lines:
        if line.startswith('export '):
            exports.append(line)
            continue
        landscape.reset_stats()
        proc = subprocess.run(['bash', '-c', '\n'.join(['set -e'] + exports + [line])], cwd=str(work), env=env,
                              capture_output=True, text=True, timeout=1800, check=False)
        runs.append((line, proc.returncode, proc.stdout + proc.stderr, state_writes(landscape)))
        assert proc.returncode == 0, '%s\n%s' % (line, (proc.stdout + proc.stderr)[-5000:])

    installed = work / 'collections' / 'ansible_collections' / 'sapcloud' / 'identity'
    assert (installed / 'MANIFEST.json').is_file() and not os.path.islink(str(installed))
    with open(str(installed / 'MANIFEST.json')) as handle:
        assert json.load(handle)['collection_info']['name'] == 'identity'
    # (playbook, output, writes) of each ansible-playbook line
    playbooks = [(re.search(r'sapcloud\.identity\.(\w+)', line).group(1), out, writes)
                 for line, _rc, out, writes in runs if line.startswith('ansible-playbook')]
    assert [run[0] for run in playbooks] == ['preflight', 'integrate', 'integrate', 'verify', 'teardown']
    for name, out, _writes in playbooks:
        assert 'PLAY RECAP' in out and recap(out)[1] == 0, (name, out[-3000:])
        # The playbook ran from the installed copy, not from this checkout (the checkout may hold the venv, whose
        # paths can show in Python warnings: only the collection's own folders count).
        for folder in ('playbooks', 'roles', 'plugins'):
            assert os.path.join(REPO, folder) not in out, (name, folder)
    preflight, first, again, _verify, teardown = playbooks
    assert preflight[2] == 0
    assert recap(first[1])[0] > 0 and first[2] > 0
    assert recap(again[1])[0] == 0 and again[2] == 0, again[1][-3000:]
    assert recap(teardown[1])[0] > 0 and teardown[2] > 0
    # What the runs left in the user's directory: the generated passwords and the summaries.
    assert (work / 'secrets').is_dir() and (work / 'output').is_dir()
