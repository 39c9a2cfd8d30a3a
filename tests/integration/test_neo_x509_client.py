"""The Neo OAuth client of the IPS proxy with a certificate instead of a secret (client_cert, client_key,
client_key_passphrase), against an emulator that speaks mutual TLS (--mtls).

Whether Neo's oauthasservices token endpoint accepts X.509 client authentication is UNCONFIRMED
(docs/support-matrix.md), so both plausible answers run: tenant variant neo_oauth_x509 (it does) and the base
emulator (it does not: a certificate without a secret is refused). Test certificates are made at test time from the
emulator's test client CA; none is committed.
"""

import json

import pytest

from conftest import DEMO, InProcess, mtls_emulator
from emulator import certs
from helpers import assert_no_secret, unique
from ips_support import assign_proxy_role, delete_systems, ips_admin, neo_system, setup_landscape

PROXY = 'sapcloud.identity.ips_proxy_system'
CHECK = 'sapcloud.identity.ips_proxy_check'
PREFLIGHT = 'sapcloud.identity.ips_preflight'
OAUTH_CLIENT = 'sapcloud.identity.scp_oauth_client'
VARIANT = 'neo_oauth_x509'
PASSPHRASE = 'Neo-Client-Key-Passphrase-3'
TOKEN_FACT = 'client of IDM (OAuth client registered for <provider>/ipsproxy) gets a token'


@pytest.fixture(scope='module')
def mtls(tmp_path_factory):
    yield from mtls_emulator(tmp_path_factory, 'neo-x509-emulator')


@pytest.fixture
def run(mtls, tmp_path, monkeypatch):
    # ips_support's helpers call the emulator with requests' default verification: trust the emulator's CA.
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', mtls.ca_path)
    setup_landscape(mtls)
    yield InProcess(mtls, str(tmp_path))
    delete_systems(mtls, 'IT X509 ')
    tenant_variant(mtls, [])


def tenant_variant(mtls, names):
    mtls._call('POST', 'variants', json={'host': 'neo_oauth', 'names': names})


def x509_client(mtls, directory, passphrase=None, with_role=True):
    """A Neo OAuth client registered with a certificate subject (no secret), holding IPS_PROXY_USER unless
    with_role is False; returns (client id, certificate file, key file)."""
    client_id = unique('neo-x509')
    certificate, key = mtls.client_ca.issue(unique('NEO-CLIENT'))
    cert_path, key_path = certs.write_pem_files(str(directory), client_id, certificate, key, passphrase)
    mtls.seed('neo_oauth', {'clients': {client_id: {
        'certificate_subject': certificate.subject.rfc4514_string(),
        'subscription': '%s/ipsproxy' % DEMO['neo_provider_subaccount'], 'account': DEMO['neo_consumer_subaccount']}}})
    if with_role:
        assign_proxy_role(mtls, client_id)
    return client_id, cert_path, key_path


def caller(mtls, client_id, cert_path, key_path, passphrase=None):
    """module_defaults of the proxy client with a certificate and no client_secret."""
    args = {'infrastructure': 'neo', 'proxy_url': mtls.url('ips'),
            'token_url': mtls.url('neo_oauth') + '/oauth2/api/v1/token', 'client_id': client_id,
            'client_cert': cert_path, 'client_key': key_path}
    if passphrase:
        args['client_key_passphrase'] = passphrase
    return args


def make_system(mtls, run):
    result = run.task(PROXY, neo_system(unique('IT X509 chain')), defaults=ips_admin(mtls, 'neo'))
    assert result.changed and not result.failed, result.msg
    return result.data['system_id']


def state_changing_requests(emulator):
    """Requests that may change state, without token requests and SOAP queries (POSTs that change nothing)."""
    harmless = ('/oauth2/api/v1/token', '/querybusinessuserin')
    return ['%s %s' % (host, key) for host, stats in emulator.stats()['hosts'].items() for key in stats['paths']
            if not key.startswith('GET ') and not key.endswith(harmless)]


def tokens_of(mtls, client_id):
    return [t for t, info in mtls.state('neo_oauth')['tokens'].items() if info['client_id'] == client_id]


@pytest.mark.parametrize('passphrase', [None, PASSPHRASE])
def test_check_with_certificate_when_the_endpoint_accepts_x509(mtls, run, tmp_path, passphrase):
    """Variant neo_oauth_x509: a token for the certificate alone, and the proxy accepts that token."""
    system_id = make_system(mtls, run)
    client_id, cert_path, key_path = x509_client(mtls, tmp_path, passphrase)
    tenant_variant(mtls, [VARIANT])
    defaults = caller(mtls, client_id, cert_path, key_path, passphrase)
    mtls.reset_stats()
    result = run.task(CHECK, {'system_id': system_id}, defaults=defaults)
    assert not result.failed and not result.changed, result.msg
    assert [h['hop'] for h in result.data['hops']] == ['token', 'proxy', 'proxy'], result.data['hops']
    assert all(h['ok'] for h in result.data['hops'])
    # The proxy answered the SCIM pages only for a valid token of this client (validate_app_token + role).
    assert result.data['users_total'] >= 2
    assert len(tokens_of(mtls, client_id)) == 1
    paths = mtls.stats()['hosts']['ips']['paths']
    assert any('/ipsproxy/api/v1/scim/%s/' % system_id in p for p in paths), paths
    assert state_changing_requests(mtls) == []
    if passphrase:
        assert_no_secret(json.dumps(result.data) + result.msg, passphrase)


