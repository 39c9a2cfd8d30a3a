"""`python -m emulator` for people (what `make emulator` runs): every host with its demo credentials, a fresh state
unless --keep-state, and one line for a busy port. No ansible-playbook run."""

import json
import os
import socket
import subprocess
import sys
import time

import requests

from conftest import DEMO, REPO

TESTS = os.path.join(REPO, 'tests')


def free_port_block(size=12):
    """A first port with `size` free ports after it (checked, not reserved)."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            base = probe.getsockname()[1]
        if base + size >= 65535:
            continue
        try:
            sockets = []
            for port in range(base, base + size):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(('127.0.0.1', port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError('no free port block')


def start(state_dir, base, *extra):
    return subprocess.Popen([sys.executable, '-m', 'emulator', '--tenants', '1', '--base-port', str(base),
                             '--state-dir', str(state_dir)] + list(extra), cwd=REPO, env=dict(os.environ, PYTHONPATH=TESTS),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_ready(proc, state_dir):
    for _attempt in range(200):
        if (state_dir / 'vars.json').exists() and (state_dir / 'vars.json').stat().st_size:
            return json.loads((state_dir / 'vars.json').read_text())['emulator_urls']
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise AssertionError('the emulator did not start')


def stop(proc):
    proc.terminate()
    out, err = proc.communicate(timeout=10)
    return out, err


def test_credentials_fresh_state_keep_state_and_a_busy_port(tmp_path):
    base = free_port_block()
    first = start(tmp_path, base, '--seed-demo')
    try:
        urls = wait_ready(first, tmp_path)
        # Something to keep: a seeded communication user.
        requests.post(urls['s4_t1'] + '/_emulator/seed', timeout=10,
                      json={'host': 's4_t1', 'data': {'users': [{'Name': 'IT_KEPT', 'Password': 'Kept-User-Passw0rd-1!',
                                                                 'Description': 'kept'}]}}).raise_for_status()
        busy = start(tmp_path / 'other', base)
        out, err = busy.communicate(timeout=30)
        assert busy.returncode == 2
        assert err.strip().count('\n') == 0 and 'in use' in err and str(base) in err and 'Traceback' not in err
    finally:
        out = stop(first)[0]
    assert 'state: %s (fresh)' % tmp_path in out
    for user, secret in (('s4_admin_user', 's4_admin_password'), ('neo_platform_client_id', 'neo_platform_client_secret'),
                         ('neo_oauth_client_id', 'neo_oauth_client_secret'), ('ias_client_id', 'ias_client_secret'),
                         ('ips_admin_user', 'ips_admin_password'), ('idm_admin_user', 'idm_admin_password')):
        assert '%s / %s' % (DEMO[user], DEMO[secret]) in out
    for host in urls:
        assert host in out

    def users_after(*flags):
        proc = start(tmp_path, base, '--seed-demo', *flags)
        try:
            state = requests.get(wait_ready(proc, tmp_path)['s4_t1'] + '/_emulator/state', timeout=10).json()
        finally:
            stop(proc)
        return sorted(u['Name'] for u in state['users'].values())

    (tmp_path / 'vars.json').unlink()
    assert users_after('--keep-state') == sorted([DEMO['s4_admin_user'], 'IT_KEPT'])
    (tmp_path / 'vars.json').unlink()
    assert users_after() == [DEMO['s4_admin_user']]
