"""Integration test harness: a real emulator process, modules run in-process against it, and real
ansible-playbook runs where only Ansible can show the behaviour.

Fixtures:
- `emulator` (session): the emulator on free loopback ports, demo prerequisites seeded. Methods read its
  HTTP-layer stats, so "0 writes" is measured by the server, never taken from a module's own report.
- `module`: runs one module's main() in the test process with given arguments and check/diff mode (what the
  collection's action plugins do in a task's worker), and returns its result with the requests the emulator saw.
  For the module contract: check, apply, re-apply at 0 writes, update, absent, bad input, request counts.
- `ansible`: runs playbooks or single module tasks through ansible-playbook; every task result is collected
  through a test-only callback. For what needs Ansible: no_log and -vvv output, module_defaults and action
  groups, roles and playbooks.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import requests
import yaml
from ansible.plugins.loader import init_plugin_loader

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TESTS = os.path.join(REPO, 'tests')
sys.path.insert(0, TESTS)

from emulator.demo import DEMO  # noqa: E402  pylint: disable=wrong-import-position

# One line per ansible-playbook process a pytest session starts, in a file per process (xdist workers included) of
# a directory the session's controller makes and names in this variable; its summary prints their number.
RUNS_DIR_VARIABLE = 'SAPCLOUD_TEST_PLAYBOOK_RUNS'


def collections_path():
    """A tree whose path ends in ansible_collections/sapcloud/identity, linking this checkout."""
    root = os.path.join(REPO, '.build', 'collections')
    link = os.path.join(root, 'ansible_collections', 'sapcloud', 'identity')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    return root


init_plugin_loader([collections_path()])  # in-process runs import the collection through Ansible's finder
from in_process import module_result  # noqa: E402  pylint: disable=wrong-import-position


class EmulatorProcess:
    def __init__(self, state_dir, tenants=3, tls=False, args=(), mtls=False):
        self.state_dir = state_dir
        cmd = [sys.executable, '-m', 'emulator', '--base-port', '0', '--state-dir', state_dir,
               '--tenants', str(tenants), '--seed-demo'] + (['--tls'] if tls else []) + (['--mtls'] if mtls else []) \
            + list(args)
        env = dict(os.environ, PYTHONPATH=TESTS)
        self.log = open(os.path.join(state_dir, 'emulator.log'), 'w')
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        vars_file = os.path.join(state_dir, 'vars.json')
        # A deadline, not a count of attempts: with every test stage on two cores, start-up can take many seconds.
        deadline = time.monotonic() + 120
        while not os.path.exists(vars_file):
            if self.proc.poll() is not None:
                raise RuntimeError('emulator exited: %s' % open(self.log.name).read())
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError('emulator did not start in 120 s: %s' % open(self.log.name).read())
            time.sleep(0.05)
        self.vars_file = vars_file
        with open(vars_file) as handle:
            self.vars = json.load(handle)
        self.urls = self.vars['emulator_urls']
        self.demo = DEMO
        self.ca_path = self.vars.get('emulator_ca_path')
        self.control = next(iter(self.urls.values())) + '/_emulator'

    def url(self, host):
        return self.urls[host]

    def _call(self, method, action, **kwargs):
        response = requests.request(method, '%s/%s' % (self.control, action), timeout=30,
                                    verify=self.ca_path or True, **kwargs)
        response.raise_for_status()
        return response.json()

    def stats(self):
        return self._call('GET', 'stats')

    def requests_log(self):
        return self._call('GET', 'stats', params={'log': '1'})['log']

    def writes(self, host=None):
        stats = self.stats()
        if host:
            return stats['hosts'].get(host, {}).get('writes', 0)
        return stats['total']['writes']

    def requests(self, host=None):
        stats = self.stats()
        if host:
            return stats['hosts'].get(host, {}).get('requests', 0)
        return stats['total']['requests']

    def reset_stats(self):
        self._call('POST', 'stats/reset')

    def reset(self, host=None, seed_demo=True):
        """Back to the initial state (and the demo seed) for one host or all."""
        self._call('POST', 'reset', json={'host': host} if host else {})
        if seed_demo:
            for name in [host] if host else list(self.urls):
                self.seed(name, None)
        self.reset_stats()

    def seed(self, host, data):
        """Seed a host; data None seeds its demo prerequisites."""
        return self._call('POST', 'seed', json={'host': host, 'data': data if data is not None else 'demo'})

    def fault(self, **fault):
        return self._call('POST', 'faults', json=fault)

    def clear_faults(self):
        return self._call('DELETE', 'faults')

    def state(self, host):
        return self._call('GET', 'state', params={'host': host})

    def variants(self, host, names):
        """Apply tenant variants (tests/emulator/variants.py) to a host; [] back to the base emulator."""
        return self._call('POST', 'variants', json={'host': host, 'names': list(names)})

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Run:
    """One ansible-playbook run: rc, output and every task result (from the task_results callback)."""

    def __init__(self, proc, results_file):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = []
        if os.path.exists(results_file):
            with open(results_file) as handle:
                self.results = [json.loads(line) for line in handle if line.strip()]

    @property
    def output(self):
        return self.stdout + self.stderr

    def task(self, name, host=None):
        """The last result of the task whose name is `name` (for one host when given)."""
        matches = [r for r in self.results if r['task'] == name and (host is None or r['host'] == host)]
        assert matches, 'no result for task %r in %s' % (name, [r['task'] for r in self.results])
        return matches[-1]

    def changed_tasks(self, host=None):
        return [r for r in self.results if r['changed'] and (host is None or r['host'] == host)]

    def failed_tasks(self):
        return [r for r in self.results if r['failed'] and not r['result'].get('_ansible_ignore_errors')]


class TaskResult:
    """The result of a one-task playbook."""

    def __init__(self, run):
        self.run = run
        entries = [r for r in run.results if r['task'] == 'under test']
        self.entry = entries[-1] if entries else {'changed': False, 'failed': True, 'result': {}}
        self.data = self.entry['result']
        self.changed = self.entry['changed']
        self.failed = self.entry['failed']
        self.msg = self.data.get('msg', '')

    def __repr__(self):
        return 'TaskResult(changed=%s, failed=%s, msg=%r)' % (self.changed, self.failed, self.msg)


class Ansible:
    def __init__(self, emulator, workdir):
        self.emulator = emulator
        self.workdir = workdir
        self.counter = 0
        self.bindir = os.path.dirname(sys.executable)

    def env(self, extra=None):
        env = dict(os.environ)
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': collections_path(),
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(TESTS, 'integration', 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'task_results',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.workdir, 'ansible-tmp'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(self.workdir, 'ansible-tmp'),
            'SAPCLOUD_RETRY_DELAY_SCALE': '0.01',
            'SAPCLOUD_TOKEN_CACHE_DIR': os.path.join(self.workdir, 'token-cache'),
            'PATH': self.bindir + os.pathsep + env.get('PATH', ''),
        })
        if self.emulator.ca_path:
            env['SAPCLOUD_CA_PATH'] = self.emulator.ca_path
        env.update(extra or {})
        return env

    def playbook(self, playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None, tags=None,
                 skip_tags=None, inventory=None, forks=None, limit=None, args=()):
        """Run a playbook (a path, or a list of plays written to a file) with the emulator's vars."""
        self.counter += 1
        if not isinstance(playbook, str):
            path = os.path.join(self.workdir, 'play-%d.yml' % self.counter)
            with open(path, 'w') as handle:
                yaml.safe_dump(playbook, handle, sort_keys=False)
            playbook = path
        results_file = os.path.join(self.workdir, 'results-%d.jsonl' % self.counter)
        cmd = [os.path.join(self.bindir, 'ansible-playbook'), playbook, '-e', '@' + self.emulator.vars_file]
        if inventory:
            cmd += ['-i', inventory]
        for key, value in (extra_vars or {}).items():
            cmd += ['-e', json.dumps({key: value})]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if verbosity:
            cmd.append('-' + 'v' * verbosity)
        if tags:
            cmd += ['--tags', tags]
        if skip_tags:
            cmd += ['--skip-tags', skip_tags]
        if forks:
            cmd += ['--forks', str(forks)]
        if limit:
            cmd += ['--limit', limit]
        cmd += list(args)
        run_env = self.env(env)
        run_env['TASK_RESULTS_FILE'] = results_file
        runs_dir = os.environ.get(RUNS_DIR_VARIABLE)
        if runs_dir:
            os.makedirs(runs_dir, exist_ok=True)
            with open(os.path.join(runs_dir, 'runs-%d' % os.getpid()), 'a') as handle:
                handle.write(playbook + '\n')
        proc = subprocess.run(cmd, cwd=REPO, env=run_env, capture_output=True, text=True, timeout=1800, check=False)
        return Run(proc, results_file)

    def task(self, module, args, check=False, diff=False, defaults=None, verbosity=0, env=None, extra_vars=None):
        """Run one module as task 'under test' on localhost. defaults: module_defaults for the task."""
        task = {'name': 'under test', module: args}
        if defaults:
            task['module_defaults'] = {module: defaults}
        play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}]
        run = self.playbook(play, check=check, diff=diff, verbosity=verbosity, env=env, extra_vars=extra_vars)
        return TaskResult(run)


