"""make mutants: does the suite notice when the code breaks? Seeds known defects, one at a time, into a COPY of the
checkout (.tmp/mutants/tree; the checkout itself is never touched) and runs the part of the suite that should catch
each one there. A defect is caught when that part fails; each part is first run on the unchanged copy, where it
must pass (else nothing it says about a defect counts).

    python tests/mutants/run.py [--only NAME,...] [--keep]

Last line: `mutants: K seeded defects, C caught`; exit status 0 only when C equals K.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COPY = os.path.join(REPO, '.tmp', 'mutants', 'tree')
PYTHON = sys.executable
IGNORED = ('.git', '.venv', '.build', '.tmp', 'output', '__pycache__', '.pytest_cache')

# The parts of the suite the defects are judged by (commands run in the copy).
BAD_INPUT = ('bad input', [PYTHON, 'tests/faults/run.py', '--quick', '--only', 'bad'])
ROUND_TRIPS = ('round trips and secret scan', [PYTHON, 'tests/faults/run.py', '--quick', '--only', 'trips'])
RESILIENCE = ('POST confirmation tests', [PYTHON, '-m', 'pytest', '-q', '-x', 'tests/integration/test_resilience.py',
                                          '-k', 'applied or lost_after_apply'])
FAULT_MATRIX = ('quick fault matrix', [PYTHON, 'tests/faults/run.py', '--quick', '--only', 'matrix'])
UNIT_CSV = ('CSV unit tests', [PYTHON, '-m', 'pytest', '-q', '-x', 'tests/unit/test_ips_idm.py'])

# (name, file, text as it is, text of the defect, parts that must catch it)
MUTANTS = [
    ('a POST retried blindly (no read whether the first attempt applied)',
     'plugins/module_utils/protocols/http_client.py',
     '            found = find()\n', '            found = None\n', [RESILIENCE, FAULT_MATRIX]),
    ('an input check removed (host_name)', 'plugins/module_utils/checks.py',
     '    if not HOST_NAME.fullmatch(value):\n', '    if False:\n', [BAD_INPUT]),
    # Ansible masks a no_log option's value wherever it appears as given, so the leak is a form Ansible cannot
    # recognise: the password URL-encoded (as in a query string).
    ('a password in a warning (URL-encoded)', 'plugins/modules/s4_comm_user.py',
     '    check_password(params[\'password\'], \'password\')\n',
     '    check_password(params[\'password\'], \'password\')\n'
     '    from urllib.parse import quote\n'
     '    module.warn(\'retry with ?password=%s\' % quote(params[\'password\'], safe=\'\'))\n', [ROUND_TRIPS]),
    ('a Basic header in a warning', 'plugins/modules/s4_comm_user.py',
     '    check_password(params[\'password\'], \'password\')\n',
     '    check_password(params[\'password\'], \'password\')\n'
     '    import base64\n'
     '    module.warn(\'Authorization: Basic %s\' % base64.b64encode((\'%s:%s\' % (params[\'api_user\'], '
     'params[\'api_password\'])).encode()).decode())\n', [ROUND_TRIPS]),
    ('a wrong changed (always true)', 'plugins/modules/s4_comm_user.py',
     '    return ensure.result(user_id=user.get(\'ID\', \'\'), user=user)\n',
     '    return dict(ensure.result(user_id=user.get(\'ID\', \'\'), user=user), changed=True)\n', [ROUND_TRIPS]),
    ('a CSV value not escaped (formula cell)', 'plugins/module_utils/clients/idm.py',
     '    return "\'" + value if value.startswith(fmt.CSV_FORMULA_PREFIXES + ("\'",)) else value\n',
     '    return value\n', [ROUND_TRIPS, UNIT_CSV]),
    ('a file written without the ownership check', 'plugins/module_utils/clients/handoff.py',
     '        if problem and not self.force:\n', '        if problem and False:\n', [BAD_INPUT]),
    ('a token in a log line', 'plugins/module_utils/protocols/oauth.py',
     "        self._token = body['access_token']\n",
     "        self._token = body['access_token']\n"
     "        from ansible.module_utils.common.warnings import warn\n"
     "        warn('got a new token %s' % self._token)\n", [ROUND_TRIPS]),
    ('an api_url port out of range let through', 'plugins/module_utils/checks.py',
     "        return 'the port must be a number between 1 and 65535'\n    if port == 0:\n",
     "        return None\n    if port == 0:\n", [BAD_INPUT]),
    ('a str option given a dict let through', 'plugins/module_utils/plumbing/module.py',
     "        if option.get('type', 'str') in ('str', 'path') and isinstance(value, (dict, list)):\n",
     "        if False:\n", [BAD_INPUT]),
]


def make_copy():
    shutil.rmtree(COPY, ignore_errors=True)
    shutil.copytree(REPO, COPY, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED))
    os.symlink(os.path.join(REPO, '.venv'), os.path.join(COPY, '.venv'))


def run_part(part):
    """(passed?, seconds, what it said) of one part of the suite run in the copy: the first problem the fault
    suite listed, or pytest's last line."""
    started = time.time()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
    proc = subprocess.run(part[1], cwd=COPY, env=env, capture_output=True, text=True, timeout=3600, check=False)
    lines = [line.strip() for line in (proc.stdout + proc.stderr).strip().splitlines() if line.strip()]
    if 'problems:' in lines:
        lines = lines[lines.index('problems:') + 1:][:1]
    elif any(line.startswith('FAILED ') for line in lines):
        lines = [line for line in lines if line.startswith('FAILED ')][:1] + lines[-1:]
    return proc.returncode == 0, time.time() - started, lines[-3:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--only', help='names (or the start of names) of the defects to seed, comma separated')
    parser.add_argument('--keep', action='store_true', help='keep the copy')
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or any(m[0].startswith(o) for o in args.only.split(','))]
    make_copy()
    baseline = {}
    parts = dict((part[0], part) for mutant in chosen for part in mutant[4])
    for _name, part in sorted(parts.items()):
        ok, seconds, tail = run_part(part)
        baseline[part[0]] = ok
        print('baseline   %-30s %s (%.0f s)%s' % (part[0], 'passes' if ok else 'FAILS', seconds,
                                                  '' if ok else '\n  ' + '\n  '.join(tail)), flush=True)
    caught = 0
    for name, path, old, new, parts in chosen:
        target = os.path.join(COPY, path)
        with open(target) as handle:
            original = handle.read()
        if original.count(old) != 1:
            print('NOT SEEDED %s: the text to change occurs %d times in %s' % (name, original.count(old), path))
            continue
        with open(target, 'w') as handle:
            handle.write(original.replace(old, new))
        try:
            verdicts = []
            for part in parts:
                ok, seconds, tail = run_part(part)
                verdicts.append((part[0], baseline[part[0]] and not ok, seconds, tail))
        finally:
            with open(target, 'w') as handle:
                handle.write(original)
        noticed = [v for v in verdicts if v[1]]
        caught += bool(noticed) and all(v[1] for v in verdicts)
        for part, hit, seconds, tail in verdicts:
            verdict = ('caught', 'failed') if hit else ('MISSED', 'passed')
            print('%-8s %s: %s %s (%.0f s): %s' % (verdict[0], name, part, verdict[1], seconds, ' | '.join(tail)[:300]),
                  flush=True)
    if not args.keep:
        shutil.rmtree(os.path.dirname(COPY), ignore_errors=True)
    print('mutants: %d seeded defects, %d caught' % (len(chosen), caught))
    return 0 if caught == len(chosen) else 1


if __name__ == '__main__':
    sys.exit(main())
