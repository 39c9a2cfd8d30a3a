"""make faults: the collection under injected faults, interruptions, overlapping runs and bad input, on the emulator.

    python tests/faults/run.py [--quick] [--out FILE] [--seed N] [--only bad,matrix,modules,kill,concurrency,secrets,groups]

Prints one table (section, case, runs, outcome) and last the line
`faults: R runs, D duplicates, T tracebacks, S secret hits, B of N bad inputs rejected with 0 writes`.
Exit status 0 only when every case held: 0 duplicates, 0 tracebacks, 0 secret hits, every bad input rejected with 0
writes, every faulted run converged or failed cleanly and converged on the re-run.
--quick (make test) runs a short version on one tenant; the full version (make faults) takes several minutes.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bad_inputs  # noqa: E402  pylint: disable=wrong-import-position
import certificate_faults  # noqa: E402  pylint: disable=wrong-import-position
import certificate_inputs  # noqa: E402  pylint: disable=wrong-import-position
import matrix  # noqa: E402  pylint: disable=wrong-import-position
from harness import (  # noqa: E402  pylint: disable=wrong-import-position
    TENANTS, Suite, demo_secrets, kept_passwords, secret_hits, unhandled_exceptions)


class Table:
    def __init__(self):
        self.rows = []
        self.problems = []

    def add(self, section, case, runs, outcome, ok=True):
        self.rows.append((section, case, str(runs), outcome if ok else 'FAIL: ' + outcome))
        if not ok:
            self.problems.append('%s / %s: %s' % (section, case, outcome))

    def render(self):
        widths = [max(len(r[i]) for r in self.rows + [('section', 'case', 'runs', 'outcome')]) for i in range(3)]
        lines = ['%-*s  %-*s  %*s  %s' % (widths[0], 'section', widths[1], 'case', widths[2], 'runs', 'outcome')]
        lines.append('-' * (sum(widths) + 6 + 40))
        for row in self.rows:
            lines.append('%-*s  %-*s  %*s  %s' % (widths[0], row[0], widths[1], row[1], widths[2], row[2], row[3][:240]))
        return '\n'.join(lines)


def bad_input_section(suite, table, quick):
    """Every case in one playbook run (in the worker); the full suite repeats it with classic module processes."""
    tmp = os.path.join(suite.workdir, 'bad-input')
    os.makedirs(tmp, exist_ok=True)
    case_list = bad_inputs.cases(tmp) + certificate_inputs.cases(tmp)
    modes = [('in worker', {})] if quick else [('in worker', {}), ('module process', {'SAPCLOUD_IN_WORKER': 'false'})]
    suite.extra_secrets.add(bad_inputs.PASSWORD)
    suite.extra_secrets.update(certificate_inputs.secrets(tmp))
    rejected_all = total = 0
    for mode, env in modes:
        suite.emulator.reset_stats()
        before = suite.state_writes()
        run = suite.playbook('bad-input ' + mode, bad_inputs.playbook(case_list), env=env,
                             extra_vars={'bad_input_password': bad_inputs.PASSWORD})
        writes = suite.state_writes() - before
        verdicts = bad_inputs.judge(case_list, run)
        tracebacks = unhandled_exceptions(run.output)
        rejected = sum(1 for v in verdicts if v[1])
        for case_id, ok, reason, owner in verdicts:
            if not ok:
                note = ' [fix owned by the writing modules]' if owner else ''
                table.add('bad input (%s)' % mode, case_id, 1, reason + note, ok=False)
        table.add('bad input (%s)' % mode, '%d cases in one playbook' % len(case_list), 1,
                  '%d rejected naming the parameter, %d writes, %d unhandled exceptions'
                  % (rejected, writes, len(tracebacks)), ok=rejected == len(case_list) and writes == 0 and not tracebacks)
        if writes == 0:
            rejected_all += rejected
        total += len(case_list)
    return rejected_all, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--quick', action='store_true', help='the short version make test runs')
    parser.add_argument('--out', help='also write the table and the last line to this file')
    parser.add_argument('--seed', type=int, default=10, help='seed of the interruption points')
    parser.add_argument('--only', default='bad,matrix,modules,kill,concurrency,secrets,groups,certificate')
    parser.add_argument('--keep', action='store_true', help='keep the work folder')
    args = parser.parse_args()
    sections = set(args.only.split(','))
    tenants = TENANTS[:1] if args.quick else TENANTS
    workdir = tempfile.mkdtemp(prefix='sapcloud-faults-')
    started = time.time()
    suite = Suite(workdir, tenants=len(TENANTS))
    table = Table()
    counts = {'duplicates': 0}
    rejected = total = 0
    try:
        if 'bad' in sections:
            rejected, total = bad_input_section(suite, table, args.quick)
        context = matrix.Context(suite, table, counts, tenants, random.Random(args.seed), args.quick)
        if sections & {'matrix', 'kill', 'concurrency', 'secrets'}:
            context.baseline()
        if 'matrix' in sections:
            context.fault_matrix()
        if 'modules' in sections:
            context.writing_modules()
        if 'kill' in sections:
            context.interruptions()
        if 'concurrency' in sections and not args.quick:
            context.concurrency()
        if 'secrets' in sections:
            context.visibility_runs()
        if 'groups' in sections and not args.quick:
            context.group_defaults()
        if 'certificate' in sections:
            # Its own emulator speaking mutual TLS; its outputs and private keys join the scans below.
            runs, texts, keys = certificate_faults.certificate_section(workdir, table, context.rng, args.quick)
            suite.runs += runs
            suite.texts.extend(texts)
            suite.extra_secrets.update(keys)
        tracebacks = []
        for label, text in suite.texts:
            if label.endswith('output'):
                tracebacks += [(label, name) for name in unhandled_exceptions(text)]
            elif label.endswith('results'):
                # an exception caught in the worker reaches the user as module_stderr, inside the result
                for line in text.splitlines():
                    result = json.loads(line)
                    data = result['result']
                    tracebacks += [('%s: %s' % (label, result['task']), name) for name in unhandled_exceptions(
                        '%s\n%s' % (data.get('exception', ''), data.get('module_stderr', '')))]
        for label, name in tracebacks[:20]:
            table.add('tracebacks', label, '-', name, ok=False)
        secrets = demo_secrets() + [(None, s) for s in suite.extra_secrets if s] + \
            [(None, s) for s in kept_passwords(workdir)]
        hits = secret_hits(suite.texts + context.output_files(), secrets)
        for label, what in hits[:20]:
            table.add('secrets', label, '-', what, ok=False)
        table.add('secrets', 'scan', '-', '%d secrets in plain, base64 (also user:secret), URL, JSON and .properties '
                  'forms over %d outputs, logs and result files: %d hits' % (len(secrets), len(suite.texts), len(hits)),
                  ok=not hits)
    finally:
        suite.stop()
    last = 'faults: %d runs, %d duplicates, %d tracebacks, %d secret hits, %d of %d bad inputs rejected with 0 writes' \
        % (suite.runs, counts['duplicates'], len(tracebacks), len(hits), rejected, total)
    text = '%s\n\n%s%s\n' % (table.render(), 'problems:\n  ' + '\n  '.join(table.problems) + '\n\n'
                             if table.problems else '', last)
    sys.stdout.write(text)
    sys.stdout.write('(%.0f s, work folder %s)\n' % (time.time() - started, workdir if args.keep else 'removed'))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as handle:
            handle.write(text)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if table.problems else 0


if __name__ == '__main__':
    sys.exit(main())
