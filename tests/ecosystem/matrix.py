"""make test-matrix: the built collection on the oldest ansible-core meta/runtime.yml supports and on the newest one
the package registry offers.

    python tests/ecosystem/matrix.py oldest@3.10 newest@3.13

Each leg is CORE@PYTHON. CORE is `oldest` (the newest release of requires_ansible's lower bound, 2.16.x), `newest`
(the newest ansible-core pip finds for that Python, pre-releases included) or a version (2.18 for the newest
2.18.x, 2.22.0rc1 exactly). For each leg: a venv under .tmp/matrix/ with that Python and that ansible-core, the
tarball of `ansible-galaxy collection build` installed with --no-deps, then the smoke set against a fresh emulator:
s4_comm_user and scp_destination (created, then unchanged with 0 writes), integrate.yml for one tenant (then again:
changed=0, 0 writes), and a probe module in the worker and as a module process (same result, warnings and masking).
Writes are counted by the emulator. A version that does not install fails the run, loudly; nothing is skipped. The
last line names the versions that ran and their results.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'integration'))

from conftest import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from probe_collection import parity_play, write_probe_collection  # noqa: E402  pylint: disable=wrong-import-position

WORK = os.path.join(REPO, '.tmp', 'matrix')
# Token requests and the SOAP worker query are POSTs that change nothing on the server.
READ_POSTS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token', '/querybusinessuserin')
SMOKE_PASSWORD = 'Matrix-Smoke-Passw0rd-1'
PROBE_SECRET = 'Matrix-Probe-Secret-1'


class MatrixError(Exception):
    pass


def run(cmd, env=None, cwd=REPO, timeout=1800):
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except OSError as error:
        return 127, str(error)
    return proc.returncode, proc.stdout + proc.stderr


def build_tarball():
    dist = os.path.join(WORK, 'dist')
    shutil.rmtree(dist, ignore_errors=True)
    os.makedirs(dist)
    galaxy = os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy')
    rc, out = run([galaxy, 'collection', 'build', '--output-path', dist, REPO])
    tarballs = glob.glob(os.path.join(dist, 'sapcloud-identity-*.tar.gz'))
    if rc or len(tarballs) != 1:
        raise MatrixError('ansible-galaxy collection build failed:\n' + out)
    return tarballs[0]


def find_python(version):
    """The pyenv build of that version, else python3.X on PATH; the one that really runs (pyenv shims may not)."""
    candidates = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python' % version)))
    candidates.append(shutil.which('python' + version) or 'python' + version)
    for python in candidates:
        rc, out = run([python, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])
        if rc == 0 and out.strip() == version:
            return python
    raise MatrixError('Python %s is not installed here (tried %s)' % (version, ', '.join(candidates)))


def requirement(core):
    """pip's requirement for a leg's core: 2.18 is the newest 2.18.x, 2.22.0rc1 exactly that."""
    return 'ansible-core==%s%s' % (core, '.*' if core.count('.') == 1 else '')


def newest_core(python):
    """The newest ansible-core pip finds for this Python, pre-releases included."""
    rc, out = run([python, '-m', 'pip', 'index', 'versions', 'ansible-core', '--pre', '--disable-pip-version-check'])
    match = re.search(r'^ansible-core \(([^)]+)\)', out, re.M)
    if rc or not match:
        raise MatrixError('cannot ask the package registry for ansible-core versions:\n' + out[-2000:])
    return match.group(1)


def make_venv(core, python):
    """A venv with ansible-core `core` and the collection's requirements; reused while that is what it holds."""
    venv = os.path.join(WORK, 'core-%s' % core)
    marker = os.path.join(venv, '.installed')
    wanted = '%s %s %s' % (core, python, open(os.path.join(REPO, 'requirements.txt')).read())
    if os.path.exists(marker) and open(marker).read() == wanted:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    rc, out = run([python, '-m', 'venv', venv])
    if rc:
        raise MatrixError('cannot create a venv with %s:\n%s' % (python, out))
    pip = [os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check']
    rc, out = run(pip + [requirement(core), '-r', os.path.join(REPO, 'requirements.txt')])
    if rc:
        raise MatrixError('ansible-core %s does not install on %s:\n%s' % (core, python, out[-3000:]))
    with open(marker, 'w') as handle:
        handle.write(wanted)
    return venv


def writes(emulator):
    return sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
               if not call.startswith('GET ') and not call.endswith(READ_POSTS))


