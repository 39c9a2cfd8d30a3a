"""make test-matrix: the built collection on the oldest and the newest ansible-core of meta/runtime.yml.

    python tests/ecosystem/matrix.py 2.16@3.10 2.21@3.13

For each CORE@PYTHON: a venv under .tmp/matrix/ with that Python and the newest ansible-core CORE.x, the tarball
of `ansible-galaxy collection build` installed with --no-deps, then the smoke set against a fresh emulator:
s4_comm_user and scp_destination (created, then unchanged with 0 writes), and integrate.yml for one tenant (then
again: changed=0, 0 writes). Writes are counted by the emulator. A version that does not install fails the run,
loudly; nothing is skipped.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'integration'))

from conftest import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

WORK = os.path.join(REPO, '.tmp', 'matrix')
# Token requests and the SOAP worker query are POSTs that change nothing on the server.
READ_POSTS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token', '/querybusinessuserin')
SMOKE_PASSWORD = 'Matrix-Smoke-Passw0rd-1'


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


def make_venv(core, python):
    """A venv with ansible-core core.x and the collection's requirements; reused while that is what it holds."""
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
    rc, out = run(pip + ['ansible-core==%s.*' % core, '-r', os.path.join(REPO, 'requirements.txt')])
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
    finally:
        emulator.stop()
    return lines


def claimed_range():
    """(oldest, newest) ansible-core minor of meta/runtime.yml's requires_ansible ('>=2.A.0,<2.B.0')."""
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        text = handle.read()
    match = re.search(r"requires_ansible:\s*'>=(\d+)\.(\d+)\.0,<(\d+)\.(\d+)\.0'", text)
    if not match:
        raise MatrixError("meta/runtime.yml: requires_ansible is not of the form '>=2.A.0,<2.B.0'")
    major, low, major_high, high = (int(g) for g in match.groups())
    return '%d.%d' % (major, low), '%d.%d' % (major_high, high - 1)


def main(specs):
    os.makedirs(WORK, exist_ok=True)
    cores = [spec.partition('@')[0] for spec in specs]
    oldest, newest = claimed_range()
    if oldest not in cores or newest not in cores:
        print('FAILED: meta/runtime.yml claims ansible-core %s to %s, the matrix runs %s' % (oldest, newest, cores))
        return 1
    tarball = build_tarball()
    print('built %s (%d KB)' % (os.path.relpath(tarball, REPO), os.path.getsize(tarball) // 1024))
    failures = []
    for spec in specs:
        core, python_version = spec.split('@', 1)
        work = tempfile.mkdtemp(prefix='core-%s-' % core, dir=WORK)
        try:
            venv = make_venv(core, find_python(python_version))
            print('\n'.join(smoke(core, venv, tarball, work)))
            print('PASSED ansible-core %s' % core)
            shutil.rmtree(work, ignore_errors=True)
        except (MatrixError, RuntimeError) as error:
            print('=' * 78)
            print('FAILED ansible-core %s on Python %s: %s' % (core, python_version, error))
            print('(work dir kept: %s)' % work)
            print('=' * 78)
            failures.append(core)
    print('%d passed, %d failed' % (len(specs) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
