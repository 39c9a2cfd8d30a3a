"""What every part of the fault suite shares: playbook runs (also killable ones), the landscape, and the scans.

Runs go through tests/integration/conftest.py (EmulatorProcess, Ansible); this file adds only what a fault suite
needs on top: runs that can be SIGKILLed or overlap, every output kept for the secret scan, the emulator's state
checked for duplicates, and the passwords S/4HANA holds compared with the ones the collection kept.
"""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from urllib.parse import quote, quote_plus

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
sys.path.insert(0, os.path.join(HERE, '..'))

from conftest import DEMO, REPO, Ansible, EmulatorProcess, InProcess  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

INVENTORY = os.path.join(REPO, 'playbooks', 'inventory', 'emulator')
TENANTS = ('s4_t1', 's4_t2', 's4_t3')
# POSTs that read: token requests and the SOAP worker query.
READ_POSTS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token', '/querybusinessuserin')
# An exception type line of a traceback: "ValueError: ...", "ansible.errors.AnsibleError: ...".
# The collection's own exceptions, raised on purpose and turned into a clean failure by plumbing.module.run.
OWN_ERRORS = tuple('ansible_collections.sapcloud.identity.plugins.module_utils.%s' % name for name in (
    'errors.ValidationError', 'errors.PartialChange', 'errors.MissingOption', 'protocols.http_client.ApiError'))
EXCEPTION_LINE = re.compile(r'^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Failure|Interrupt|Warning))(?::|$)', re.M)