def test_preflight_with_certificate_when_the_endpoint_accepts_x509(mtls, run, tmp_path):
    client_id, cert_path, key_path = x509_client(mtls, tmp_path)
    tenant_variant(mtls, [VARIANT])
    result = run.task(PREFLIGHT, {}, defaults=caller(mtls, client_id, cert_path, key_path))
    assert not result.failed, result.msg
    facts = dict((f['fact'], f) for f in result.data['facts'])
    assert facts[TOKEN_FACT]['verdict'] == 'confirmed', facts[TOKEN_FACT]
    assert len(tokens_of(mtls, client_id)) == 1


def test_certificate_of_another_subject_is_refused_even_with_the_variant(mtls, run, tmp_path):
    system_id = make_system(mtls, run)
    client_id, _cert, _key = x509_client(mtls, tmp_path)
    other, other_key = mtls.client_ca.issue(unique('NEO-OTHER'))
    other_cert, other_key_path = certs.write_pem_files(str(tmp_path), 'other', other, other_key)
    tenant_variant(mtls, [VARIANT])
    result = run.task(CHECK, {'system_id': system_id}, defaults=caller(mtls, client_id, other_cert, other_key_path))
    assert result.failed and result.msg.startswith('token hop failed') and 'HTTP 401' in result.msg, result.msg
    assert tokens_of(mtls, client_id) == []


def test_check_with_certificate_fails_cleanly_without_the_variant(mtls, run, tmp_path):
    """The other plausible answer (the base emulator): Neo wants the secret in Basic auth. One clean failure of the
    token hop, no traceback, no passphrase in the output, no token, no state-changing request."""
    system_id = make_system(mtls, run)
    client_id, cert_path, key_path = x509_client(mtls, tmp_path, PASSPHRASE)
    defaults = caller(mtls, client_id, cert_path, key_path, PASSPHRASE)
    mtls.reset_stats()
    result = run.task(CHECK, {'system_id': system_id}, defaults=defaults)
    assert result.failed and result.msg.startswith('token hop failed'), result.msg
    assert 'refused the client credentials' in result.msg and 'HTTP 401' in result.msg, result.msg
    assert 'Traceback' not in result.msg and 'exception' not in result.data
    assert [h['hop'] for h in result.data['hops']] == ['token']
    assert tokens_of(mtls, client_id) == [] and state_changing_requests(mtls) == []
    assert mtls.stats()['hosts']['neo_oauth']['requests'] == 1
    assert 'scim' not in json.dumps(mtls.stats()['hosts'].get('ips', {}).get('paths', {}))
    assert_no_secret(json.dumps(result.data) + result.msg, PASSPHRASE)


def test_preflight_names_the_refused_token_without_the_variant(mtls, run, tmp_path):
    client_id, cert_path, key_path = x509_client(mtls, tmp_path)
    mtls.reset_stats()
    result = run.task(PREFLIGHT, {}, defaults=caller(mtls, client_id, cert_path, key_path))
    facts = dict((f['fact'], f) for f in result.data.get('facts', []))
    assert facts[TOKEN_FACT]['verdict'] == 'different' and facts[TOKEN_FACT]['found'] == 'HTTP 401', facts
    assert 'exception' not in result.data and state_changing_requests(mtls) == []
    assert tokens_of(mtls, client_id) == []


def oauth_client_args(mtls, client_id, cert_path, key_path):
    return {'api_url': mtls.url('neo_api'), 'oauth_url': mtls.url('neo_oauth'), 'proxy_url': mtls.url('ips'),
            'consumer_subaccount': DEMO['neo_consumer_subaccount'],
            'provider_subaccount': DEMO['neo_provider_subaccount'],
            'platform_client_id': DEMO['neo_platform_client_id'],
            'platform_client_secret': DEMO['neo_platform_client_secret'],
            'client_id': client_id, 'client_cert': cert_path, 'client_key': key_path}


def proxy_role_holders(mtls):
    apps = mtls.state('neo_api')['apps']
    key = '%s|%s|ipsproxy' % (DEMO['neo_consumer_subaccount'], DEMO['neo_provider_subaccount'])
    return apps[key]['roles']['IPS_PROXY_USER']


def test_oauth_client_verified_by_certificate_when_the_endpoint_accepts_x509(mtls, run, tmp_path):
    """scp_oauth_client proves the registration with the certificate (no secret), then assigns the role."""
    client_id, cert_path, key_path = x509_client(mtls, tmp_path, with_role=False)
    tenant_variant(mtls, [VARIANT])
    result = run.task(OAUTH_CLIENT, oauth_client_args(mtls, client_id, cert_path, key_path))
    assert result.changed and not result.failed, result.msg
    assert result.data['registration_verified'] is True and result.data['actions'] == ['assign']
    assert 'oauth_client_%s' % client_id in proxy_role_holders(mtls)
    assert len(tokens_of(mtls, client_id)) == 1


def test_oauth_client_with_certificate_fails_cleanly_without_the_variant(mtls, run, tmp_path):
    client_id, cert_path, key_path = x509_client(mtls, tmp_path, with_role=False)
    mtls.reset_stats()
    result = run.task(OAUTH_CLIENT, oauth_client_args(mtls, client_id, cert_path, key_path))
    assert result.failed and 'no token for OAuth client %s' % client_id in result.msg, result.msg
    assert 'Register New Client' in result.msg and 'Traceback' not in result.msg
    assert 'oauth_client_%s' % client_id not in proxy_role_holders(mtls)
    assert state_changing_requests(mtls) == [] and tokens_of(mtls, client_id) == []
