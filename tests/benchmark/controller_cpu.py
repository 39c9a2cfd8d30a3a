"""Controller CPU of a no-op integrate.yml run: CPU seconds per host-task above an empty play, and the share of it
spent templating, measured with a CPU-time stack sampler on the main process and on every worker.

    python tests/benchmark/controller_cpu.py [TENANTS] [--tasks]   # 10 tenants by default; prints the figures
                                                                     # (--tasks: and the costliest tasks)

The sampler (SIGPROF every SAMPLE_S of CPU time, in ansible-playbook's main process and in each forked task
worker) counts a sample as templating when any frame of the stack is in ansible's templating code or Jinja2.
CPU seconds are the kernel's (getrusage of the run's waited-for processes), not the samples'. `make bench`
prints the same figures in its profile section.
"""

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE_S = 0.002
TEMPLATING = (os.sep + 'ansible' + os.sep + 'template' + os.sep,
              os.sep + '_internal' + os.sep + '_templating' + os.sep,
              os.sep + 'jinja2' + os.sep)


class Sampler:
    """Counts CPU-time samples of this process, and those with a templating frame on the stack."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.total = self.templating = 0
        self.task = ''

    def start(self):
        self.total = self.templating = 0
        signal.signal(signal.SIGPROF, self.sample)
        signal.setitimer(signal.ITIMER_PROF, SAMPLE_S, SAMPLE_S)

    def sample(self, _signum, frame):
        self.total += 1
        while frame is not None:
            if frame.f_code.co_filename.find(TEMPLATING[0]) >= 0 or any(
                    part in frame.f_code.co_filename for part in TEMPLATING[1:]):
                self.templating += 1
                return
            frame = frame.f_back

    def dump(self):
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        # A forked worker's resource usage starts at zero: this is the CPU of its one task on one host.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        path = os.path.join(self.out_dir, '%d.json' % os.getpid())
        with open(path + '.part', 'w') as handle:  # renamed when complete: a reader never sees half a file
            json.dump({'total': self.total, 'templating': self.templating, 'task': self.task,
                       'cpu': usage.ru_utime + usage.ru_stime}, handle)
        os.rename(path + '.part', path)


def sampled_playbook(out_dir, argv):
    """ansible-playbook argv in this process, with the sampler in it and in every task worker."""
    import atexit
    from ansible.cli.playbook import main
    from ansible.executor.process import worker

    sampler = Sampler(out_dir)
    run_worker = worker.WorkerProcess._run

    def sampled_run(self):
        sampler.start()  # interval timers are not inherited across fork
        sampler.task = self._task.get_name()
        try:
            return run_worker(self)
        finally:
            sampler.dump()

    worker.WorkerProcess._run = sampled_run
    atexit.register(sampler.dump)
    sampler.start()
    sys.argv = ['ansible-playbook'] + argv
    return main()


def measure(cmd, env, cwd, tasks=None):
    """(CPU seconds of the run's processes, samples, templating samples) of one sampled ansible-playbook run; tasks,
    when a dict, gets each task's worker CPU seconds and templating samples, summed over the hosts."""
    out_dir = tempfile.mkdtemp(prefix='sampler-')
    probe = ('import resource, subprocess, sys\n'
             'rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n'
             'usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n'
             'print(rc, usage.ru_utime + usage.ru_stime)\n')
    out = subprocess.run([sys.executable, '-c', probe, sys.executable, os.path.abspath(__file__), '--run', out_dir]
                         + cmd, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    rc, cpu = out.stdout.split()
    if rc != '0':
        raise SystemExit('sampled run failed (rc %s): %s' % (rc, ' '.join(cmd)))
    total = templating = 0
    for name in [n for n in os.listdir(out_dir) if n.endswith('.json')]:
        with open(os.path.join(out_dir, name)) as handle:
            data = json.load(handle)
        total += data['total']
        templating += data['templating']
        if tasks is not None and data.get('task'):
            cost = tasks.setdefault(data['task'], [0.0, 0, 0])
            cost[0] += data['cpu']
            cost[1] += data['total']
            cost[2] += data['templating']
    return float(cpu), total, templating


def host_tasks(bench, playbook, run_dir, tenants):
    """How many host-tasks (tasks run or skipped, summed over the hosts) one run of playbook has."""
    results = os.path.join(run_dir, 'tasks.jsonl')
    callback = {'TASK_RESULTS_FILE': results, 'ANSIBLE_CALLBACKS_ENABLED': 'task_results',
                'ANSIBLE_CALLBACK_PLUGINS': os.path.join(bench.repo, 'tests', 'integration', 'callback_plugins')}
    bench.playbook(playbook, run_dir, tenants, env=callback)
    with open(results) as handle:
        count = sum(1 for line in handle if line.strip())
    os.unlink(results)
    return count


def controller_cpu(bench, tenants, tasks=None):
    """(CPU s a host-task above an empty play, templating share of it, host-tasks) of a no-op integrate.yml run;
    tasks, when a dict, gets the worker CPU of each task of the last measured run (see measure)."""
    playbook = os.path.join(bench.repo, 'playbooks', 'integrate.yml')
    empty = os.path.join(bench.work, 'empty-cpu.yml')
    with open(empty, 'w') as handle:
        json.dump([{'hosts': 's4_tenants', 'gather_facts': False, 'connection': 'local', 'tasks': []}], handle)
    run_dir = bench.fresh('cpu')
    bench.playbook(playbook, run_dir, tenants)  # the first run; the measured ones are no-op runs after it
    count = host_tasks(bench, playbook, run_dir, tenants)
    runs = {}
    for name, path in (('empty', empty), ('integrate', playbook)):
        results = []
        for attempt in range(3):  # pylint: disable=unused-variable
            cmd = bench.command(path, run_dir, tenants)[1:]
            if tasks is not None:
                tasks.clear()
            results.append(measure(cmd, bench.env(run_dir), bench.repo, tasks if name == 'integrate' else None))
        runs[name] = sorted(results)[1]  # the median by CPU seconds
    cpu, total, templating = runs['integrate']
    base_cpu, base_total, base_templating = runs['empty']
    # The templating share of the samples above the empty play's: what the tasks cost, start-up left out.
    share = (templating - base_templating) / float(max(1, total - base_total))
    return (cpu - base_cpu) / count, share, count


def cpu_line(per_task, share, count, tenants):
    return ('controller CPU of a no-op integrate.yml, %d tenants: %.3f s a host-task above an empty play '
            '(%d host-tasks), templating %.0f%% of it' % (tenants, per_task, count, 100 * share))


def main():
    if sys.argv[1:2] == ['--run']:
        sys.exit(sampled_playbook(sys.argv[2], sys.argv[3:]))
    sys.path.insert(0, HERE)
    from bench import Bench  # pylint: disable=import-outside-toplevel
    args = [a for a in sys.argv[1:] if a != '--tasks']
    tenants = int(args[0]) if args else 10
    tasks = {} if '--tasks' in sys.argv else None
    bench = Bench(tenants=tenants)
    try:
        print(cpu_line(*controller_cpu(bench, tenants, tasks), tenants=tenants))
        for name, (cpu, total, templating) in sorted((tasks or {}).items(), key=lambda i: -i[1][0])[:8]:
            print('  %6.3f s worker CPU, templating %3.0f%%: %s' % (cpu, 100.0 * templating / max(1, total), name))
    finally:
        bench.stop()


if __name__ == '__main__':
    main()