class ModuleResult:
    """The result of one in-process module run, shaped like TaskResult, plus the requests it made."""

    def __init__(self, data, requests_log):
        self.data = data
        self.changed = bool(data.get('changed'))
        self.failed = bool(data.get('failed'))
        self.msg = data.get('msg', '')
        self.requests_log = requests_log  # what the emulator saw during the run: [{host, method, path}]

    def __repr__(self):
        return 'ModuleResult(changed=%s, failed=%s, msg=%r)' % (self.changed, self.failed, self.msg)


class InProcess:
    """Runs a module's main() in this process, with the environment the tests' ansible-playbook runs have."""

    def __init__(self, emulator, workdir):
        self.emulator = emulator
        self.workdir = workdir

    def env(self, extra=None):
        env = {'SAPCLOUD_RETRY_DELAY_SCALE': '0.01',
               'SAPCLOUD_TOKEN_CACHE_DIR': os.path.join(self.workdir, 'token-cache')}
        if self.emulator.ca_path:
            env['SAPCLOUD_CA_PATH'] = self.emulator.ca_path
        env.update(extra or {})
        return env

    def task(self, module, args, check=False, diff=False, defaults=None, env=None, log=False):
        """Run module (FQCN) with args over defaults (as module_defaults would). A module that ends without a JSON
        result (an unhandled exception) comes back failed, with its stderr as msg. log: also collect the requests
        the emulator saw during the run."""
        full = dict(defaults or {})
        full.update(args)
        full.update(_ansible_check_mode=check, _ansible_diff=diff, _ansible_module_name=module)
        before = len(self.emulator.requests_log()) if log else 0
        data = module_result(module.split('.')[-1], full, self.env(env))
        seen = self.emulator.requests_log()[before:] if log else []
        return ModuleResult(data, [dict((k, e[k]) for k in ('host', 'method', 'path')) for e in seen])


