"""The fault matrix, the interruptions, the overlapping runs and the runs that show the most (check, diff, -vvv).

Every case starts from a reset emulator (the demo prerequisites only) and its own secrets folder, except the
rotations, which follow each other (the users alternate between _A and _B). After every run the emulator's state is
checked for duplicates; a run that fails must fail cleanly (each failed task names the host, the request and the
HTTP status, or "no response"); the re-run must converge to the same landscape as a clean run, with the passwords
S/4HANA holds equal to the ones the collection kept.
"""

import os
import re
import threading
import time

import yaml

from harness import wait_for

USER_A, USER_B = 'IDM_IPS_PROXY_A', 'IDM_IPS_PROXY_B'
GUID = r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
# A failed request as transport.ApiError words it: "... on host:port failed (HTTP 503): ..." / "(no response)".
CLEAN_FAILURE = re.compile(r' on [\w.-]+(:\d+)? failed \((HTTP \d{3}|no response)\)')
# Playbook tasks that end a tenant after an earlier task failed; their message is not a request's.
AGGREGATES = ('Fail the tenants whose chain failed', 'Note the failure for the summary')
# The emulated IDM's initial-load job reports its own connection failures (server side, no HTTP status).
EMULATED_JOB = re.compile(r"initial load of repository '[^']+' failed: cannot connect to \S+")
# ... or the proxy's answer to it, with its status.
LOAD_FAILURE = re.compile(r"initial load of repository '[^']+' failed: .*HTTP \d{3}")
TOKEN = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token')
JSON = {'Content-Type': 'application/json'}
TEXT = {'Content-Type': 'text/plain'}


def status_fault(status, after=False, **extra):
    note = ' after apply' if after else ''
    body = '{"error": {"code": "FAULT/%d", "message": "Injected %d%s"}}' % (status, status, note)
    fault = dict(status=status, headers=dict(JSON), body=body, after=after)
    fault.update(extra)
    return fault


# What a faulted run must do, declared per case: RECOVER (rc 0, the clean landscape, no duplicates), fails_at
# (the tasks that may fail first-hand, each with the cause its message must name; every other task must succeed,
# every failure must name host and status, and the re-run must converge), or fails_at(..., or_recover=True) where
# either may happen. A case whose outcome changes fails, for better or worse: the declaration is then updated on
# purpose.


class Declared:
    """What a faulted run must do: fail first-hand only at `tasks` ({task: cause regex}), or recover (rc 0)."""

    def __init__(self, tasks=None, recover=False):
        self.tasks = tasks or {}
        self.recover = recover


RECOVER = Declared(recover=True)
# The emulated IDM's initial-load job reads the proxy itself (server side, no retry): a fault injected on the
# proxy's token or SCIM endpoint ends that job, and the task that waits for it reports the job's failure.
LOAD = 'Ensure the SCIM repository and its initial load'
USER_TASK = 'Ensure the communication user'


def fails_at(task, cause, or_recover=False):
    return Declared({task: cause}, or_recover)


