"""`make bench`: the collection against the playbook an admin would write by hand, with figures, never asserted.

1. Per-task fixed cost: one no-op s4_comm_user_info task run in the task's worker (the collection's default), as a
   module process (sapcloud_in_worker=false), and an ansible.builtin.uri task making the same GET, against an empty
   play (ansible-playbook start-up).
2. integrate.yml against tests/benchmark/uri_integrate.yml (plain ansible.builtin.uri tasks, its rules in its header),
   for 1 and 10 tenants, first run and no-op run: PAIRS alternating pairs (A B A B ...) on a fresh emulator state,
   median and range of wall time, the playbook's own requests and writes as the emulator counted them (calls between
   emulated systems left out), and the end states compared.
3. Where the time of one no-op run goes: start-up, tasks, requests.
4. BENCH_FULL=1: 50 tenants at forks 10 and 25, BENCH_SCALE_RUNS (3) runs each (wall time, controller peak memory,
   requests, tokens per endpoint, the emulator's CPU share), and 50 tenants against 10 at the same forks.

5. Controller CPU of a no-op run per host-task above an empty play, and its templating share (controller_cpu.py).
6. One pair of 10-tenant no-op runs with every answer delayed 150 ms (the first runs before them undelayed): wall
   time, requests a tenant and how many times the network floor (requests a tenant x 0.15 s, since requests
   within a tenant go one after another and tenants run in parallel) each playbook takes.

BENCH_LATENCY_MS=n makes the emulator wait n ms before every answer, as a remote landscape would.

The last-but-one line reads `integrate at 150 ms, 10 tenants, no-op: T s, N requests a tenant, F x the network
floor`, the last `integrate/uri wall-time ratio, 10 tenants: first R1, no-op R2`.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
sys.path.insert(0, HERE)

from conftest import REPO, EmulatorProcess, collections_path  # noqa: E402  pylint: disable=wrong-import-position
from hosts import write_hosts  # noqa: E402  pylint: disable=wrong-import-position
from same_state import normalized_state  # noqa: E402  pylint: disable=wrong-import-position
from controller_cpu import controller_cpu, cpu_line  # noqa: E402  pylint: disable=wrong-import-position

PAIRS = int(os.environ.get('BENCH_PAIRS', '5'))
FULL = os.environ.get('BENCH_FULL') == '1'
SCALE_RUNS = int(os.environ.get('BENCH_SCALE_RUNS', '3'))
# Seconds the emulator waits before it answers any request (0: as fast as it can). A real landscape answers in tens
# to hundreds of milliseconds; this shows how the comparison moves when requests, not tasks, cost the time.
LATENCY = float(os.environ.get('BENCH_LATENCY_MS', '0')) / 1000.0
BIN = os.path.dirname(sys.executable)
INVENTORY = os.path.join(REPO, 'playbooks', 'inventory', 'emulator')
INTEGRATE = os.path.join(REPO, 'playbooks', 'integrate.yml')
URI = os.path.join(HERE, 'uri_integrate.yml')
# The hosts besides the tenants whose end state both playbooks must leave the same.
SHARED = ['neo_api', 'neo_configapi', 'neo_oauth', 'ips', 'idm']
# Runs a command and prints the peak RSS (KiB) of its largest process, as the kernel accounts waited-for children.
RSS_PROBE = ('import resource, subprocess, sys\n'
             'rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n'
             'print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n')


class Bench:
    def __init__(self, tenants):
        self.work = tempfile.mkdtemp(prefix='sapcloud-bench-')
        self.emulator = EmulatorProcess(self.work, tenants=tenants)
        self.hosts_files = {}
        self.slow_down()

    def slow_down(self):
        self.emulator.clear_faults()
        if LATENCY:
            self.emulator.fault(delay=LATENCY, count=10 ** 9)  # every request, every host

    def hosts(self, count):
        """(inventory file, --limit) for the first `count` emulated tenants in group s4_tenants."""
        if count not in self.hosts_files:
            path = os.path.join(self.work, 'hosts-%d.yml' % count)
            self.hosts_files[count] = (path, write_hosts(path, count))
        return self.hosts_files[count]

    def env(self, run_dir):
        return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR='1',
                    ANSIBLE_LOCAL_TEMP=os.path.join(run_dir, 'tmp'), ANSIBLE_LOCALHOST_WARNING='0',
                    SAPCLOUD_TOKEN_CACHE_DIR=os.path.join(run_dir, 'token-cache'),
                    PATH=BIN + os.pathsep + os.environ.get('PATH', ''))

    def fresh(self, name):
        """A clean emulator state and a clean run directory (password files, token cache, output): a first run."""
        self.emulator.reset()
        self.slow_down()
        run_dir = os.path.join(self.work, name)
        shutil.rmtree(run_dir, ignore_errors=True)
        os.makedirs(os.path.join(run_dir, 'tmp'))
        return run_dir

    repo = REPO

    def command(self, playbook, run_dir, tenants, forks=10):
        """The ansible-playbook command line of one run."""
        inventory, limit = self.hosts(tenants)
        return [os.path.join(BIN, 'ansible-playbook'), '-i', INVENTORY, '-i', inventory, '--limit', limit, playbook,
                '--forks', str(forks), '-e', '@' + self.emulator.vars_file,
                '-e', 'sapcloud_secrets_dir=' + os.path.join(run_dir, 'secrets'),
                '-e', 'sapcloud_output_dir=' + os.path.join(run_dir, 'output')]

    def playbook(self, playbook, run_dir, tenants, forks=10, env=None):
        """(wall seconds, peak RSS MiB, requests, writes, stats) of one ansible-playbook run."""
        cmd = self.command(playbook, run_dir, tenants, forks)
        self.emulator.reset_stats()
        start = time.perf_counter()
        out = subprocess.run([sys.executable, '-c', RSS_PROBE] + cmd, cwd=REPO, env=dict(self.env(run_dir), **(env or {})),
                             capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        rc, rss = out.stdout.split()
        if rc != '0':
            raise SystemExit('%s failed (rc %s); run it by hand: %s' % (os.path.basename(playbook), rc, ' '.join(cmd)))
        stats = self.emulator.stats()
        requests = sum(n for _host, _call, n in client_calls(stats))
        return wall, int(rss) / 1024.0, requests, soap_free_writes(stats), stats

    def stop(self):
        self.emulator.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def client_calls(stats):
    """(host, 'METHOD path', count) of the requests the playbook made: the emulator's counts without the calls its
    systems make to each other (IDM's initial load reads through the proxy with a token of its own, the proxy
    calls S/4HANA), which are the same for both playbooks."""
    for host, data in sorted(stats['hosts'].items()):
        internal = data.get('internal', {})
        for call, count in sorted(data.get('paths', {}).items()):
            if count - internal.get(call, 0):
                yield host, call, count - internal.get(call, 0)


def soap_free_writes(stats):
    """The playbook's non-GET requests, leaving out the worker check: QueryBusinessUserIn is a SOAP read, and SOAP
    sends every call as POST."""
    return sum(n for _host, call, n in client_calls(stats)
               if not call.startswith('GET ') and 'querybusinessuserin' not in call)


def token_requests(stats):
    """The playbook's token requests per token endpoint; each endpoint serves one credential of the integration."""
    out = {}
    for host, call, count in client_calls(stats):
        if call.startswith('POST ') and 'token' in call.lower():
            out['%s %s' % (host, call.split(' ', 1)[1])] = count
    return out


