"""Benchmarks that print figures (never asserted as timings in tests): `make bench`.

- per-task cost: wall time and peak memory of an ansible-playbook run with one no-op module task, against a
  run with one ansible.builtin.ping task (the fixed cost of a module task on the controller), as a ratio;
- requests per no-op run for each S/4 module, from the emulator's HTTP-layer stats;
- the emulator's own throughput (GETs a second from parallel clients), so it is never the bottleneck.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))

from conftest import REPO, Ansible, EmulatorProcess, s4_connection  # noqa: E402  pylint: disable=wrong-import-position

RUNS = int(os.environ.get('BENCH_RUNS', '5'))
RSS_PROBE = ('import resource, subprocess, sys\n'
             'subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)\n'
             'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n')


def play_file(workdir, name, task):
    import yaml  # pylint: disable=import-outside-toplevel
    path = os.path.join(workdir, name + '.yml')
    with open(path, 'w') as handle:
        yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}], handle)
    return path


def timed_runs(ansible, emulator, path):
    """Median wall seconds and peak RSS (MiB of the largest process) over RUNS runs of a playbook."""
    env = ansible.env()
    cmd = [os.path.join(ansible.bindir, 'ansible-playbook'), path, '-e', '@' + emulator.vars_file]
    times, peaks = [], []
    for attempt in range(RUNS):  # pylint: disable=unused-variable
        start = time.perf_counter()
        out = subprocess.run([sys.executable, '-c', RSS_PROBE] + cmd, cwd=REPO, env=env, capture_output=True,
                             text=True, check=True)
        times.append(time.perf_counter() - start)
        peaks.append(int(out.stdout.strip()) / 1024.0)
    return statistics.median(times), max(peaks)


def emulator_throughput(emulator, host='s4_t1', total=2000, workers=8):
    url = emulator.url(host) + '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001/'
    auth = (emulator.demo['s4_admin_user'], emulator.demo['s4_admin_password'])
    session_per_worker = [requests.Session() for worker in range(workers)]

    def fetch(index):
        return session_per_worker[index % workers].get(url, auth=auth, timeout=30).status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        codes = list(pool.map(fetch, range(total)))
    elapsed = time.perf_counter() - start
    return total / elapsed, codes.count(200)


def main():
    workdir = tempfile.mkdtemp(prefix='sapcloud-bench-')
    emulator = EmulatorProcess(workdir)
    try:
        os.makedirs(os.path.join(workdir, 'ansible-tmp'), exist_ok=True)
        ansible = Ansible(emulator, workdir)
        conn = s4_connection(emulator)
        user = {'name': 'BENCH_USER', 'description': 'benchmark', 'password': 'Bench-Password-0123456789!'}
        system = {'system_id': 'BENCH_SYS', 'host_name': 'bench.example.com', 'inbound_users': [{'user': 'BENCH_USER'}]}
        arrangement = {'scenario_id': 'SAP_COM_0193', 'system_id': 'BENCH_SYS'}
        steps = [('s4_comm_user', user), ('s4_comm_system', system), ('s4_comm_arrangement', arrangement)]
        for module, args in steps:  # create once, so the measured runs are no-ops
            result = ansible.task('sapcloud.identity.' + module, args, defaults=conn)
            assert not result.failed, result.msg

        baseline = play_file(workdir, 'baseline', {'ansible.builtin.ping': {}})
        base_time, base_rss = timed_runs(ansible, emulator, baseline)
        print('runs per figure: %d (median wall time, largest process peak RSS)' % RUNS)
        print('%-28s %8s %8s %10s %9s %7s' % ('task', 'seconds', 'x ping', 'peak MiB', 'requests', 'writes'))
        print('%-28s %8.2f %8.2f %10.1f %9s %7s' % ('ansible.builtin.ping', base_time, 1.0, base_rss, '-', '-'))
        for module, args in steps:
            path = play_file(workdir, module, {'sapcloud.identity.' + module: args, 'module_defaults': {
                'sapcloud.identity.' + module: conn}})
            seconds, rss = timed_runs(ansible, emulator, path)
            emulator.reset_stats()
            result = ansible.task('sapcloud.identity.' + module, args, defaults=conn)
            assert not result.changed, '%s was not a no-op: %s' % (module, result.data)
            figures = (module + ' (no-op)', seconds, seconds / base_time, rss, emulator.requests('s4_t1'),
                       emulator.writes('s4_t1'))
            print('%-28s %8.2f %8.2f %10.1f %9d %7d' % figures)
        rate, ok = emulator_throughput(emulator)
        print('emulator: %.0f GET/s from 8 parallel clients (%d of 2000 answered 200)' % (rate, ok))
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
