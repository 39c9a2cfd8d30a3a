"""Certificate verification of the modules against an HTTPS emulator with a throw-away CA (tests/emulator/tls.py).

A second emulator (one S/4 tenant plus the BTP hosts) serves HTTPS; its CA certificate is ca.pem in its state
directory. Requests are counted by that emulator at the HTTP layer, so a failed TLS handshake counts none.
"""

import os
import shutil
import socket
import threading

import pytest

from btp_support import CF_TOKEN, cf_service_key
from conftest import Ansible, EmulatorProcess, s4_connection

USER_INFO = 'sapcloud.identity.s4_comm_user_info'
DEST_INFO = 'sapcloud.identity.scp_destination_info'
HOST = 's4_t1'
CERT_ERROR = 'CERTIFICATE_VERIFY_FAILED'
# Variables through which a CA could reach the module other than its options; none may leak into these runs.
CA_VARIABLES = ('SAPCLOUD_CA_PATH', 'SAPCLOUD_VALIDATE_CERTS', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE',
                'SSL_CERT_DIR')


class IsolatedAnsible(Ansible):
    """Ansible runs whose TLS settings come only from the task's options."""

    def env(self, extra=None):
        env = super().env(extra)
        for name in CA_VARIABLES:
            env.pop(name, None)
        return env


@pytest.fixture(scope='module')
def tls_emulator(tmp_path_factory):
    state_dir = str(tmp_path_factory.mktemp('tls-emulator'))
    process = EmulatorProcess(state_dir, tenants=1, tls=True)
    yield process
    process.stop()
    shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture
def tls_ansible(tls_emulator, tmp_path):
    os.makedirs(os.path.join(str(tmp_path), 'ansible-tmp'), exist_ok=True)
    return IsolatedAnsible(tls_emulator, str(tmp_path))


@pytest.fixture(autouse=True)
def fresh_stats(tls_emulator):
    tls_emulator.reset_stats()


def requests_to(emulator, host):
    return emulator.stats()['hosts'].get(host, {}).get('requests', 0)


def paths(emulator, host):
    return emulator.stats()['hosts'].get(host, {}).get('paths', {})


def assert_clean_failure(run, *words):
    assert run.failed, run
    for word in words:
        assert word in run.msg, (word, run.msg)
    assert 'Traceback' not in run.run.output and 'MODULE FAILURE' not in run.run.output, run.run.output[-3000:]


def read_admin(tls_ansible, tls_emulator, **tls):
    conn = s4_connection(tls_emulator, HOST)
    return tls_ansible.task(USER_INFO, {'name': conn['api_user']}, defaults=dict(conn, **tls))


def test_emulator_serves_https_with_its_own_ca(tls_emulator):
    assert tls_emulator.url(HOST).startswith('https://127.0.0.1:')
    assert tls_emulator.ca_path and os.path.isfile(tls_emulator.ca_path)


def test_s4_with_ca_path_succeeds(tls_emulator, tls_ansible):
    run = read_admin(tls_ansible, tls_emulator, ca_path=tls_emulator.ca_path)
    assert not run.failed, run.msg
    assert [u['Name'] for u in run.data['users']] == [tls_emulator.demo['s4_admin_user']]
    assert requests_to(tls_emulator, HOST) == 1


def test_s4_without_ca_path_fails_on_the_certificate(tls_emulator, tls_ansible):
    run = read_admin(tls_ansible, tls_emulator)  # validate_certs defaults to true, the system CAs do not know ours
    assert_clean_failure(run, 'GET', 'no response', CERT_ERROR)
    assert requests_to(tls_emulator, HOST) == 0  # the handshake failed: no HTTP request reached the server


def test_s4_with_a_foreign_ca_fails_on_the_certificate(tls_emulator, tls_ansible, tmp_path_factory):
    """A ca_path that holds some other CA is no better than none."""
    from emulator.tls import server_context  # pylint: disable=import-outside-toplevel
    other = str(tmp_path_factory.mktemp('other-ca'))
    server_context(other)
    run = read_admin(tls_ansible, tls_emulator, ca_path=os.path.join(other, 'ca.pem'))
    assert_clean_failure(run, 'GET', CERT_ERROR)
    assert requests_to(tls_emulator, HOST) == 0


def test_s4_with_validate_certs_false_succeeds(tls_emulator, tls_ansible):
    run = read_admin(tls_ansible, tls_emulator, validate_certs=False)
    assert not run.failed, run.msg
    assert requests_to(tls_emulator, HOST) == 1


