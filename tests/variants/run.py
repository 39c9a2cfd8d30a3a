"""make variants: the playbooks on every tenant variant of the emulator (tests/emulator/variants.py).

    python tests/variants/run.py [--quick] [--only NAME,NAME] [--out FILE]

Per variant, on a fresh emulator landscape with the variant applied to its host (tenant s4_t1 for S/4HANA ones):
preflight.yml, integrate.yml (first contact), integrate.yml again, verify.yml. Each variant ends in one of
- completed: preflight.yml green, the second integrate.yml changed=0 with 0 writes, verify.yml green;
- stopped: preflight.yml and integrate.yml stop before any write and name a setting of the variant's `fix`, and
  the same four runs complete once that setting is given;
- wrong: anything else (a stop for a fact the run does not depend on, a write before the stop, advice that does not
  fix it, a summary row that is not true, a traceback).
Every summary of every run is held against the emulator's state (tests/integration/summary_truth.py).
Last line: `variants: V tenant variants, C completed, S stopped before any write with a setting that fixed it, W
wrong`; exit status 0 only when W is 0. --quick (make test) runs QUICK only.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
sys.path.insert(0, os.path.join(HERE, '..'))

from conftest import REPO, Ansible, EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from emulator.variants import VARIANTS  # noqa: E402  pylint: disable=wrong-import-position
from summary_truth import untrue_rows  # noqa: E402  pylint: disable=wrong-import-position

INVENTORY = os.path.join(REPO, 'playbooks', 'inventory', 'emulator')
TENANT = 's4_t1'
QUICK = ('s4_no_item_properties', 's4_sap_client_required', 's4_csrf_every_write')
READ_POSTS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token', '/querybusinessuserin')
TRACEBACK = re.compile(r'Traceback \(most recent call last\)|MODULE FAILURE|exception occurred')


def state_writes(emulator):
    """Requests that may change state: every non-GET except token requests and the SOAP worker query."""
    return sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
               if not call.startswith('GET ') and not call.endswith(READ_POSTS))


class Landscape:
    """One emulator for every variant; each variant starts from its reset state with the variant applied."""

    def __init__(self, workdir):
        self.workdir = workdir
        os.makedirs(os.path.join(workdir, 'ansible-tmp'), exist_ok=True)
        state_dir = os.path.join(workdir, 'emulator')
        os.makedirs(state_dir)
        self.emulator = EmulatorProcess(state_dir, tenants=1)
        self.ansible = Ansible(self.emulator, workdir)
        self.runs = 0

    def prepare(self, name):
        self.emulator.reset()
        entry = VARIANTS[name]
        host = TENANT if entry['kind'] == 's4' else entry['kind']
        self.emulator.variants(host, [name])
        self.emulator.reset_stats()

    def play(self, name, playbook, settings, check=False):
        """One run: (run, state writes it made, untrue summary rows, problems seen in its output)."""
        self.runs += 1
        base = os.path.join(self.workdir, name)
        extra = {'sapcloud_secrets_dir': os.path.join(base, 'secrets'), 'sapcloud_output_dir': os.path.join(base, 'output')}
        extra.update(settings)
        before = state_writes(self.emulator)
        logged = len(self.emulator.requests_log())
        run = self.ansible.playbook(os.path.join(REPO, 'playbooks', playbook), inventory=INVENTORY, limit=TENANT,
                                    extra_vars=extra, check=check)
        writes = state_writes(self.emulator) - before
        log = self.emulator.requests_log()[logged:]
        problems = []
        if TRACEBACK.search(run.output):
            problems.append('%s: traceback' % playbook)
        problems += ['%s: %s' % (playbook, row) for row in untrue_rows(self.emulator, run, playbook, extra, log)]
        return run, writes, problems

    def stop(self):
        self.emulator.stop()


def named(run, settings):
    """The settings (inventory variables) that the run's output names."""
    return [key for key in settings if key in run.output]