# (name, fault, which endpoints: all | posts | s4 | bearer, extra environment, declared outcome)
FAULTS = [
    ('429 with Retry-After', dict(status=429, headers={'Retry-After': '2', 'Content-Type': 'text/plain'},
                                  body='Too Many Requests'), 'all', None, fails_at(LOAD, r'HTTP 429')),
    ('429 without Retry-After', dict(status=429, headers=TEXT, body='Rate limit exceeded'), 'all', None,
     fails_at(LOAD, r'HTTP 429')),
    ('500 before apply', status_fault(500), 'all', None, fails_at(LOAD, r'HTTP 500')),
    ('502 before apply', dict(status=502, headers={'Content-Type': 'text/html'},
                              body='<html><head><title>502 Bad Gateway</title></head></html>'), 'all', None,
     fails_at(LOAD, r'HTTP 502')),
    ('503 before apply', status_fault(503), 'all', None, fails_at(LOAD, r'HTTP 503')),
    ('504 before apply', dict(status=504, headers=TEXT, body='Gateway Timeout'), 'all', None,
     fails_at(LOAD, r'HTTP 504')),
    ('500 after apply', status_fault(500, after=True), 'all', None, fails_at(LOAD, r'HTTP 500')),
    ('502 after apply', status_fault(502, after=True), 'all', None, fails_at(LOAD, r'HTTP 502')),
    ('503 after apply', status_fault(503, after=True), 'all', None, fails_at(LOAD, r'HTTP 503')),
    ('504 after apply', status_fault(504, after=True), 'all', None, fails_at(LOAD, r'HTTP 504')),
    ('connection dropped before apply', dict(drop=True), 'all', None, fails_at(LOAD, r'cannot connect')),
    # Which client meets the one dropped answer of the proxy's token endpoint first, the collection's chain check
    # (which retries) or the emulated load job (which does not), varies between runs: both outcomes are declared.
    ('connection dropped after apply', dict(drop=True, after=True), 'all', None,
     fails_at(LOAD, r'cannot connect', or_recover=True)),
    ('answer slower than the deadline', dict(delay=3), 'all', {'SAPCLOUD_TIMEOUT': '2'},
     fails_at('Verify the OAuth client and give it its roles', r'no response')),
    ('CSRF token expired', dict(status=403, headers={'x-csrf-token': 'Required', 'Content-Type': 'text/plain'},
                                body='CSRF token validation failed'), 's4', None, RECOVER),
    ('409 from a concurrent creator', status_fault(409, after=True), 'posts', None, fails_at(USER_TASK, r'HTTP 409')),
    ('400 duplicate from a concurrent creator', status_fault(400, after=True), 'posts', None,
     fails_at(USER_TASK, r'HTTP 400')),
    ('401 on a cached token', dict(status=401, headers=JSON, body='{"error": "invalid_token"}'), 'bearer', None,
     RECOVER),
]
EXTRA_CASES = [('token expiry mid-run', None, 'expire', None, RECOVER),
               ('stale ETag on an update', None, 'etag', None, fails_at(USER_TASK, r'HTTP 412'))]


def declared_outcome(expect):
    if not expect.tasks:
        return 'recover within the run'
    failure = 'fail at %s naming %s, converge on re-run' % (' / '.join(sorted(expect.tasks)), ' / '.join(
        expect.tasks[t] for t in sorted(expect.tasks)))
    return 'recover within the run, or ' + failure if expect.recover else failure


QUICK_FAULTS = ('503 after apply',)


def endpoint_pattern(path):
    """A path regex that matches the same endpoint for another tenant (GUIDs and numeric ids vary)."""
    escaped = re.escape(path)
    escaped = re.sub(GUID.replace('\\', '\\\\'), GUID, escaped)
    escaped = re.sub(r'/\d+(?=/|$)', '/[^/]+', escaped)
    return escaped + '$'