def test_btp_token_and_destination_service_over_tls(tls_emulator, tls_ansible):
    args = {'platform': 'cf', 'service_key': cf_service_key(tls_emulator)}
    assert args['service_key']['url'].startswith('https://')
    run = tls_ansible.task(DEST_INFO, dict(args, ca_path=tls_emulator.ca_path))
    assert not run.failed, run.msg
    assert paths(tls_emulator, 'cf_uaa') == {CF_TOKEN: 1}
    assert requests_to(tls_emulator, 'cf_destination') == 1


def test_btp_token_endpoint_without_ca_path_fails_on_the_certificate(tls_emulator, tls_ansible):
    args = {'platform': 'cf', 'service_key': cf_service_key(tls_emulator)}
    run = tls_ansible.task(DEST_INFO, args)
    assert_clean_failure(run, 'POST', '/oauth/token', CERT_ERROR)
    assert requests_to(tls_emulator, 'cf_uaa') == 0
    assert requests_to(tls_emulator, 'cf_destination') == 0


class HandshakeCounter:
    """A TLS listener with a throw-away CA nobody trusts: counts TCP connections (one per client attempt)."""

    def __init__(self, state_dir):
        from emulator.tls import server_context  # pylint: disable=import-outside-toplevel
        self.context = server_context(state_dir)
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = 'https://127.0.0.1:%d' % self.sock.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopped.is_set():
            try:
                conn, _addr = self.sock.accept()
            except socket.timeout:
                continue
            self.connections += 1
            conn.settimeout(5)
            try:
                self.context.wrap_socket(conn, server_side=True).close()
            except (OSError, ValueError):
                conn.close()

    def stop(self):
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


def test_certificate_failure_is_not_retried(tls_ansible, tmp_path):
    counter = HandshakeCounter(str(tmp_path / 'untrusted'))
    try:
        run = tls_ansible.task(USER_INFO, {'name': 'ANY'}, defaults={'api_url': counter.url, 'api_user': 'ANY',
                                                                     'api_password': 'Any-Password-Of-20-Chars'})
    finally:
        counter.stop()
    assert_clean_failure(run, 'GET', CERT_ERROR)
    assert counter.connections == 1


def test_certificate_failure_names_ca_path_and_validate_certs(tls_emulator, tls_ansible):
    run = read_admin(tls_ansible, tls_emulator)
    assert_clean_failure(run, 'TLS verification failed', 'ca_path', 'SAPCLOUD_CA_PATH', 'validate_certs',
                         'SAPCLOUD_VALIDATE_CERTS')
    assert 'Max retries exceeded' not in run.msg


def test_http_against_the_https_port_is_explained_in_one_attempt(tls_ansible, tmp_path):
    """http:// to a TLS port: one request and one handshake probe, then the fix; not four 'Connection aborted'."""
    counter = HandshakeCounter(str(tmp_path / 'untrusted'))
    try:
        run = tls_ansible.task(USER_INFO, {'name': 'ANY'}, defaults={
            'api_url': counter.url.replace('https://', 'http://'), 'api_user': 'ANY',
            'api_password': 'Any-Password-Of-20-Chars'})
    finally:
        counter.stop()
    assert_clean_failure(run, 'GET', 'answers with TLS: use https:// instead of http://')
    assert counter.connections == 2


def test_the_preflight_names_an_unanswered_first_request_by_its_cause(tls_emulator, tls_ansible):
    """s4_preflight words the cause the HTTP client names (ApiError.unanswered): an untrusted certificate, a proxy
    that does not pass the request, or no answer at all; each is one fact that differs."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(('127.0.0.1', 0))
        closed = probe.getsockname()[1]

    def different(env=None, **options):
        run = tls_ansible.task('sapcloud.identity.s4_preflight', dict(s4_connection(tls_emulator), **options), env=env)
        assert not run.failed, run.msg
        return dict((f['fact'], f) for f in run.data['facts'] if f['verdict'] == 'different')

    untrusted = different()
    assert list(untrusted) == ['TLS certificate trusted'] and CERT_ERROR in untrusted['TLS certificate trusted']['found']
    proxied = different(env={'HTTPS_PROXY': 'http://127.0.0.1:%d' % closed, 'NO_PROXY': '', 'no_proxy': ''},
                        ca_path=tls_emulator.ca_path)
    assert list(proxied) == ['HTTP proxy'], proxied
    assert list(different(api_url='https://127.0.0.1:%d' % closed)) == ['API host reachable']
    assert requests_to(tls_emulator, HOST) == 0
