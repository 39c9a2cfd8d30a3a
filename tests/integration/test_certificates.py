"""Certificate authentication against an emulator that speaks mutual TLS (emulator --mtls, tests/emulator/tls.py).

Test certificates are made here, at test time (tests/emulator/certs.py), from the emulator's test client CA and
written to the test's temporary folder; none is committed. Requests and writes are counted by the emulator.
"""

import json
import os
import sys

import pytest

from conftest import DEMO, InProcess, mtls_emulator, s4_connection
from emulator import certs
from helpers import measure, unique

USER = 'sapcloud.identity.s4_comm_user'
USER_INFO = 'sapcloud.identity.s4_comm_user_info'
SYSTEM = 'sapcloud.identity.s4_comm_system'
ARRANGEMENT = 'sapcloud.identity.s4_comm_arrangement'
HOST = 's4_t1'
PASSPHRASE = 'Test-Key-Passphrase-7'


@pytest.fixture(scope='module')
def mtls(tmp_path_factory):
    yield from mtls_emulator(tmp_path_factory, 'mtls-emulator', tenants=1)


@pytest.fixture
def run(mtls, tmp_path):
    mtls.reset_stats()
    return InProcess(mtls, str(tmp_path))


def variant(emulator, **settings):
    emulator.fault(host=HOST, action='certificates', **settings)


@pytest.fixture(autouse=True)
def default_variant(mtls):
    """The base tenant: no tenant variant, no certificate setting of an earlier test."""
    mtls._call('POST', 'variants', json={'host': HOST, 'names': []})
    variant(mtls, shape='binary', max_certificates=None, password_required=False)
    yield
    mtls._call('POST', 'variants', json={'host': HOST, 'names': []})


def tenant_variant(mtls, name):
    """A named tenant variant (tests/emulator/variants.py) instead of the faults action: the base settings go
    first, since a faults setting wins over a variant."""
    mtls.reset(HOST)
    mtls._call('POST', 'variants', json={'host': HOST, 'names': [name]})


def issue(emulator, directory, common_name, passphrase=None, **kwargs):
    """(certificate file, key file, certificate) issued by the emulator's test client CA."""
    certificate, key = emulator.client_ca.issue(common_name, **kwargs)
    cert_path, key_path = certs.write_pem_files(str(directory), common_name, certificate, key, passphrase)
    return cert_path, key_path, certificate


def held(emulator, user_id):
    return sorted(e['Subject'] for e in emulator.state(HOST)['certificates'].values() if e['UserID'] == user_id)


@pytest.mark.parametrize('shape', ['binary', 'pem'])
def test_user_certificates_add_keep_purge(mtls, run, tmp_path, shape):
    """Both plausible write shapes: the module reads the one in force from $metadata."""
    variant(mtls, shape=shape)
    conn = s4_connection(mtls, HOST)
    first, _key, first_cert = issue(mtls, tmp_path, unique('IPS'))
    second, second_key, second_cert = issue(mtls, tmp_path, unique('IPS'))
    name = unique('CERT_USER')
    args = {'name': name, 'description': 'certificate user', 'certificates': [first]}

    result, requests, writes = measure(mtls, lambda: run.task(USER, args, defaults=conn, check=True, diff=True))
    assert result.changed and not result.failed, result.msg
    assert writes == 0
    assert result.data['actions'] == ['create', 'add_certificate']

    result, requests, writes = measure(mtls, lambda: run.task(USER, args, defaults=conn, diff=True))
    assert result.changed and not result.failed, result.msg
    assert result.data['actions'] == ['create', 'add_certificate']
    assert writes == 2  # POST user (no password), POST certificate
    user_id = result.data['user_id']
    assert held(mtls, user_id) == [first_cert.subject.rfc4514_string()]
    added = result.data['diff']['after']['certificates'][0]
    assert added['fingerprint_sha256'] == certs_fingerprint(first_cert)
    assert added['not_after'].startswith(str(first_cert.not_valid_after_utc.year))
    assert 'PRIVATE' not in json.dumps(result.data)
    assert mtls.state(HOST)['users'][user_id]['PasswordStatus'] == 'inactive'

    result, requests, writes = measure(mtls, lambda: run.task(USER, args, defaults=conn))
    assert not result.changed and not result.failed, result.msg
    assert (requests, writes) == (2, 0)  # user by name, certificates of the user

    # Another certificate beside the first: kept without purge.
    result, requests, writes = measure(mtls, lambda: run.task(USER, dict(args, certificates=[second]), defaults=conn))
    assert result.data['actions'] == ['add_certificate'] and writes == 1
    assert len(held(mtls, user_id)) == 2

    # Purge: the first goes, the second stays; the re-run writes nothing.
    purge = dict(args, certificates=[second], purge_certificates=True)
    result, requests, writes = measure(mtls, lambda: run.task(USER, purge, defaults=conn, diff=True))
    assert result.data['actions'] == ['remove_certificate'] and writes == 1, result.msg
    assert held(mtls, user_id) == [second_cert.subject.rfc4514_string()]
    result, requests, writes = measure(mtls, lambda: run.task(USER, purge, defaults=conn))
    assert not result.changed and writes == 0


