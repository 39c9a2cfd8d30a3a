"""make faults: the collection under injected faults, interruptions, overlapping runs and bad input, on the emulator.

    python tests/faults/run.py [--quick] [--out FILE] [--seed N]
                               [--only bad,trips,matrix,modules,kill,concurrency,secrets,groups]

Prints one table (section, case, runs, outcome) and last the line
`faults: R runs, D duplicates, T tracebacks, S secret hits, B of N bad inputs rejected with 0 requests,
V of W accepted-value round trips unchanged or refused before any request` (one line).
Exit status 0 only when every case held: 0 duplicates, 0 tracebacks, 0 secret hits, every bad input rejected before
any request, every accepted value read back unchanged (or refused before any request), every fault case with the
outcome it declares (matrix.FAULTS), every SIGKILL followed by a converging re-run and a third run with 0 writes.
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
from inputs import certificates as certificate_inputs  # noqa: E402  pylint: disable=wrong-import-position
import matrix  # noqa: E402  pylint: disable=wrong-import-position
import round_trips  # noqa: E402  pylint: disable=wrong-import-position
from harness import (  # noqa: E402  pylint: disable=wrong-import-position
    TENANTS, InProcess, Suite, demo_secrets, files_under, kept_passwords, secret_hits, unhandled_exceptions)


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
    """Every module case in-process on its own, judged by the requests it made; roles and lookups (the quick suite)
    or every case (the full suite, in the worker and as classic module processes) as the tasks of one playbook that
    must make 0 requests. Returns (cases that held everywhere they ran, cases)."""
    tmp = os.path.join(suite.workdir, 'bad-input')
    os.makedirs(tmp, exist_ok=True)
    case_list = bad_inputs.collect(tmp)
    suite.extra_secrets.add(bad_inputs.PASSWORD)
    suite.extra_secrets.update(certificate_inputs.secrets(tmp))  # every private key and passphrase of those cases
    failed = set()
    runner = InProcess(suite.emulator, tmp)
    here = os.getcwd()
    os.chdir(tmp)  # a bad input let through writes below the work folder, never into the checkout
    try:
        verdicts = bad_inputs.run_in_process(runner, suite.emulator, case_list, suite.texts)
    finally:
        os.chdir(here)
    for case_id, ok, reason in verdicts:
        if not ok:
            failed.add(case_id)
            table.add('bad input (in process)', case_id, 1, reason, ok=False)
    table.add('bad input (in process)', '%d module cases, each on its own' % len(verdicts), '-',
              '%d failed before any request (reads only where the case allows them), naming the parameter'
              % (len(verdicts) - len(failed)), ok=not failed)
    in_playbook = [c for c in case_list if not c.reads and (not quick or c.kind != 'module')]
    modes = [('in worker', {})] if quick else [('in worker', {}), ('module process', {'SAPCLOUD_IN_WORKER': 'false'})]
    for mode, env in modes:
        suite.emulator.reset_stats()
        run = suite.playbook('bad-input ' + mode, bad_inputs.playbook(in_playbook), env=env,
                             extra_vars={'bad_input_password': bad_inputs.PASSWORD})
        requests = suite.emulator.stats()['total']['requests']
        verdicts = bad_inputs.judge_playbook(in_playbook, run)
        problems = [c.check() for c in in_playbook if c.check]
        tracebacks = unhandled_exceptions(run.output)
        for case_id, ok, reason in verdicts:
            if not ok:
                failed.add(case_id)
                table.add('bad input (%s)' % mode, case_id, 1, reason, ok=False)
        rejected = sum(1 for v in verdicts if v[1])
        if requests or tracebacks or any(problems):
            failed.update(c.id for c in in_playbook)
        table.add('bad input (%s)' % mode, '%d cases in one playbook' % len(in_playbook), 1,
                  '%d failed naming the parameter; %d requests, %d unhandled exceptions%s'
                  % (rejected, requests, len(tracebacks), '; ' + '; '.join(p for p in problems if p) if any(problems)
                     else ''), ok=rejected == len(in_playbook) and not requests and not tracebacks and not any(problems))
    return len(case_list) - len(failed), len(case_list)


def round_trip_section(suite, table):
    """Accepted values through every output format. Returns (values that held, values)."""
    suite.emulator.reset()
    suite.extra_secrets.add(bad_inputs.PASSWORD)  # the communication users' password of the round trips
    tmp = os.path.join(suite.workdir, 'round-trips')
    results = round_trips.run(InProcess(suite.emulator, tmp), suite.emulator, tmp, bad_inputs.PASSWORD, suite.texts)
    by_format = {}
    for name, label, ok, outcome in results:
        by_format.setdefault(name, []).append((label, ok, outcome))
        if not ok:
            table.add('round trip', '%s: %s' % (name, label), 2, outcome, ok=False)
    for name, entries in by_format.items():
        unchanged = sum(1 for _l, ok, outcome in entries if ok and outcome.startswith('unchanged'))
        refused = [label for label, ok, outcome in entries if ok and outcome.startswith('refused')]
        table.add('round trip', name, 2 * len(entries), '%d of %d values unchanged%s' % (
            unchanged, len(entries), '; refused before any request: %s' % ', '.join(refused) if refused else ''),
            ok=all(ok for _l, ok, _o in entries))
    return sum(1 for r in results if r[2]), len(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--quick', action='store_true', help='the short version make test runs')
    parser.add_argument('--out', help='also write the table and the last line to this file')
    parser.add_argument('--seed', type=int, default=10, help='seed of the interruption points')
    parser.add_argument('--only', default='bad,trips,matrix,modules,kill,concurrency,secrets,groups,certificate')
    parser.add_argument('--keep', action='store_true', help='keep the work folder')
    args = parser.parse_args()
    sections = set(args.only.split(','))
    tenants = TENANTS[:1] if args.quick else TENANTS
    workdir = tempfile.mkdtemp(prefix='sapcloud-faults-')
    started = time.time()
    suite = Suite(workdir, tenants=len(TENANTS))
    table = Table()
    counts = {'duplicates': 0}
    rejected = total = held = trips = 0
    try:
        if 'bad' in sections:
            rejected, total = bad_input_section(suite, table, args.quick)
        if 'trips' in sections:
            held, trips = round_trip_section(suite, table)
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
        suite.collect_tokens()
        secrets = demo_secrets() + [(None, s) for s in suite.extra_secrets if s] + kept_passwords(workdir)
        tokens = [(None, t) for t in sorted(suite.tokens)]
        scanned = suite.texts + context.output_files() + files_under(workdir, 'ansible-tmp') + \
            files_under(workdir, 'tree')
        cache = files_under(workdir, 'token-cache')  # holds tokens by design: scanned for the other secrets
        hits = secret_hits(scanned, secrets + tokens) + secret_hits(cache, secrets)
        for label, what in hits[:20]:
            table.add('secrets', label, '-', what, ok=False)
        table.add('secrets', 'scan', '-', '%d hits: %d secrets (%d with their user), %d tokens; plain, URL, JSON, '
                  '.properties, base64 at every alignment and user:secret; %d outputs, logs, results, temp and JSON '
                  'files, %d token cache files' % (len(hits), len(secrets), sum(1 for user, _s in secrets if user),
                                                   len(tokens), len(scanned), len(cache)), ok=not hits)
    finally:
        suite.stop()
    last = 'faults: %d runs, %d duplicates, %d tracebacks, %d secret hits, %d of %d bad inputs rejected with 0 requests, ' \
        '%d of %d accepted-value round trips unchanged or refused before any request' \
        % (suite.runs, counts['duplicates'], len(tracebacks), len(hits), rejected, total, held, trips)
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