def recap(out):
    """(changed, failed + unreachable) summed over the PLAY RECAP lines."""
    changed = failed = 0
    for line in out.split('PLAY RECAP', 1)[-1].splitlines():
        counts = dict(re.findall(r'(\w+)=(\d+)', line))
        changed += int(counts.get('changed', 0))
        failed += int(counts.get('failed', 0)) + int(counts.get('unreachable', 0))
    return changed, failed


def smoke(core, venv, tarball, work):
    """The smoke set on one venv; returns lines for the report, raises MatrixError on the first failure."""
    bindir = os.path.join(venv, 'bin')
    collections = os.path.join(work, 'collections')
    rc, out = run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'install', '--no-deps', '--force',
                   '-p', collections, tarball])
    if rc:
        raise MatrixError('the tarball does not install with ansible-core %s:\n%s' % (core, out))
    rc, version = run([os.path.join(bindir, 'python'), '-c', 'import ansible.release; print(ansible.release.__version__)'])
    installed = os.path.join(collections, 'ansible_collections', 'sapcloud', 'identity')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
               ANSIBLE_LOCAL_TEMP=os.path.join(work, 'ansible-tmp'),
               SAPCLOUD_TOKEN_CACHE_DIR=os.path.join(work, 'token-cache'), SAPCLOUD_RETRY_DELAY_SCALE='0.01',
               PATH=bindir + os.pathsep + os.environ.get('PATH', ''))
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_CALLBACKS_ENABLED', 'ANSIBLE_STDOUT_CALLBACK'):
        env.pop(name, None)
    state_dir = os.path.join(work, 'emulator')
    os.makedirs(state_dir)
    emulator = EmulatorProcess(state_dir, tenants=1)
    lines = ['ansible-core %s (%s)' % (version.strip(), os.path.basename(os.path.realpath(
        os.path.join(bindir, 'python'))))]
    try:
        def playbook(label, args, expect_changed):
            emulator.reset_stats()
            cmd = [os.path.join(bindir, 'ansible-playbook'), '-e', '@' + emulator.vars_file] + args
            rc, out = run(cmd, env=env, cwd=work)
            changed, failed = recap(out)
            written = writes(emulator)
            lines.append('  %-34s rc=%d changed=%d failed=%d writes=%d' % (label, rc, changed, failed, written))
            if rc or failed or 'PLAY RECAP' not in out:
                raise MatrixError('%s failed on ansible-core %s:\n%s' % (label, core, out[-6000:]))
            if expect_changed and not (changed and written):
                raise MatrixError('%s changed nothing on a fresh emulator:\n%s' % (label, out[-3000:]))
            if not expect_changed and (changed or written):
                raise MatrixError('%s was not a no-op (changed=%d, writes=%d):\n%s'
                                  % (label, changed, written, out[-3000:]))

        smoke_args = [os.path.join(HERE, 'smoke.yml'), '-e', 'smoke_password=' + SMOKE_PASSWORD]
        playbook('s4_comm_user + scp_destination', smoke_args, True)
        playbook('  again', smoke_args, False)
        # The collection's own playbook and emulator inventory, as installed from the tarball.
        integrate = ['sapcloud.identity.integrate', '-i', os.path.join(installed, 'playbooks', 'inventory', 'emulator'),
                     '--limit', 's4_t1', '-e', 'sapcloud_secrets_dir=' + os.path.join(work, 'secrets'),
                     '-e', 'sapcloud_output_dir=' + os.path.join(work, 'output')]
        playbook('integrate.yml (s4_t1)', integrate, True)
        playbook('  again', integrate, False)
        parity(bindir, env, work, lines)
    finally:
        emulator.stop()
    return lines