def certs_fingerprint(certificate):
    from cryptography.hazmat.primitives import hashes
    return certificate.fingerprint(hashes.SHA256()).hex(':').upper()


def test_explicit_shape_that_the_tenant_refuses(mtls, run, tmp_path):
    """certificate_property given and wrong for this tenant: a clean failure saying the write is unconfirmed."""
    conn = s4_connection(mtls, HOST)
    cert, _key, _c = issue(mtls, tmp_path, unique('IPS'))
    args = {'name': unique('CERT_USER'), 'description': 'x', 'certificates': [cert],
            'certificate_property': 'CertificateContent', 'certificate_encoding': 'pem'}
    result = run.task(USER, args, defaults=conn)
    assert result.failed and 'UNCONFIRMED' in result.msg and 'certificate_property' in result.msg, result.msg


def test_password_required_variant(mtls, run, tmp_path):
    """A tenant that needs a password for every user refuses a certificate-only user; the failure names the
    option, and nothing was created."""
    variant(mtls, password_required=True)
    conn = s4_connection(mtls, HOST)
    cert, _key, _c = issue(mtls, tmp_path, unique('IPS'))
    name = unique('CERT_USER')
    result = run.task(USER, {'name': name, 'description': 'x', 'certificates': [cert]}, defaults=conn)
    assert result.failed and 'Password' in result.msg, result.msg
    assert all(u['Name'] != name for u in mtls.state(HOST)['users'].values())


def test_certificate_limit_variant(mtls, run, tmp_path):
    variant(mtls, max_certificates=1)
    conn = s4_connection(mtls, HOST)
    first, _k, _c = issue(mtls, tmp_path, unique('IPS'))
    second, _k2, _c2 = issue(mtls, tmp_path, unique('IPS'))
    args = {'name': unique('CERT_USER'), 'description': 'x', 'certificates': [first]}
    assert not run.task(USER, args, defaults=conn).failed
    result = run.task(USER, dict(args, certificates=[first, second]), defaults=conn)
    assert result.failed and 'limits how many certificates' in result.msg, result.msg


def x509_admin(mtls, run, tmp_path, passphrase=None):
    """A communication user with a certificate, bound by x509 to a SAP_COM_0A48 arrangement of its own system,
    made with the modules; returns its connection options."""
    conn = s4_connection(mtls, HOST)
    cert, key, _c = issue(mtls, tmp_path, unique('ADMIN'), passphrase=passphrase)
    name = unique('X509_ADMIN')
    system_id = unique('X509_SYS')
    steps = [(USER, {'name': name, 'description': 'x509 admin', 'certificates': [cert]}),
             (SYSTEM, {'system_id': system_id, 'inbound_only': True,
                       'inbound_users': [{'user': name, 'authentication_method': 'x509'}]}),
             (ARRANGEMENT, {'scenario_id': 'SAP_COM_0A48', 'system_id': system_id, 'name': system_id,
                            'inbound_user': name})]
    for module_name, args in steps:
        result = run.task(module_name, args, defaults=conn)
        assert not result.failed, result.msg
    return {'api_url': mtls.url(HOST), 'api_client_cert': cert, 'api_client_key': key,
            'api_client_key_passphrase': passphrase}, name, system_id


def test_bootstrap_user_logs_on_with_certificate(mtls, run, tmp_path):
    conn, name, _system = x509_admin(mtls, run, tmp_path, passphrase=PASSPHRASE)
    result, requests, writes = measure(mtls, lambda: run.task(USER_INFO, {'name': name}, defaults=conn))
    assert not result.failed, result.msg
    assert writes == 0 and requests >= 1
    # Without the certificate, and with no password, the module stops before any request.
    no_cert = dict(conn, api_client_cert=None, api_client_key=None)
    result, requests, writes = measure(mtls, lambda: run.task(USER_INFO, {'name': name}, defaults=no_cert))
    assert result.failed and 'api_user is required' in result.msg and requests == 0, result.msg