def spread(values):
    return '%6.2f [%5.2f-%5.2f]' % (statistics.median(values), min(values), max(values))


def compare(bench, tenants):
    """Alternating pairs: each pair runs integrate.yml, then the uri playbook, each first run then no-op run."""
    times = dict((key, []) for key in ('integrate first', 'integrate no-op', 'uri first', 'uri no-op'))
    counts = {}
    for pair in range(PAIRS):
        order = (('integrate', INTEGRATE), ('uri', URI)) if pair % 2 == 0 else (('uri', URI), ('integrate', INTEGRATE))
        for name, playbook in order:
            run_dir = bench.fresh('%s-%d' % (name, tenants))
            for phase in ('first', 'no-op'):
                wall, rss, requests, writes, stats = bench.playbook(playbook, run_dir, tenants)
                times['%s %s' % (name, phase)].append(wall)
                counts['%s %s' % (name, phase)] = (requests, writes, rss)
            if pair == 0:
                counts[name + ' state'] = normalized_state(
                    bench.emulator.url('s4_t1'), ['s4_t%d' % i for i in range(1, tenants + 1)] + SHARED,
                    keep=[v for v in bench.emulator.demo.values() if isinstance(v, str)])
    print('\n%d tenant(s), forks 10, %d alternating pairs; wall seconds median [min-max]' % (tenants, PAIRS))
    print('%-18s %22s %9s %7s %9s' % ('run', 'wall s', 'requests', 'writes', 'peak MiB'))
    for key, values in times.items():
        requests, writes, rss = counts[key]
        print('%-18s %22s %9d %7d %9.0f' % (key, spread(values), requests, writes, rss))
    same = counts['integrate state'] == counts['uri state']
    print('same end state (emulator state, generated ids normalised): %s' % ('yes' if same else 'NO'))
    ratios = dict((phase, statistics.median(times['integrate ' + phase]) / statistics.median(times['uri ' + phase]))
                  for phase in ('first', 'no-op'))
    print('integrate/uri: first %.2f, no-op %.2f; integrate no-op/first %.2f' % (
        ratios['first'], ratios['no-op'],
        statistics.median(times['integrate no-op']) / statistics.median(times['integrate first'])))
    return ratios


