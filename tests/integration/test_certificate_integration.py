"""integrate.yml, verify.yml and rotate.yml with certificate authentication from IPS to S/4HANA Cloud, against an
emulator that speaks mutual TLS (--mtls): the emulated IPS calls the emulated tenant with the certificate it
generated (the emulator-only stand-in of the Certificate tab), so verify.yml proves the chain with it.

Writes are read from the emulator's HTTP-layer stats (token requests and SOAP reads aside).
"""

import base64
import os

import pytest
import requests

from conftest import Ansible, mtls_emulator
from test_integrate import changed, ok, play, state_writes

TENANT = 's4_t1'
USER_A = 'IDM_IPS_PROXY_A'


@pytest.fixture(scope='module')
def mtls(tmp_path_factory):
    yield from mtls_emulator(tmp_path_factory, 'mtls-landscape', tenants=1)


@pytest.fixture
def ansible(mtls, tmp_path):
    os.makedirs(str(tmp_path / 'ansible-tmp'), exist_ok=True)
    mtls.reset()
    return Ansible(mtls, str(tmp_path))


def download_certificate(emulator, path, host='ips'):
    """The manual step, stood in for by the emulator: IPS Certificate tab, Generate, Download."""
    demo = emulator.demo
    token = base64.b64encode(('%s:%s' % (demo['ips_admin_user'], demo['ips_admin_password'])).encode()).decode()
    response = requests.post(emulator.url(host) + '/emulator-ui/ips/certificate',
                             headers={'Authorization': 'Basic ' + token}, verify=emulator.ca_path, timeout=30)
    response.raise_for_status()
    with open(path, 'w') as handle:
        handle.write(response.text)
    return path


def inbound_methods(emulator):
    state = emulator.state(TENANT)
    names = dict((u['ID'], u['Name']) for u in state['users'].values())
    return sorted((names[i['CommunicationUserID']], i['AuthenticationMethod']) for i in state['inbound_users'].values()
                  if names.get(i['CommunicationUserID'], '').startswith('IDM_IPS_PROXY'))


def held_subjects(emulator, user=USER_A):
    state = emulator.state(TENANT)
    user_id = next(u['ID'] for u in state['users'].values() if u['Name'] == user)
    return sorted(e['Subject'] for e in state['certificates'].values() if e['UserID'] == user_id)


def run(ansible, tmp_path, name, extra, **kwargs):
    return play(ansible, tmp_path, name, dict(extra, sapcloud_infrastructure=extra.get('sapcloud_infrastructure',
                                                                                       'neo')),
                limit=TENANT, **kwargs)


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_switch_basic_to_certificate_and_back(mtls, ansible, tmp_path, infrastructure):
    base = {'sapcloud_infrastructure': infrastructure}
    cert_file = str(tmp_path / 'ips-certificate.pem')
    certificate = dict(base, sapcloud_ips_s4_authentication='certificate', sapcloud_ips_certificate_file=cert_file)

    ok(run(ansible, tmp_path, 'integrate.yml', base))
    ok(run(ansible, tmp_path, 'verify.yml', base))
    assert inbound_methods(mtls) == [(USER_A, 'basic')]

    # Certificate mode while the admin has not downloaded the certificate yet: stopped before any request.
    mtls.reset_stats()
    stopped = run(ansible, tmp_path, 'integrate.yml', certificate)
    assert stopped.rc != 0 and 'tab Certificate, choose Generate' in stopped.output
    assert mtls.requests() == 0

    download_certificate(mtls, cert_file, 'ips' if infrastructure == 'neo' else 'ias')
    switched = ok(run(ansible, tmp_path, 'integrate.yml', certificate, diff=True))
    assert changed(switched) > 0
    assert inbound_methods(mtls) == [(USER_A, 'x509')]
    assert len(held_subjects(mtls)) == 1
    ok(run(ansible, tmp_path, 'verify.yml', certificate))
    # The re-run is a no-op.
    mtls.reset_stats()
    again = ok(run(ansible, tmp_path, 'integrate.yml', certificate))
    assert changed(again) == 0 and state_writes(mtls) == 0, mtls.stats()

    # And back to basic in one run: the user had its password all along, the inbound user goes back to basic.
    ok(run(ansible, tmp_path, 'integrate.yml', base))
    assert inbound_methods(mtls) == [(USER_A, 'basic')]
    ok(run(ansible, tmp_path, 'verify.yml', base))


def test_certificate_from_the_start_then_basic(mtls, ansible, tmp_path):
    """A user made for certificates has no password; switching to basic gives it one in the same run."""
    cert_file = download_certificate(mtls, str(tmp_path / 'ips-certificate.pem'))
    certificate = {'sapcloud_ips_s4_authentication': 'certificate', 'sapcloud_ips_certificate_file': cert_file}
    ok(run(ansible, tmp_path, 'integrate.yml', certificate))
    assert not os.path.exists(str(tmp_path / 'secrets' / TENANT / USER_A))  # no password generated or kept
    state = mtls.state(TENANT)
    assert next(u for u in state['users'].values() if u['Name'] == USER_A)['PasswordStatus'] == 'inactive'
    ok(run(ansible, tmp_path, 'verify.yml', certificate))

    ok(run(ansible, tmp_path, 'integrate.yml', {}))
    assert os.path.exists(str(tmp_path / 'secrets' / TENANT / USER_A))
    assert inbound_methods(mtls) == [(USER_A, 'basic')]
    ok(run(ansible, tmp_path, 'verify.yml', {}))