class Suite:
    """One emulator, one Ansible harness, and the record of every run: the number, outputs and files to scan."""

    def __init__(self, workdir, tenants=3, mtls=False):
        self.workdir = workdir
        os.makedirs(os.path.join(workdir, 'ansible-tmp'), exist_ok=True)
        state_dir = os.path.join(workdir, 'emulator')
        os.makedirs(state_dir, exist_ok=True)
        self.emulator = EmulatorProcess(state_dir, tenants=tenants, mtls=mtls)
        self.ansible = Ansible(self.emulator, workdir)
        self.runs = 0
        self.texts = []  # (label, text) of every output, log and result file, for the scans
        self.extra_secrets = set()
        self.tokens = set()  # every access token the emulator issued during the suite

    def stop(self):
        self.emulator.stop()

    # ---- runs ----

    def dirs(self, case):
        """extra vars giving a case its own secrets and output folders (a reset landscape needs fresh ones)."""
        base = os.path.join(self.workdir, 'cases', case)
        return {'sapcloud_secrets_dir': os.path.join(base, 'secrets'), 'sapcloud_output_dir': os.path.join(base, 'output')}

    def env(self, label, extra=None):
        env = {'ANSIBLE_DISPLAY_TRACEBACK': 'error',
               'ANSIBLE_LOG_PATH': os.path.join(self.workdir, 'logs', label + '.log')}
        os.makedirs(os.path.dirname(env['ANSIBLE_LOG_PATH']), exist_ok=True)
        env.update(extra or {})
        return env

    def playbook(self, label, playbook, extra_vars=None, env=None, **kwargs):
        """A run to its end; output, log and results are kept for the scans."""
        self.runs += 1
        path = playbook if not isinstance(playbook, str) or os.path.isabs(playbook) else \
            os.path.join(REPO, 'playbooks', playbook)
        if isinstance(playbook, str):
            kwargs.setdefault('inventory', INVENTORY)
        run_env = self.env(label, env)
        run = self.ansible.playbook(path, extra_vars=extra_vars, env=run_env, **kwargs)
        self.keep(label, run.output, run_env['ANSIBLE_LOG_PATH'], results_of(run))
        return run

    def start(self, label, playbook, extra_vars=None, env=None, limit=None):
        """A run in the background (its own process group, so SIGKILL reaches its workers): (Popen, files)."""
        self.runs += 1
        self.ansible.counter += 1
        run_env = self.ansible.env(self.env(label, env))
        results = os.path.join(self.workdir, 'results-%d.jsonl' % self.ansible.counter)
        run_env['TASK_RESULTS_FILE'] = results
        out = os.path.join(self.workdir, 'out-%d.txt' % self.ansible.counter)
        cmd = [os.path.join(self.ansible.bindir, 'ansible-playbook'), os.path.join(REPO, 'playbooks', playbook),
               '-i', INVENTORY, '-e', '@' + self.emulator.vars_file]
        for key, value in (extra_vars or {}).items():
            cmd += ['-e', json.dumps({key: value})]
        if limit:
            cmd += ['--limit', limit]
        handle = open(out, 'w')
        proc = subprocess.Popen(cmd, cwd=REPO, env=run_env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)
        handle.close()
        return proc, {'label': label, 'out': out, 'results': results, 'log': run_env['ANSIBLE_LOG_PATH']}

    def finish(self, proc, files, kill_at=None):
        """Wait for a background run; with kill_at=(writes, seconds), SIGKILL its process group that many seconds
        after the emulator counted that many state writes (a point in the run's progress, whatever the machine's
        speed). Returns (rc, output)."""
        if kill_at is not None:
            writes, delay = kill_at
            if wait_for(lambda: self.state_writes() >= writes or proc.poll() is not None, timeout=600):
                time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        rc = proc.wait(1800)
        with open(files['out']) as handle:
            output = handle.read()
        results = open(files['results']).read() if os.path.exists(files['results']) else ''
        self.keep(files['label'], output, files['log'], results)
        return rc, output

    def collect_tokens(self):
        """Remember the access tokens the emulated token services hold now (a reset forgets them)."""
        for host in self.emulator.stats()['hosts']:
            try:
                self.tokens.update(t for t in self.emulator.state(host).get('tokens', {}) if t)
            except Exception:  # pylint: disable=broad-except  # a host without state to read
                continue

    def keep(self, label, output, log_path, results):
        self.collect_tokens()
        self.texts.append((label + ' output', output))
        self.texts.append((label + ' results', results))
        if log_path and os.path.exists(log_path):
            with open(log_path, errors='replace') as handle:
                self.texts.append((label + ' log', handle.read()))

    # ---- the landscape ----

    def state_writes(self):
        """Requests that may change state, as the emulator counted them (not token requests or SOAP reads)."""
        return sum(n for host in self.emulator.stats()['hosts'].values() for call, n in host['paths'].items()
                   if not call.startswith('GET ') and not call.endswith(READ_POSTS))

    def landscape(self, tenants=TENANTS):
        """What the integration creates, by name, on every emulated host it uses."""
        out = {}
        for tenant in tenants:
            state = self.emulator.state(tenant)
            users = dict((u['ID'], u['Name']) for u in state['users'].values())
            systems = dict((s['UUID'], s['ID']) for s in state['systems'].values())
            out[tenant] = {
                'users': sorted(users.values()),
                'systems': sorted(systems.values()),
                'inbound': sorted('%s/%s' % (systems.get(i['CommunicationSystemUUID']), users.get(i['CommunicationUserID']))
                                  for i in state['inbound_users'].values()),
                'outbound': sorted('%s/%s' % (systems.get(o['CommunicationSystemUUID']), o.get('Name'))
                                   for o in state['outbound_users'].values()),
                'arrangements': sorted(a.get('CommunicationArrangementName') or a.get('Name') or ''
                                       for a in state['arrangements'].values()),
            }
        out['neo_destinations'] = sorted('%s/%s' % (level, name) for level, names
                                         in self.emulator.state('neo_configapi')['destinations'].items() for name in names)
        out['neo_roles'] = self.emulator.state('neo_api')['apps']
        out['ips'] = sorted(s['name'] for s in self.emulator.state('ips')['systems'].values())
        out['idm'] = sorted(r['name'] for r in self.emulator.state('idm')['repositories'].values())
        return out

    def duplicates(self, tenants=TENANTS):
        """Objects that exist twice under the same natural key, across every host the integration writes to."""
        found = []
        for host, tables in self.landscape(tenants).items():
            if not isinstance(tables, dict):
                tables = {'': tables}
            for table, names in tables.items():
                if isinstance(names, list):
                    found += ['%s %s %s' % (host, table, n) for n in sorted(set(names)) if names.count(n) > 1]
        for app, entry in self.emulator.state('neo_api')['apps'].items():
            for role, members in entry.get('roles', {}).items():
                found += ['neo_api %s %s %s' % (app, role, m) for m in set(members) if members.count(m) > 1]
        return found

    def password_mismatches(self, case, tenants=TENANTS):
        """Communication users whose password in S/4HANA (and in the Neo destination to them) differs from the file
        the collection keeps; a user without its file counts too."""
        secrets = self.dirs(case)['sapcloud_secrets_dir']
        # The destination to a tenant is the one whose URL is the tenant's (every tenant's user has the same name).
        destinations = dict((d.get('URL'), d) for names in
                            self.emulator.state('neo_configapi')['destinations'].values() for d in names.values())
        problems = []
        for tenant in tenants:
            for user in self.emulator.state(tenant)['users'].values():
                if user['Name'] == DEMO['s4_admin_user']:
                    continue
                path = os.path.join(secrets, tenant, user['Name'])
                kept = open(path).read().strip() if os.path.exists(path) else None
                self.extra_secrets.add(user.get('Password') or '')
                if kept != user.get('Password'):
                    problems.append('%s %s: S/4 password differs from %s' % (tenant, user['Name'], path))
            destination = destinations.get(self.emulator.url(tenant))
            if destination:
                named = [u for u in self.emulator.state(tenant)['users'].values() if u['Name'] == destination.get('User')]
                if not named or named[0].get('Password') != destination.get('Password'):
                    problems.append('%s: the Neo destination names %s with a password S/4 does not hold for it'
                                    % (tenant, destination.get('User')))
        return problems