def test_switch_inbound_user_basic_and_x509(mtls, run, tmp_path):
    """s4_comm_system switches an inbound user between basic and x509 by PATCH: the arrangement keeps pointing at
    the same inbound user, and the user logs on only the way its inbound user says."""
    conn, name, system_id = x509_admin(mtls, run, tmp_path)
    admin = s4_connection(mtls, HOST)
    state = mtls.state(HOST)
    before = [i['UUID'] for i in state['inbound_users'].values() if i['CommunicationUserID'] in
              [u['ID'] for u in state['users'].values() if u['Name'] == name]]

    def switch(method):
        return run.task(SYSTEM, {'system_id': system_id, 'inbound_only': True,
                                 'inbound_users': [{'user': name, 'authentication_method': method}]}, defaults=admin)
    result, requests, writes = measure(mtls, lambda: switch('basic'))
    assert result.changed and result.data['actions'] == ['update_inbound_user'] and writes == 1, result.msg
    assert run.task(USER_INFO, {'name': name}, defaults=conn).failed  # the certificate no longer logs on
    result, requests, writes = measure(mtls, lambda: switch('x509'))
    assert result.changed and writes == 1
    assert not run.task(USER_INFO, {'name': name}, defaults=conn).failed
    state = mtls.state(HOST)
    after = [i['UUID'] for i in state['inbound_users'].values() if i['UUID'] in before]
    assert after == before
    bound = [a for a in state['arrangements'].values() if a['CommunicationSystemID'] == system_id]
    assert bound[0]['InboundUser']['CommunicationSystemInboundUserUUID'] == before[0]