def task_cost(bench):
    """One task, three execution shapes, against an empty play (start-up)."""
    conn = {'api_url': "{{ emulator_urls.s4_t1 }}", 'api_user': "{{ emulator_demo.s4_admin_user }}",
            'api_password': "{{ emulator_demo.s4_admin_password }}"}
    tasks = {
        'empty play (start-up)': [],
        'sapcloud.identity.s4_comm_user_info, in the worker': [{'sapcloud.identity.s4_comm_user_info': dict(
            conn, name='NOBODY')}],
        'sapcloud.identity.s4_comm_user_info, module process': [{'sapcloud.identity.s4_comm_user_info': dict(
            conn, name='NOBODY'), 'vars': {'sapcloud_in_worker': False,
                                           'ansible_python_interpreter': sys.executable}}],
        'ansible.builtin.uri, same GET': [{'ansible.builtin.uri': {
            'url': "{{ emulator_urls.s4_t1 }}/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/"
                   "aps_com_cu_a4c_odata/0001/CommunicationUsers?$filter=Name%20eq%20'NOBODY'",
            'user': conn['api_user'], 'password': conn['api_password'], 'force_basic_auth': True},
            'vars': {'ansible_python_interpreter': sys.executable}}],
    }
    print('\nper-task cost: 10 copies of one task in one play, 1 host (median of 5 runs, seconds)')
    base = None
    for label, task in tasks.items():
        path = os.path.join(bench.work, 'task.yml')
        with open(path, 'w') as handle:
            json.dump([{'hosts': 's4_tenants', 'gather_facts': False, 'connection': 'local', 'tasks': task * 10}],
                      handle)
        run_dir = os.path.join(bench.work, 'task-run')
        os.makedirs(os.path.join(run_dir, 'tmp'), exist_ok=True)
        walls = [bench.playbook(path, run_dir, 1)[0] for attempt in range(5)]  # pylint: disable=unused-variable
        median = statistics.median(walls)
        if base is None:
            base = median
            print('  %-55s %6.2f' % (label, median))
        else:
            print('  %-55s %6.2f  (%.3f s a task)' % (label, median, (median - base) / 10))


def profile(bench, tenants=10):
    """Where the time of one no-op integrate.yml run goes."""
    run_dir = bench.fresh('profile')
    bench.playbook(INTEGRATE, run_dir, tenants)
    empty = os.path.join(bench.work, 'empty.yml')
    with open(empty, 'w') as handle:
        json.dump([{'hosts': 's4_tenants', 'gather_facts': False, 'connection': 'local', 'tasks': []}], handle)
    startup = statistics.median(bench.playbook(empty, run_dir, tenants)[0] for attempt in range(3))
    results = os.path.join(run_dir, 'tasks.jsonl')
    callback = {'TASK_RESULTS_FILE': results, 'ANSIBLE_CALLBACKS_ENABLED': 'task_results',
                'ANSIBLE_CALLBACK_PLUGINS': os.path.join(REPO, 'tests', 'integration', 'callback_plugins')}
    wall, rss, requests, writes, stats = bench.playbook(INTEGRATE, run_dir, tenants, env=callback)
    with open(results) as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    host_tasks = [e for e in entries if e['host'] == 's4_t1']
    skipped = sum(1 for e in host_tasks if e['status'] == 'skipped')
    modules = sum(1 for e in host_tasks if e['action'].startswith('sapcloud.identity.') and e['status'] != 'skipped')
    per_tenant = requests / float(tenants)
    print('\nprofile of one no-op integrate.yml run, %d tenants, forks 10' % tenants)
    print('  wall %.2f s: start-up (an empty play) %.2f s, tasks and requests %.2f s' % (wall, startup, wall - startup))
    print('  tasks per tenant: %d (%d collection modules, %d skipped); %.3f s a host-task'
          % (len(host_tasks), modules, skipped, (wall - startup) / max(1, len(host_tasks) * tenants)))
    print('  requests: %d (%.1f a tenant, shared objects included), writes %d, tokens %d, peak RSS %.0f MiB'
          % (requests, per_tenant, writes, sum(token_requests(stats).values()), rss))
    calls = {}
    for host, call, count in client_calls(stats):
        if host == 's4_t1' or not host.startswith('s4_'):
            calls.setdefault(host, []).append('%s x%d' % (call, count))
    for host, listed in sorted(calls.items()):
        print('    %-14s %s' % (host, ', '.join(listed)))