def parity(bindir, env, work, lines):
    """The probe module in the worker and as a module process: the same result, warnings, deprecations and masking
    of its no_log value, on this core."""
    probe = write_probe_collection(os.path.join(work, 'probe'))
    play = os.path.join(work, 'parity.yml')
    with open(play, 'w') as handle:
        yaml.safe_dump(parity_play(PROBE_SECRET, os.path.join(bindir, 'python')), handle)
    probe_env = dict(env, ANSIBLE_COLLECTIONS_PATH=env['ANSIBLE_COLLECTIONS_PATH'] + os.pathsep + probe)
    rc, out = run([os.path.join(bindir, 'ansible-playbook'), '-v', play], env=probe_env, cwd=work)
    shown = [out.split('TASK [%s]' % task, 1)[-1].split('TASK [', 1)[0].count(PROBE_SECRET)
             for task in ('in the worker', 'as a module process')]
    fallback = re.search(r'runs its modules as module processes.*?relies on: (.*?)\. Please report it',
                         ' '.join(out.split()))
    lines.append('  %-34s rc=%d secret shown %d x in the worker, %d x by the module process; runner: %s'
                 % ('probe: worker against process', rc, shown[0], shown[1],
                    'module processes (%s)' % fallback.group(1) if fallback else 'in the worker'))
    if rc or shown[0] != shown[1]:
        raise MatrixError('the worker and the module process differ:\n' + out[-6000:])


def oldest_core():
    """The lower bound of meta/runtime.yml's requires_ansible ('>=2.A.0'), as 2.A."""
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        match = re.search(r"requires_ansible:\s*'>=(\d+\.\d+)\.0'", handle.read())
    if not match:
        raise MatrixError("meta/runtime.yml: requires_ansible is not of the form '>=2.A.0'")
    return match.group(1)


def resolve(core, python):
    """The core a leg asks for, as pip installs it, and how it was chosen."""
    if core == 'oldest':
        return oldest_core(), "requires_ansible's lower bound"
    if core == 'newest':
        version = newest_core(python)
        kind = 'pre-release' if re.search(r'[a-z]', version) else 'release'
        return version, 'the newest on the package registry (%s)' % kind
    return core, 'asked for'


def main(specs):
    os.makedirs(WORK, exist_ok=True)
    if not any(spec.startswith('oldest@') or spec.startswith(oldest_core() + '@') for spec in specs):
        print('FAILED: the matrix does not run the oldest ansible-core meta/runtime.yml supports (%s)' % oldest_core())
        return 1
    tarball = build_tarball()
    print('built %s (%d KB)' % (os.path.relpath(tarball, REPO), os.path.getsize(tarball) // 1024))
    ran = []
    for spec in specs:
        asked, python_version = spec.split('@', 1)
        work = tempfile.mkdtemp(prefix='core-%s-' % asked, dir=WORK)
        core = asked
        try:
            python = find_python(python_version)
            core, why = resolve(asked, python)
            print('== ansible-core %s on Python %s: %s' % (core, python_version, why))
            venv = make_venv(core, python)
            lines = smoke(core, venv, tarball, work)
            print('\n'.join(lines))
            core = lines[0].split()[1]  # the version that ran
            print('PASSED ansible-core %s' % core)
            ran.append('%s passed' % core)
            shutil.rmtree(work, ignore_errors=True)
        except (MatrixError, RuntimeError) as error:
            print('=' * 78)
            print('FAILED ansible-core %s on Python %s: %s' % (core, python_version, error))
            print('(work dir kept: %s)' % work)
            print('=' * 78)
            ran.append('%s FAILED' % core)
    failures = sum(1 for leg in ran if leg.endswith('FAILED'))
    print('matrix: ansible-core %s; %d passed, %d failed' % (', '.join(ran), len(ran) - failures, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