def test_verify_warns_before_the_certificate_expires(mtls, ansible, tmp_path):
    cert_file = download_certificate(mtls, str(tmp_path / 'ips-certificate.pem'))
    certificate = {'sapcloud_ips_s4_authentication': 'certificate', 'sapcloud_ips_certificate_file': cert_file}
    ok(run(ansible, tmp_path, 'integrate.yml', certificate))
    quiet = ok(run(ansible, tmp_path, 'verify.yml', certificate))
    assert 'expires on' not in quiet.output
    # The emulator's certificate is valid for 365 days: a 400-day threshold names user, subject and date.
    warned = ok(run(ansible, tmp_path, 'verify.yml', dict(certificate, sapcloud_certificate_expiry_days=400)))
    assert 'communication user %s (subject' % USER_A in warned.output and 'expires on' in warned.output


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_rotate_certificate_by_cut_over(mtls, ansible, tmp_path, infrastructure):
    ips_host = 'ips' if infrastructure == 'neo' else 'ias'
    old_file = download_certificate(mtls, str(tmp_path / 'ips-certificate-1.pem'), ips_host)
    settings = {'sapcloud_infrastructure': infrastructure, 'sapcloud_ips_s4_authentication': 'certificate',
                'sapcloud_ips_certificate_file': old_file}
    ok(run(ansible, tmp_path, 'integrate.yml', settings))
    old_subjects = held_subjects(mtls)

    # Generate again in IPS: from now on IPS presents the new certificate, which the user does not hold yet.
    new_file = download_certificate(mtls, str(tmp_path / 'ips-certificate-2.pem'), ips_host)
    rotated = dict(settings, sapcloud_ips_certificate_file=new_file)
    broken = run(ansible, tmp_path, 'verify.yml', rotated)
    assert broken.rc != 0  # the window between Generate in IPS and the upload

    rotation = ok(run(ansible, tmp_path, 'rotate.yml', rotated))
    new_subjects = held_subjects(mtls)
    assert len(new_subjects) == 1 and new_subjects != old_subjects
    assert inbound_methods(mtls) == [(USER_A, 'x509')]
    assert rotation.task('Upload the new certificate beside the old one')['result']['actions'] == ['add_certificate']
    assert rotation.task('Remove the old certificates')['result']['actions'] == ['remove_certificate']
    ok(run(ansible, tmp_path, 'verify.yml', rotated))
    # Repeating the rotation changes nothing; integrate.yml with the new file is a no-op as well.
    mtls.reset_stats()
    again = ok(run(ansible, tmp_path, 'rotate.yml', rotated))
    assert changed(again) == 0 and state_writes(mtls) == 0
    mtls.reset_stats()
    integrate = ok(run(ansible, tmp_path, 'integrate.yml', rotated))
    assert changed(integrate) == 0 and state_writes(mtls) == 0


def test_bootstrap_user_with_client_certificate(mtls, ansible, tmp_path):
    """The SAP_COM_0A48 bootstrap user logs on with a client certificate (sapcloud_s4_api_client_cert/key; its
    password emptied): integrate.yml and verify.yml run through, the re-run is a no-op."""
    from emulator import certs
    authority = certs.Authority.load(mtls.state_dir)
    certificate, key = authority.issue('COMM_0A48_X509')
    cert_path, key_path = certs.write_pem_files(str(tmp_path), 'bootstrap', certificate, key, 'Bootstrap-Key-Pass-1')
    mtls.seed(TENANT, {'users': [{'Name': 'COMM_0A48_X509', 'Description': 'bootstrap by certificate',
                                  'certificates': [certs.pem(certificate).decode()]}],
                       'systems': [{'ID': 'COMM_MGMT_X509', 'IsInboundOnly': True,
                                    'InboundUsers': [{'user': 'COMM_0A48_X509', 'AuthenticationMethod': 'x509'}]}],
                       'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0A48', 'Name': 'SAP_COM_0A48_X509',
                                         'CommunicationSystemID': 'COMM_MGMT_X509', 'inbound_user': 'COMM_0A48_X509'}]})
    by_certificate = {'sapcloud_s4_api_user': '', 'sapcloud_s4_api_password': '',
                      'sapcloud_s4_api_client_cert': cert_path, 'sapcloud_s4_api_client_key': key_path,
                      'sapcloud_s4_api_client_key_passphrase': 'Bootstrap-Key-Pass-1'}
    first = ok(run(ansible, tmp_path, 'integrate.yml', by_certificate))
    assert changed(first) > 0
    ok(run(ansible, tmp_path, 'verify.yml', by_certificate))
    mtls.reset_stats()
    again = ok(run(ansible, tmp_path, 'integrate.yml', by_certificate))
    assert changed(again) == 0 and state_writes(mtls) == 0
    assert 'Bootstrap-Key-Pass-1' not in first.output + again.output
    # Every S/4HANA Cloud change was made by the certificate's user.
    state = mtls.state(TENANT)
    x509_id = next(u['ID'] for u in state['users'].values() if u['Name'] == 'COMM_0A48_X509')
    assert next(u for u in state['users'].values() if u['Name'] == USER_A)['ChangedBy'] == x509_id