class Context:
    def __init__(self, suite, table, counts, tenants, rng, quick):
        self.suite = suite
        self.table = table
        self.counts = counts
        self.tenants = tenants
        self.rng = rng
        self.quick = quick
        self.limit = ','.join(tenants)
        self.clean = None
        self.endpoints = []
        self.case_number = 0
        self.requests_per_run = 40
        self.writes_per_run = 10

    # ---- helpers ----

    def case(self, name):
        self.case_number += 1
        return '%02d-%s' % (self.case_number, re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-'))

    def fresh(self):
        self.suite.emulator.reset()

    def run(self, label, playbook, case, extra=None, **kwargs):
        extra_vars = self.suite.dirs(case)
        extra_vars.update(extra or {})
        return self.suite.playbook(label, playbook, extra_vars=extra_vars, limit=self.limit, **kwargs)

    def start(self, label, playbook, case, extra=None, limit=None):
        extra_vars = self.suite.dirs(case)
        extra_vars.update(extra or {})
        return self.suite.start(label, playbook, extra_vars=extra_vars, limit=limit or self.limit)

    def duplicates(self):
        found = self.suite.duplicates(self.tenants)
        self.counts['duplicates'] += len(found)
        return found

    def failure_problems(self, run):
        """Failed tasks whose message does not name host, request and status (a clean failure does), or the
        initial-load job's own failure."""
        problems = []
        for result in run.failed_tasks() + [r for r in run.results if r['failed']]:
            msg = str(result['result'].get('msg', ''))
            if result['task'] in AGGREGATES:
                continue  # repeats (or points to) the failure of the task that failed
            if not CLEAN_FAILURE.search(msg) and not EMULATED_JOB.search(msg) and not LOAD_FAILURE.search(msg):
                problems.append('%s: %s' % (result['task'], msg[:200]))
        return problems

    @staticmethod
    def undeclared_failures(run, expect):
        """Tasks that failed first-hand although the case does not declare them, or without the declared cause."""
        problems = []
        for result in run.results:
            if not result['failed'] or result['task'] in AGGREGATES:
                continue
            msg = str(result['result'].get('msg', ''))
            cause = expect.tasks.get(result['task'])
            if cause is None:
                problems.append('%s failed, not declared: %s' % (result['task'], msg[:160]))
            elif not re.search(cause, msg):
                problems.append('%s failed without naming %s: %s' % (result['task'], cause, msg[:160]))
        return problems

    @staticmethod
    def failed_at(run):
        """'task (HTTP 503)' for each task that failed first-hand, at most three."""
        seen = []
        for result in run.results:
            if result['failed'] and result['task'] not in AGGREGATES:
                status = re.search(r'HTTP \d{3}|no response|cannot connect', str(result['result'].get('msg', '')))
                entry = '%s (%s)' % (result['task'], status.group(0) if status else '?')
                if entry not in seen:
                    seen.append(entry)
        return ', '.join(seen[:3]) or 'a task without result'

    def converged(self, run, case, expected, label):
        """A re-run: rc 0, the expected landscape, no duplicates, passwords as kept. Returns the problems."""
        problems = []
        if run.rc != 0:
            failed = [r for r in run.results if r['failed']]
            last = str(failed[-1]['result'].get('msg'))[:300] if failed else run.output[-300:]
            problems.append('%s rc=%d: %s' % (label, run.rc, last))
        got = self.suite.landscape(self.tenants)
        if got != expected:
            diff = dict((k, (expected.get(k), got.get(k))) for k in set(got) | set(expected)
                        if got.get(k) != expected.get(k))
            problems.append('%s landscape differs: %s' % (label, str(diff)[:400]))
        duplicates = self.duplicates()
        if duplicates:
            problems.append('duplicates: %s' % duplicates[:5])
        problems += self.suite.password_mismatches(case, self.tenants)
        return problems

    # ---- the clean run ----

    def baseline(self):
        self.fresh()
        case = self.case('baseline')
        first = self.run('baseline', 'integrate.yml', case)
        stats = self.suite.emulator.stats()
        self.requests_per_run = stats['total']['requests']
        self.writes_per_run = self.suite.state_writes()
        self.clean = self.suite.landscape(self.tenants)
        problems = self.converged(first, case, self.clean, 'clean run')
        calls = set()
        for host, entry in stats['hosts'].items():
            for call in entry['paths']:
                method, path = call.split(' ', 1)
                if method != 'GET' and not path.endswith('/querybusinessuserin'):
                    calls.add((host, method, endpoint_pattern(path)))
        self.endpoints = sorted(calls)
        if self.quick:
            self.table.add('baseline', 'integrate.yml, %d tenant(s)' % len(self.tenants), 1, '%d write/token endpoints%s'
                           % (len(self.endpoints), '; ' + '; '.join(problems) if problems else ''), ok=not problems)
            return
        self.suite.emulator.reset_stats()
        again = self.run('baseline again', 'integrate.yml', case)
        writes = self.suite.state_writes()
        changed = len(again.changed_tasks())
        ok = not problems and again.rc == 0 and writes == 0 and changed == 0
        self.table.add('baseline', 'integrate.yml, %d tenant(s), twice' % len(self.tenants), 2,
                       '%d write/token endpoints; second run %d changed, %d writes%s'
                       % (len(self.endpoints), changed, writes, '; ' + '; '.join(problems) if problems else ''), ok=ok)

    # ---- faults on every write and token endpoint ----

    def targets(self, which):
        for host, method, pattern in self.endpoints:
            token = pattern.rstrip('$').replace('\\', '').endswith(TOKEN)
            if which == 'posts' and (method != 'POST' or token):
                continue
            if which == 's4' and not host.startswith('s4_'):
                continue
            if which == 'bearer' and (token or host not in ('neo_api', 'neo_configapi', 'cf_destination')):
                continue
            yield host, method, pattern

    def fault_matrix(self):
        cases = [f for f in FAULTS if not self.quick or f[0] in QUICK_FAULTS]
        cases += EXTRA_CASES if not self.quick else []
        for name, fault, which, env, expect in cases:
            self.fresh()
            case = self.case(name)
            if which == 'etag':
                self.stale_etag_case(name, case, expect)
                continue
            injected = 0
            watcher = None
            if which == 'expire':
                watcher = self.expire_tokens_midway()
            else:
                for host, method, pattern in self.targets(which):
                    self.suite.emulator.fault(host=host, method=method, path=pattern, count=1, **fault)
                    injected += 1
            faulted = self.run('fault ' + name, 'integrate.yml', case, env=env)
            if watcher:
                watcher.join(5)
                injected = 2
            self.suite.emulator.clear_faults()
            self.finish_case('fault matrix', name, case, faulted, injected, expect)

    def finish_case(self, section, name, case, faulted, injected, expect):
        """The faulted run against its declared outcome, then the re-run: converged, passwords as kept."""
        dup_first = self.duplicates()
        unclean = self.failure_problems(faulted) if faulted.rc != 0 else []
        rerun = self.run('re-run ' + name, 'integrate.yml', case)
        problems = self.converged(rerun, case, self.clean, 're-run')
        if faulted.rc == 0:
            first = 'recovered within the run'
            first_problems = self.converged(faulted, case, self.clean, 'faulted run') if not dup_first else []
            if first_problems:
                first = 'finished rc=0 but ' + '; '.join(first_problems)[:200]
        else:
            first = 'failed at %s' % self.failed_at(faulted)
        differs = []
        if faulted.rc == 0 and not expect.recover:
            differs.append('declared to fail at %s, but it recovered (update the declaration)'
                           % ', '.join(expect.tasks))
        if faulted.rc != 0:
            differs += self.undeclared_failures(faulted, expect)
        ok = not problems and not unclean and not dup_first and not first.startswith('finished') and not differs
        rerun_text = 'converged' if not problems else '; '.join(problems)
        detail = 'declared: %s; %d injected; %s; re-run %s' % (declared_outcome(expect), injected, first, rerun_text)
        if differs:
            detail += '; OUTCOME CHANGED: ' + '; '.join(differs)[:300]
        if unclean:
            detail += '; unclean failures: ' + '; '.join(unclean)[:300]
        if dup_first:
            detail += '; duplicates after the faulted run: %s' % dup_first[:3]
        self.table.add(section, name, 2, detail, ok=ok)

    def expire_tokens_midway(self):
        """Expire every token of the Neo token services when half the clean run's requests are done."""
        emulator = self.suite.emulator

        def watch():
            if wait_for(lambda: emulator.requests() >= self.requests_per_run // 2, timeout=120):
                for host in ('neo_api', 'neo_oauth'):
                    emulator.fault(host=host, action='expire_tokens')

        emulator.reset_stats()
        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        return thread

    def stale_etag_case(self, name, case, expect):
        """An update whose entity changes on the server between read and write: 412, then a converging re-run."""
        emulator = self.suite.emulator
        setup = self.run('stale etag setup', 'integrate.yml', case)
        for tenant in self.tenants:
            emulator.seed(tenant, {'users': [{'Name': USER_A, 'Description': 'changed by hand'}]})
            emulator.fault(host=tenant, action='enforce_etag', enabled=True)
            emulator.fault(host=tenant, method='PATCH', path=r'/CommunicationUsers\(', delay=1, count=1)
        emulator.reset_stats()
        done = threading.Event()

        def stale_when_patched():
            while not done.is_set():
                for tenant in self.tenants:
                    paths = emulator.stats()['hosts'].get(tenant, {}).get('paths', {})
                    if any(call.startswith('PATCH ') for call in paths):
                        emulator.fault(host=tenant, action='stale_etags')
                        return
                time.sleep(0.02)

        watcher = threading.Thread(target=stale_when_patched, daemon=True)
        watcher.start()
        faulted = self.run('fault ' + name, 'integrate.yml', case)
        done.set()
        watcher.join(5)
        emulator.clear_faults()
        patches = sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
                      if call.startswith('PATCH '))
        self.finish_case('fault matrix', name, case, faulted, patches, expect)
        for tenant in self.tenants:
            emulator.fault(host=tenant, action='enforce_etag', enabled=False)
        if setup.rc != 0:
            self.table.add('fault matrix', name + ' (setup)', 1, 'integrate.yml failed', ok=False)

    # ---- SIGKILL at random points ----

    def kill_point(self, writes):
        """A seeded point of a run: after write k of its writes, plus up to half a second."""
        return self.rng.randint(0, max(writes - 1, 0)), round(self.rng.uniform(0, 0.5), 2)

    def third_run(self, case, label='third run'):
        """Problems of one more run after a converged one: it must change nothing and write nothing."""
        self.suite.emulator.reset_stats()
        third = self.run(label, 'integrate.yml', case)
        writes = self.suite.state_writes()
        changed = [r['task'] for r in third.changed_tasks()]
        problems = self.converged(third, case, self.clean, label)
        if writes or changed:
            problems.append('%s: %d writes, changed: %s' % (label, writes, ', '.join(sorted(set(changed)))[:200]))
        return problems

    def interruptions(self):
        kills = 1 if self.quick else 10
        for index in range(kills):
            self.fresh()
            case = self.case('kill-integrate-%d' % index)
            at = self.kill_point(self.writes_per_run)
            proc, files = self.start('killed integrate', 'integrate.yml', case)
            rc, _output = self.suite.finish(proc, files, kill_at=at)
            dup_first = self.duplicates()
            rerun = self.run('re-run after kill', 'integrate.yml', case)
            problems = self.converged(rerun, case, self.clean, 're-run')
            problems += self.third_run(case)
            self.table.add('SIGKILL', 'integrate.yml after write %d of %d +%.2f s' % (at[0], self.writes_per_run, at[1]),
                           3, '%s; re-run converged, passwords as kept; third run 0 changed, 0 writes'
                           % ('killed' if rc < 0 else 'had ended rc=%d' % rc)
                           if not problems and not dup_first else '; '.join(problems + dup_first),
                           ok=not problems and not dup_first)
        if self.quick:
            return
        self.fresh()
        case = self.case('kill-rotate')
        if self.run('rotate setup', 'integrate.yml', case).rc != 0:
            self.table.add('SIGKILL', 'rotate.yml setup', 1, 'integrate.yml failed', ok=False)
            return
        self.suite.emulator.reset_stats()
        clean_rotation = self.run('clean rotation', 'rotate.yml', case)
        rotation_writes = self.suite.state_writes()
        rotated = self.suite.landscape(self.tenants)
        problems = self.converged(clean_rotation, case, rotated, 'clean rotation')
        users = set(n for t in self.tenants for n in rotated[t]['users'] if n in (USER_A, USER_B))
        self.table.add('SIGKILL', 'rotate.yml clean (baseline)', 2, '%d writes, users now %s' % (
            rotation_writes, sorted(users)) + ('; ' + '; '.join(problems) if problems else ''),
            ok=not problems and users == {USER_B})
        expected = {USER_A: self.clean, USER_B: rotated}
        current = USER_B
        for _index in range(10):
            at = self.kill_point(rotation_writes)
            self.suite.emulator.reset_stats()
            proc, files = self.start('killed rotate', 'rotate.yml', case)
            rc, _output = self.suite.finish(proc, files, kill_at=at)
            dup_first = self.duplicates()
            pending = [t for t in self.tenants if current in self.suite.landscape([t])[t]['users']]
            runs = 1
            if pending:
                runs += 1
                finish = self.suite.playbook('finish rotation', 'rotate.yml', extra_vars=dict(
                    self.suite.dirs(case), sapcloud_rotate_from=current), limit=','.join(pending))
            else:
                finish = self.run('after complete rotation', 'integrate.yml', case)
            target = USER_A if current == USER_B else USER_B
            problems = self.converged(finish, case, expected[target], 'finish')
            self.table.add('SIGKILL', 'rotate.yml %s->%s after write %d of %d +%.2f s' % (
                current[-1], target[-1], at[0], rotation_writes, at[1]), runs,
                '%s; %s' % ('killed' if rc < 0 else 'had ended rc=%d' % rc,
                            'finished with sapcloud_rotate_from=%s on %s' % (current, ','.join(pending)) if pending
                            else 'rotation had completed') + (', converged, passwords as kept' if not problems
                                                              and not dup_first else '; ' + '; '.join(problems + dup_first)),
                ok=not problems and not dup_first)
            current = target

    # ---- the writing modules' own fixes ----

    def writing_modules(self):
        """s4_comm_arrangement rename + re-bind under ETag enforcement and a re-bind refused half-way."""
        self.fresh()
        tenant = self.tenants[0]
        secret = 'Faults-Arrangement-Passw0rd-1!'
        self.suite.extra_secrets.add(secret)
        run = self.suite.playbook('arrangement rename and re-bind', arrangement_play(tenant),
                                  extra_vars={'arrangement_password': secret})
        problems = judge_arrangement(run) + ['duplicates: %s' % d for d in self.duplicates()]
        self.table.add('writing modules', 's4_comm_arrangement rename + re-bind, refusal half-way', 1,
                       'no stale ETag; changed=true with actions [update] then HTTP 400; re-run converged'
                       if not problems else '; '.join(problems), ok=not problems)

    def group_defaults(self):
        """module_defaults set once per action group reach every module of the group: none may refuse them."""
        self.suite.emulator.reset_stats()
        run = self.suite.playbook('group module_defaults', group_defaults_play())
        refused = [r['task'] for r in run.results if 'Unsupported parameters' in str(r['result'].get('msg', ''))]
        writes = self.suite.state_writes()
        self.table.add('secrets', 'group module_defaults on every module (check mode)', 1,
                       '%d tasks, %d writes%s' % (len(run.results), writes, '; refused the group options: %s' % ', '.join(
                           refused) if refused else ''), ok=not refused and writes == 0)

    # ---- two runs at once ----

    def concurrency(self, trials=4, max_jitter=3.0):
        """Two integrate.yml at once, the second started after a seeded jitter (the first trial at the same
        instant), then a third run: no duplicates, clean failures only, the third run converged with 0 writes."""
        for trial in range(trials):
            self.fresh()
            case = self.case('overlap-%d' % trial)
            jitter = 0.0 if trial == 0 else round(self.rng.uniform(0.1, max_jitter), 2)
            first = self.start('overlapping run 1', 'integrate.yml', case)
            time.sleep(jitter)
            second = self.start('overlapping run 2', 'integrate.yml', case)
            rc1, out1 = self.suite.finish(*first)
            rc2, out2 = self.suite.finish(*second)
            dup_first = self.duplicates()
            problems = self.third_run(case)
            unclean = [out for rc, out in ((rc1, out1), (rc2, out2)) if rc != 0 and not CLEAN_FAILURE.search(out)]
            ok = not problems and not dup_first and not unclean
            self.table.add('concurrency', 'two integrate.yml, the second %.2f s later, then a third' % jitter, 3,
                           'rc %d and %d%s; third run %s' % (
                               rc1, rc2, ' (a failure without host and status)' if unclean else '',
                               '; '.join(problems + dup_first) if problems or dup_first
                               else '0 changed, 0 writes, no duplicates'), ok=ok)

    # ---- the runs that show the most ----

    def visibility_runs(self):
        """Check mode with diff and -vvv on a fresh landscape, then the real run and a rotation with diff and -vvv."""
        if self.quick:
            return  # the quick runs are scanned all the same
        self.fresh()
        case = self.case('visibility')
        check = self.run('check diff -vvv', 'integrate.yml', case, check=True, diff=True, verbosity=3)
        writes = self.suite.state_writes()
        self.table.add('secrets', 'integrate.yml --check --diff -vvv', 1, 'rc %d, %d writes' % (check.rc, writes),
                       ok=check.rc == 0 and writes == 0)
        real = self.run('diff -vvv', 'integrate.yml', case, diff=True, verbosity=3)
        self.table.add('secrets', 'integrate.yml --diff -vvv', 1, 'rc %d' % real.rc, ok=real.rc == 0)
        rotation = self.run('rotate diff -vvv', 'rotate.yml', case, diff=True, verbosity=3)
        self.table.add('secrets', 'rotate.yml --diff -vvv', 1, 'rc %d' % rotation.rc, ok=rotation.rc == 0)
        # Results as JSON: the default callback's json result format and the tree callback's files (one JSON
        # document per host); ansible.posix's json callback is not part of ansible-core.
        tree = os.path.join(self.suite.workdir, 'tree')
        as_json = self.run('rotate json results -v', 'rotate.yml', case, diff=True, verbosity=1, env={
            'ANSIBLE_CALLBACK_RESULT_FORMAT': 'json', 'ANSIBLE_CALLBACKS_ENABLED': 'task_results,tree',
            'ANSIBLE_CALLBACK_TREE_DIR': tree})
        self.table.add('secrets', 'rotate.yml, results as JSON (result format, tree callback)', 1, 'rc %d, %d JSON files'
                       % (as_json.rc, len(os.listdir(tree)) if os.path.isdir(tree) else 0),
                       ok=as_json.rc == 0 and os.path.isdir(tree))

    def output_files(self):
        """(label, text) of every report the runs wrote (summaries, hand-off files)."""
        found = []
        for root, _dirs, files in os.walk(os.path.join(self.suite.workdir, 'cases')):
            if os.sep + 'output' in root:
                for name in files:
                    with open(os.path.join(root, name), errors='replace') as handle:
                        found.append(('report ' + name, handle.read()))
        return found


def arrangement_play(tenant):
    """One playbook: an arrangement renamed and re-bound under ETag enforcement (re-read between dependent writes),
    then a re-bind refused half-way (changed=true with the applied actions, then the failure), then the re-run.
    Faults are set through the emulator's control API from the play itself, so it stays one ansible-playbook run."""
    control = '{{ emulator_urls.%s }}/_emulator/' % tenant
    arrangement = 'sapcloud.identity.s4_comm_arrangement'
    base = {'scenario_id': 'SAP_COM_0093', 'system_id': 'FAULTS_SYS'}

    def emulator_call(name, action, body):
        # no_log: the seed carries passwords, and uri returns its arguments
        return {'name': name, 'no_log': True, 'ansible.builtin.uri': {'url': control + action, 'method': 'POST',
                                                                      'body_format': 'json', 'body': body}}

    def step(task_name, ignore=False, **args):
        task = {'name': task_name, arrangement: dict(base, **args)}
        if ignore:
            task['ignore_errors'] = True
        return task

    seed = {'host': tenant, 'data': {
        'users': [{'Name': n, 'Password': '{{ arrangement_password }}', 'Description': 'faults'}
                  for n in ('FAULTS_U1', 'FAULTS_U2')],
        'systems': [{'ID': 'FAULTS_SYS', 'HostName': 'ips.example.com',
                     'InboundUsers': [{'user': 'FAULTS_U1'}, {'user': 'FAULTS_U2'}],
                     'OutboundUsers': [{'Name': 'FAULTS_DUMMY', 'Password': '{{ arrangement_password }}'}]}]}}
    tasks = [
        emulator_call('seed', 'seed', seed),
        step('create', inbound_user='FAULTS_U1'),
        emulator_call('enforce etags', 'faults', {'host': tenant, 'action': 'enforce_etag', 'enabled': True}),
        step('rename and re-bind', ignore=True, name='FAULTS_RENAMED', inbound_user='FAULTS_U2',
             outbound_user='FAULTS_DUMMY'),
        step('rename and re-bind again', ignore=True, name='FAULTS_RENAMED', inbound_user='FAULTS_U2',
             outbound_user='FAULTS_DUMMY'),
        emulator_call('refuse the next binding', 'faults', {
            'host': tenant, 'method': 'PATCH', 'path': '/InboundUser$', 'status': 400, 'count': 1,
            'headers': JSON, 'body': '{"error": {"code": "FAULTS/400", "message": "binding refused"}}'}),
        step('rename, re-bind refused', ignore=True, name='FAULTS_RENAMED2', inbound_user='FAULTS_U1'),
        step('re-run after the refusal', ignore=True, name='FAULTS_RENAMED2', inbound_user='FAULTS_U1'),
        step('re-run unchanged', ignore=True, name='FAULTS_RENAMED2', inbound_user='FAULTS_U1'),
        emulator_call('etags lenient again', 'faults', {'host': tenant, 'action': 'enforce_etag', 'enabled': False}),
    ]
    return [{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
             'module_defaults': {arrangement: {'api_url': '{{ emulator_urls.%s }}' % tenant,
                                               'api_user': '{{ emulator_demo.s4_admin_user }}',
                                               'api_password': '{{ emulator_demo.s4_admin_password }}'}},
             'tasks': tasks}]


def judge_arrangement(run):
    """Problems of the arrangement play, from its task results."""
    def result(name):
        found = [r for r in run.results if r['task'] == name]
        return (found[-1]['changed'], found[-1]['failed'], found[-1]['result']) if found else (None, None, {})

    problems = []
    changed, failed, data = result('rename and re-bind')
    if failed or not changed or data.get('actions') != ['update', 'bind_inbound_user', 'bind_outbound_user']:
        problems.append('rename and re-bind: changed=%s failed=%s %s' % (changed, failed, str(data.get('msg'))[:150]))
    changed, failed, data = result('rename and re-bind again')
    if failed or changed:
        problems.append('second run changed=%s failed=%s' % (changed, failed))
    changed, failed, data = result('rename, re-bind refused')
    msg = str(data.get('msg', ''))
    if not (failed and changed and data.get('actions') == ['update'] and 'HTTP 400' in msg and 'binding refused' in msg):
        problems.append('refused re-bind: changed=%s failed=%s actions=%s %s'
                        % (changed, failed, data.get('actions'), msg[:150]))
    changed, failed, data = result('re-run after the refusal')
    if failed or not changed:
        problems.append('re-run after the refusal: changed=%s failed=%s %s' % (changed, failed, str(data.get('msg'))[:150]))
    changed, failed, data = result('re-run unchanged')
    if failed or changed:
        problems.append('last run changed=%s failed=%s' % (changed, failed))
    return problems


def group_defaults_play():
    """Every module of every action group with only its group's module_defaults (the README's way to set a
    connection once): no module may refuse the group's options, and no secret of them may show."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'meta', 'runtime.yml')) as handle:
        groups = yaml.safe_load(handle)['action_groups']
    defaults = {
        's4': {'api_url': '{{ emulator_urls.s4_t1 }}', 'api_user': '{{ emulator_demo.s4_admin_user }}',
               'api_password': '{{ emulator_demo.s4_admin_password }}'},
        'btp': {'api_url': '{{ emulator_urls.neo_api }}', 'configapi_url': '{{ emulator_urls.neo_configapi }}',
                'oauth_url': '{{ emulator_urls.neo_oauth }}', 'subaccount': '{{ emulator_demo.neo_consumer_subaccount }}',
                'platform_client_id': '{{ emulator_demo.neo_platform_client_id }}',
                'platform_client_secret': '{{ emulator_demo.neo_platform_client_secret }}'},
        'ips': {'ips_admin_url': '{{ emulator_urls.ips }}', 'ips_admin_user': '{{ emulator_demo.ips_admin_user }}',
                'ips_admin_password': '{{ emulator_demo.ips_admin_password }}'},
        'idm': {'idm_admin_url': '{{ emulator_urls.idm }}', 'idm_admin_user': '{{ emulator_demo.idm_admin_user }}',
                'idm_admin_password': '{{ emulator_demo.idm_admin_password }}'},
    }
    tasks = [{'name': 'group %s %s' % (group, module), 'sapcloud.identity.' + module: {}, 'ignore_errors': True}
             for group in sorted(groups) for module in groups[group]]
    return [{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local', 'check_mode': True,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
             'module_defaults': dict(('group/sapcloud.identity.' + g, defaults[g]) for g in defaults if g in groups),
             'tasks': tasks}]