def at_latency(bench, tenants=10, delay=0.15):
    """One pair of no-op runs (integrate.yml, the uri playbook) with every answer delayed: (wall s, requests a
    tenant) each. The first runs before them are made without the delay."""
    out = {}
    for name, playbook in (('integrate', INTEGRATE), ('uri', URI)):
        run_dir = bench.fresh('latency-%s' % name)
        bench.playbook(playbook, run_dir, tenants)
        bench.emulator.clear_faults()
        bench.emulator.fault(delay=delay, count=10 ** 9)  # every request, every host
        wall, _rss, requests, _writes, _stats = bench.playbook(playbook, run_dir, tenants)
        bench.slow_down()
        out[name] = (wall, requests / float(tenants))
    print('\nno-op runs at %.0f ms a request, %d tenants (one pair; requests within a tenant go one after another)'
          % (delay * 1000, tenants))
    for name in ('uri', 'integrate'):
        wall, per_tenant = out[name]
        print('  %-10s %6.1f s, %4.1f requests a tenant, %.1f x the network floor' % (
            name, wall, per_tenant, wall / (per_tenant * delay)))
    return out['integrate']


def emulator_cpu(pid):
    with open('/proc/%d/stat' % pid) as handle:
        fields = handle.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf('SC_CLK_TCK'))


def scale(bench):
    print('\nscale: first and no-op integrate.yml runs, %d runs each on a fresh state; wall seconds median [min-max]'
          % SCALE_RUNS)
    print('%-28s %22s %8s %9s %7s %7s %9s %12s' % ('run', 'wall s', 's/tenant', 'requests', 'writes', 'tokens',
                                                   'peak MiB', 'emulator CPU'))
    walls, tokens = {}, {}
    for forks in (10, 25):
        for tenants in (10, 50):
            runs = dict((phase, []) for phase in ('first', 'no-op'))
            for attempt in range(SCALE_RUNS):
                run_dir = bench.fresh('scale-%d-%d-%d' % (tenants, forks, attempt))
                for phase in ('first', 'no-op'):
                    cpu = emulator_cpu(bench.emulator.proc.pid)
                    wall, rss, requests, writes, stats = bench.playbook(INTEGRATE, run_dir, tenants, forks=forks)
                    share = (emulator_cpu(bench.emulator.proc.pid) - cpu) / wall
                    runs[phase].append((wall, rss, requests, writes, token_requests(stats), share))
            for phase, results in runs.items():
                wall_times = [r[0] for r in results]
                walls[(tenants, forks, phase)] = statistics.median(wall_times)
                requests, writes, per_endpoint = results[-1][2], results[-1][3], results[-1][4]
                for result in results:
                    for endpoint, count in result[4].items():
                        tokens[endpoint] = max(tokens.get(endpoint, 0), count)
                print('%-28s %22s %8.2f %9d %7d %7d %9.0f %11.0f%%' % (
                    '%d tenants, forks %d, %s' % (tenants, forks, phase), spread(wall_times),
                    statistics.median(wall_times) / tenants, requests, writes, sum(per_endpoint.values()),
                    max(r[1] for r in results), 100 * statistics.median(r[5] for r in results)))
    # Every run asks each token endpoint (one credential each) at most once, at any scale and fork count.
    print('token requests, most in one run: %s' % (
        ', '.join('%s %d' % (endpoint, count) for endpoint, count in sorted(tokens.items())) or 'none'))
    for forks in (10, 25):
        print('50 tenants / 10 tenants at forks %d: first %.1fx, no-op %.1fx (medians)' % (
            forks, walls[(50, forks, 'first')] / walls[(10, forks, 'first')],
            walls[(50, forks, 'no-op')] / walls[(10, forks, 'no-op')]))


def main():
    bench = Bench(tenants=50 if FULL else 10)
    try:
        print('sapcloud.identity benchmark on %d cores, ansible-core from %s' % (os.cpu_count(), BIN))
        if LATENCY:
            print('emulator latency: %.0f ms before every answer (BENCH_LATENCY_MS)' % (LATENCY * 1000))
        task_cost(bench)
        ratios = {}
        for tenants in (1, 10):
            ratios[tenants] = compare(bench, tenants)
        profile(bench)
        per_task, share, count = controller_cpu(bench, 10)
        print('  ' + cpu_line(per_task, share, count, 10))
        if FULL:
            scale(bench)
        wall, per_tenant = at_latency(bench)
        print('\nintegrate at 150 ms, 10 tenants, no-op: %.1f s, %.1f requests a tenant, %.1f x the network floor'
              % (wall, per_tenant, wall / (per_tenant * 0.15)))
        print('integrate/uri wall-time ratio, 10 tenants: first %.2f, no-op %.2f'
              % (ratios[10]['first'], ratios[10]['no-op']))
    finally:
        bench.stop()


if __name__ == '__main__':
    main()