def test_certificate_bad_inputs(mtls, run, tmp_path):
    """The certificate bad inputs of make faults (tests/faults/certificate_inputs.py), in process: every case fails
    naming its option, before any request; no key or passphrase shows in any result."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'faults', 'inputs'))
    import certificates as certificate_inputs
    wrong = 'Wrong-Passphrase-For-Tests-1'
    case_list = certificate_inputs.cases(str(tmp_path))
    assert len(case_list) >= 12
    conn = s4_connection(mtls, HOST)
    mtls.reset_stats()
    texts = []
    for case_id, _kind, module_name, args, expect in case_list:
        args = dict((k, wrong if v == '{{ bad_input_password }}' else v) for k, v in args.items())
        result = run.task(module_name, args, defaults=conn)
        texts.append(json.dumps(result.data))
        assert result.failed, case_id
        assert all(word.lower() in result.msg.lower() for word in expect), (case_id, result.msg)
        assert 'Traceback' not in result.msg, case_id
    assert mtls.requests() == 0
    for secret in certificate_inputs.secrets(str(tmp_path)) + [wrong]:
        assert not any(secret in text for text in texts), secret


def x509_service_key(mtls, certificate, key, client_id):
    return {'clientid': client_id, 'credential-type': 'x509', 'certurl': mtls.url('cf_uaa'),
            'url': mtls.url('cf_uaa'), 'certificate': certs.pem(certificate).decode(),
            'key': certs.key_pem(key).decode(), 'uri': mtls.url('cf_destination')}


def test_cf_x509_service_key(mtls, run, tmp_path):
    """An X.509 Destination service key: the token request authenticates with the key's certificate (mutual TLS)
    and sends no secret; a certificate the token endpoint does not know fails cleanly, and no key shows."""
    from emulator.services.cf import DEMO_INSTANCE_ID
    certificate, key = mtls.client_ca.issue('sb-x509-client')
    client_id = unique('sb-x509')
    mtls.seed('cf_uaa', {'clients': {client_id: {'certificate_subject': certificate.subject.rfc4514_string(),
                                                 'subaccount': DEMO['cf_subaccount_id'],
                                                 'instance': DEMO_INSTANCE_ID}}})
    service_key = x509_service_key(mtls, certificate, key, client_id)
    info = 'sapcloud.identity.scp_destination_info'
    result, requests, writes = measure(mtls, lambda: run.task(info, {'platform': 'cf', 'service_key': service_key}))
    assert not result.failed, result.msg
    token_calls = [e for e in mtls.requests_log() if e['host'] == 'cf_uaa']
    assert token_calls, 'no token request'
    key_body = certs.key_pem(key).decode().splitlines()[1]
    assert key_body not in json.dumps(result.data)

    other, other_key = mtls.client_ca.issue('sb-unknown-client')
    result = run.task(info, {'platform': 'cf', 'service_key': x509_service_key(mtls, other, other_key, client_id)})
    assert result.failed and '401' in result.msg, result.msg
    assert certs.key_pem(other_key).decode().splitlines()[1] not in json.dumps(result.data)

    # A key that does not belong to the certificate: refused before any request, naming the field.
    mtls.reset_stats()
    result = run.task(info, {'platform': 'cf', 'service_key': x509_service_key(mtls, certificate, other_key,
                                                                               client_id)})
    assert result.failed and 'service_key.key' in result.msg and mtls.requests() == 0, result.msg


def test_ias_administrator_with_certificate(mtls, run, tmp_path):
    """The IAS token endpoint with X.509 client authentication: an administrator of type System that has a
    certificate instead of a secret gets a token (ips_preflight), and a certificate IAS does not know does not."""
    cert, key, certificate = issue(mtls, tmp_path, unique('IAS-ADMIN'))
    client_id = unique('ias-x509')
    mtls.seed('ias', {'system_admins': {client_id: {'certificate_subject': certificate.subject.rfc4514_string(),
                                                    'permissions': ['Access Proxy System API']}}})
    args = {'infrastructure': 'sci', 'proxy_url': mtls.url('ias'), 'client_id': client_id,
            'client_cert': cert, 'client_key': key}
    result = run.task('sapcloud.identity.ips_preflight', args)
    assert not result.failed, result.msg
    token_fact = next(f for f in result.data['facts'] if 'gets a token' in f['fact'])
    assert token_fact['verdict'] == 'confirmed', token_fact
    other_cert, other_key, _other = issue(mtls, tmp_path, unique('IAS-OTHER'))
    result = run.task('sapcloud.identity.ips_preflight', dict(args, client_cert=other_cert, client_key=other_key))
    token_fact = next(f for f in result.data.get('facts', []) if 'gets a token' in f['fact'])
    assert token_fact['verdict'] == 'different', token_fact


@pytest.mark.parametrize('shape, expected', [('binary', 'Certificate (base64)'), ('pem', 'CertificateContent (pem)')])
def test_preflight_reads_the_certificate_facts(mtls, run, shape, expected):
    variant(mtls, shape=shape)
    result = run.task('sapcloud.identity.s4_preflight', {}, defaults=s4_connection(mtls, HOST))
    assert not result.failed, result.msg
    facts = dict((f['fact'], f) for f in result.data['facts'])
    assert facts['Certificates entity set (certificate authentication)']['verdict'] == 'confirmed'
    assert facts['certificate written as']['found'] == expected
    assert facts['certificate written as']['verdict'] == 'confirmed'


def test_client_certificate_the_server_does_not_trust(mtls, run, tmp_path):
    """A certificate from a CA the tenant does not trust: one clean failure that names the certificate file."""
    authority = certs.Authority('a CA the emulator does not trust')
    certificate, key = authority.issue('ADMIN_OTHER_CA')
    cert_path, key_path = certs.write_pem_files(str(tmp_path), 'other-ca', certificate, key)
    conn = {'api_url': mtls.url(HOST), 'api_client_cert': cert_path, 'api_client_key': key_path}
    result = run.task(USER_INFO, {}, defaults=conn)
    assert result.failed and 'did not accept the client certificate %s' % cert_path in result.msg, result.msg


@pytest.mark.parametrize('name, check', [
    ('s4_certificate_pem', 'pem'), ('s4_one_certificate', 'limit'), ('s4_password_required', 'password')])
def test_certificate_tenant_variants(mtls, run, tmp_path, name, check):
    """The registered tenant variants of the unconfirmed certificate facts, as make variants applies them."""
    tenant_variant(mtls, name)
    conn = s4_connection(mtls, HOST)
    first, _k, _c = issue(mtls, tmp_path, unique('IPS'))
    second, _k2, _c2 = issue(mtls, tmp_path, unique('IPS'))
    args = {'name': unique('CERT_USER'), 'description': 'x', 'certificates': [first]}
    result = run.task(USER, args, defaults=conn)
    if check == 'password':
        assert result.failed and 'Password' in result.msg, result.msg
        return
    assert not result.failed, result.msg
    if check == 'pem':
        preflight = run.task('sapcloud.identity.s4_preflight', {}, defaults=conn)
        found = dict((f['fact'], f['found']) for f in preflight.data['facts'])
        assert found['certificate written as'] == 'CertificateContent (pem)'
        return
    result = run.task(USER, dict(args, certificates=[first, second]), defaults=conn)
    assert result.failed and 'limits how many certificates' in result.msg, result.msg