@pytest.fixture(scope='session')
def emulator():
    state_dir = tempfile.mkdtemp(prefix='sapcloud-emulator-')
    process = EmulatorProcess(state_dir)
    yield process
    process.stop()
    shutil.rmtree(state_dir, ignore_errors=True)


def mtls_emulator(tmp_path_factory, name, **options):
    """An emulator with mutual TLS for a module-scoped fixture (yield from it), its test client CA as .client_ca."""
    from emulator import certs
    state_dir = str(tmp_path_factory.mktemp(name))
    process = EmulatorProcess(state_dir, mtls=True, **options)
    process.client_ca = certs.Authority.load(state_dir)
    yield process
    process.stop()
    shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture
def module(emulator, tmp_path):
    return InProcess(emulator, str(tmp_path))


def pytest_configure(config):
    if not hasattr(config, 'workerinput'):  # the controller, before it starts any xdist worker (they inherit it)
        os.environ[RUNS_DIR_VARIABLE] = os.path.join(tempfile.gettempdir(), 'sapcloud-playbook-runs-%d' % os.getpid())


def pytest_terminal_summary(terminalreporter):
    if hasattr(terminalreporter.config, 'workerinput'):
        return
    runs_dir = os.environ.get(RUNS_DIR_VARIABLE, '')
    runs = 0
    for name in os.listdir(runs_dir) if os.path.isdir(runs_dir) else []:
        with open(os.path.join(runs_dir, name)) as handle:
            runs += sum(1 for line in handle)
    terminalreporter.write_line('ansible-playbook runs: %d' % runs)
    shutil.rmtree(runs_dir, ignore_errors=True)


@pytest.fixture
def ansible(emulator, tmp_path):
    os.makedirs(os.path.join(str(tmp_path), 'ansible-tmp'), exist_ok=True)
    return Ansible(emulator, str(tmp_path))


def s4_connection(emulator, tenant='s4_t1'):
    """module_defaults for the s4 modules: the tenant URL and its SAP_COM_0A48 bootstrap user."""
    return {'api_url': emulator.url(tenant), 'api_user': DEMO['s4_admin_user'],
            'api_password': DEMO['s4_admin_password']}