def sequence(land, name, settings):
    """preflight, integrate, integrate, verify: (outcome, detail, problems) with outcome completed/stopped/wrong."""
    problems = []
    pre, pre_writes, found = land.play(name, 'preflight.yml', settings)
    problems += found
    if pre_writes:
        problems.append('preflight.yml wrote %d times' % pre_writes)
    first, first_writes, found = land.play(name, 'integrate.yml', settings)
    problems += found
    if first.rc != 0:
        if first_writes:
            problems.append('integrate.yml failed after %d writes: %s' % (first_writes, tail(first)))
        if pre.rc == 0:
            problems.append('preflight.yml was green but integrate.yml stopped: %s' % tail(first))
        return 'stopped', tail(first), problems, (pre, first)
    if pre.rc != 0:
        problems.append('preflight.yml failed although integrate.yml completed: %s' % tail(pre))
    land.emulator.reset_stats()
    again, again_writes, found = land.play(name, 'integrate.yml', settings)
    problems += found
    changed = len(again.changed_tasks())
    if again.rc != 0 or changed or again_writes:
        problems.append('second integrate.yml: rc %d, changed=%d, %d writes' % (again.rc, changed, again_writes))
    verify, verify_writes, found = land.play(name, 'verify.yml', settings)
    problems += found
    if verify.rc != 0 or verify_writes:
        problems.append('verify.yml: rc %d, %d writes: %s' % (verify.rc, verify_writes, tail(verify)))
    return 'completed', 'second run changed=0, 0 writes; verify green', problems, (pre, first)


def tail(run):
    lines = [line.strip() for line in run.output.splitlines() if 'fatal:' in line or '"msg":' in line]
    return (lines[-1] if lines else run.output.strip().splitlines()[-1] if run.output.strip() else '')[:300]


def judge(land, name):
    """(outcome, detail): completed, stopped (before any write, with a named setting that then completed) or wrong."""
    entry = VARIANTS[name]
    land.prepare(name)
    outcome, detail, problems, (pre, first) = sequence(land, name, dict(entry['extra']))
    if problems:
        return 'wrong', '; '.join(problems)
    if outcome == 'completed':
        return 'completed', detail
    fix = entry['fix']
    if not fix:
        return 'wrong', 'stopped, and no setting serves this variant (the run does not depend on it): ' + detail
    for run, label in ((pre, 'preflight.yml'), (first, 'integrate.yml')):
        if not named(run, fix):
            return 'wrong', '%s stopped without naming %s: %s' % (label, ', '.join(fix), tail(run))
    land.prepare(name)
    outcome, detail, problems, _runs = sequence(land, name + '-fixed', dict(entry['extra'], **fix))
    if problems or outcome != 'completed':
        return 'wrong', 'with %s: %s' % (fix, '; '.join(problems) or detail)
    return 'stopped', 'stopped before any write naming %s; completed with it' % ', '.join(
        '%s=%s' % item for item in fix.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='only %s' % ', '.join(QUICK))
    parser.add_argument('--only', help='comma-separated variant names')
    parser.add_argument('--out', help='also write the table and the last line to this file')
    args = parser.parse_args(argv)
    names = list(VARIANTS)
    if args.quick:
        names = list(QUICK)
    if args.only:
        names = args.only.split(',')
    workdir = tempfile.mkdtemp(prefix='sapcloud-variants-')
    land = Landscape(workdir)
    lines, counts, started = [], {'completed': 0, 'stopped': 0, 'wrong': 0}, time.time()
    try:
        for name in names:
            begin = time.time()
            outcome, detail = judge(land, name)
            counts[outcome] += 1
            line = '%-30s %-9s %4.0fs  %s' % (name, outcome, time.time() - begin, detail)
            lines.append(line)
            print(line, flush=True)
    finally:
        land.stop()
    last = ('variants: %d tenant variants, %d completed, %d stopped before any write with a setting that fixed it, '
            '%d wrong' % (len(names), counts['completed'], counts['stopped'], counts['wrong']))
    print('%d ansible-playbook runs in %.0fs' % (land.runs, time.time() - started))
    print(last)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as handle:
            handle.write('\n'.join(lines + [last]) + '\n')
    if counts['wrong'] == 0:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print('runs kept in %s' % workdir)
    return 0 if counts['wrong'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