def results_of(run):
    return '\n'.join(json.dumps(r) for r in run.results)


# ---- scans ----

def unhandled_exceptions(text):
    """Exception types that ended a traceback chain without being turned into a deliberate error.

    With ANSIBLE_DISPLAY_TRACEBACK=error Ansible prints a traceback for every failure, including a module's
    fail_json and a plugin's AnsibleError, and with them the exceptions they were raised from. A chain ("direct
    cause" / "during handling") that ends in an ansible.* type or one of the collection's own errors was handled;
    a chain that ends in anything else (ValueError, PermissionError, requests.exceptions...) was not. MODULE
    FAILURE and Ansible's "unhandled exception" wording count too.
    """
    found = []
    blocks = text.split('Traceback (most recent call last):')[1:]
    for index, block in enumerate(blocks):
        names = EXCEPTION_LINE.findall(block)
        if not names:
            continue
        continued = index + 1 < len(blocks) and re.search(r'direct cause of the following|During handling of the above',
                                                          block)
        last = names[-1]
        if not continued and not last.startswith('ansible.') and not last.startswith(OWN_ERRORS):
            found.append(last)
    found += ['MODULE FAILURE'] * text.count('MODULE FAILURE')
    found += ['unhandled exception'] * len(re.findall(r'unhandled exception', text, re.I))
    return found


def encodings(secret, user=None):
    """Every form a secret could leak in: plain, URL, JSON, .properties escaping, and base64 at every alignment (the
    secret inside a longer encoded text, such as a Basic header's user:secret), also of user:secret itself."""
    forms = {secret, quote(secret, safe=''), quote_plus(secret), json.dumps(secret)[1:-1],
             re.sub(r'([:=#!\\ ])', r'\\\1', secret)}
    forms.update(base64_cores(secret.encode()))
    if user:
        forms.add(base64.b64encode(('%s:%s' % (user, secret)).encode()).decode().rstrip('='))
    return set(f for f in forms if len(f) >= 8)


def base64_cores(data):
    """The base64 characters that encode data whatever bytes come before and after it: for each of the three
    alignments, the encoding of data behind 0, 1 or 2 other bytes, without the characters those bytes or the
    following ones share."""
    cores = []
    for offset in range(3):
        encoded = base64.b64encode(b'\0' * offset + data).decode()
        start = (offset * 4 + 2) // 3  # characters that hold bits of the bytes in front
        end = ((offset + len(data)) // 3) * 4  # characters of complete groups only
        cores.append(encoded[start:end])
    return cores


def secret_hits(texts, secrets):
    """(label, form) for every secret form found in any kept text."""
    hits = []
    for label, text in texts:
        for user, secret in secrets:
            for form in encodings(secret, user):
                if form in text:
                    hits.append((label, '%s of %s' % ('encoded form' if form != secret else 'plain secret',
                                                      user or 'a secret')))
    return hits


def demo_secrets():
    pairs = (('s4_admin_user', 's4_admin_password'), ('neo_platform_client_id', 'neo_platform_client_secret'),
             ('neo_oauth_client_id', 'neo_oauth_client_secret'), ('cf_client_id', 'cf_client_secret'),
             ('ias_client_id', 'ias_client_secret'), ('ips_admin_user', 'ips_admin_password'),
             ('idm_admin_user', 'idm_admin_password'))
    return [(DEMO[user], DEMO[secret]) for user, secret in pairs]


def wait_for(predicate, timeout=60, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def kept_passwords(workdir):
    """(user, password) of every password file the runs of the suite wrote (<secrets>/<tenant>/<user>)."""
    found = []
    for root, _dirs, files in os.walk(os.path.join(workdir, 'cases')):
        if os.sep + 'secrets' in root:
            for name in files:
                with open(os.path.join(root, name)) as handle:
                    found.append((name, handle.read().strip()))
    return found


def files_under(workdir, folder_name):
    """(label, text) of every file below each folder called folder_name under workdir."""
    found = []
    for root, _dirs, files in os.walk(workdir):
        if folder_name not in root.split(os.sep):
            continue
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, 'rb') as handle:
                    found.append(('%s file %s' % (folder_name, os.path.relpath(path, workdir)),
                                  handle.read().decode('utf-8', 'replace')))
            except OSError:
                continue
    return found
