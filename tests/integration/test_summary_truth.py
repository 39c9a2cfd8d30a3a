"""Every report row, value, next step and manual item of integrate, verify, rotate, teardown and preflight, held
against the emulator's state and the requests each run made (summary_truth.py): on a fresh landscape in check mode,
through a full lifecycle with the api transports, with the file transports and the admin's imports, and on a
tenant that first contact stops. A row that says what the run did not do fails the test."""

import os

import pytest
import requests

from conftest import DEMO
from summary_truth import report_of, untrue_rows
from test_integrate import INVENTORY, REPO, state_writes

API = {}
FILES = {'sapcloud_ips_transport': 'file', 'sapcloud_idm_transport': 'file', 'sapcloud_profile': 'api_v1'}


class Runner:
    """Runs playbooks on one tenant and holds each report against the emulator."""

    def __init__(self, ansible, emulator, tmp_path, tenant, settings):
        self.ansible, self.emulator, self.tenant = ansible, emulator, tenant
        self.settings = dict(settings, sapcloud_secrets_dir=str(tmp_path / 'secrets'),
                             sapcloud_output_dir=str(tmp_path / 'output'))

    def run(self, playbook, check=False, rc=0, **extra):
        settings = dict(self.settings, **extra)
        logged = len(self.emulator.requests_log())
        run = self.ansible.playbook(os.path.join(REPO, 'playbooks', playbook), inventory=INVENTORY, limit=self.tenant,
                                    extra_vars=settings, check=check)
        assert (run.rc == 0) == (rc == 0), run.output[-5000:]
        untrue = untrue_rows(self.emulator, run, playbook, settings, self.emulator.requests_log()[logged:])
        assert untrue == [], (playbook, check, untrue)
        return run


def test_api_transports_check_mode_then_the_whole_lifecycle(ansible, emulator, tmp_path):
    emulator.reset()
    runner = Runner(ansible, emulator, tmp_path, 's4_t1', API)
    runner.run('preflight.yml')
    check = runner.run('integrate.yml', check=True)
    assert state_writes(emulator) == 0
    # Check mode names no password file (none is written) and logs on as no user it has not created.
    values = report_of(check)['tenants'][0]['values']
    assert values['password file of the communication user'] == ''
    assert not any(path.endswith('/querybusinessuserin') for _h, _m, path in
                   [(e['host'], e['method'], e['path']) for e in emulator.requests_log()])
    runner.run('integrate.yml')
    runner.run('verify.yml')
    rotate = runner.run('rotate.yml')
    rows = report_of(rotate)['tenants'][0]
    assert [e['name'] for e in rows['entries'] if e['object'] == 'communication user'] == ['IDM_IPS_PROXY_B']
    assert rows['values']['password file of the communication user'].endswith('/IDM_IPS_PROXY_B')
    runner.run('verify.yml')
    runner.run('rotate.yml', check=True)
    runner.run('teardown.yml', check=True)
    teardown = runner.run('teardown.yml')
    removed = [e for e in report_of(teardown)['tenants'][0]['entries'] if e['object'] == 'communication users']
    assert [(e['name'], e['words']) for e in removed] == [('IDM_IPS_PROXY_B', 'removed')]
    again = runner.run('teardown.yml')
    removed = [e for e in report_of(again)['tenants'][0]['entries'] if e['object'] == 'communication users']
    assert [e['words'] for e in removed] == ['already gone']


def test_file_transports_with_the_admins_imports(ansible, emulator, tmp_path):
    emulator.reset()
    runner = Runner(ansible, emulator, tmp_path, 's4_t2', FILES)
    runner.run('integrate.yml', check=True)
    first = runner.run('integrate.yml')
    ips_file = tmp_path / 'output' / 's4_t2' / 'ips-proxy-system.json'
    imported = requests.post(emulator.url('ips') + '/emulator-ui/ips/import', data=ips_file.read_bytes(),
                             headers={'Content-Type': 'application/json'}, timeout=30,
                             auth=(DEMO['ips_admin_user'], DEMO['ips_admin_password']))
    imported.raise_for_status()
    system_id = imported.json()['id']
    assert report_of(first)['open']
    runner.run('integrate.yml', sapcloud_ips_system_id=system_id)
    csv = tmp_path / 'output' / 's4_t2' / 'idm-repository.csv'
    requests.post(emulator.url('idm') + '/emulator-ui/idm/import', data=csv.read_bytes(), timeout=30,
                  headers={'Content-Type': 'text/csv'},
                  auth=(DEMO['idm_admin_user'], DEMO['idm_admin_password'])).raise_for_status()
    done = dict(sapcloud_ips_system_id=system_id, sapcloud_idm_repository_imported=True)
    complete = runner.run('integrate.yml', **done)
    assert report_of(complete)['open'] == [], report_of(complete)['open']
    verify = runner.run('verify.yml', **done)
    assert report_of(verify)['open'] == [], report_of(verify)['open']
    runner.run('rotate.yml', **done)
    runner.run('verify.yml', **done)
    teardown = runner.run('teardown.yml', **done)
    steps = ' '.join(report_of(teardown)['open'])
    assert 'Remove sapcloud_ips_system_id and sapcloud_idm_repository_imported' in steps, steps


@pytest.mark.parametrize('transports', [API, FILES], ids=['api', 'file'])
def test_a_tenant_stopped_at_first_contact(ansible, emulator, tmp_path, transports):
    emulator.reset()
    emulator.variants('s4_t3', ['s4_short_user_name'])
    try:
        runner = Runner(ansible, emulator, tmp_path, 's4_t3', transports)
        runner.run('preflight.yml', rc=2)
        for check in (True, False):
            stopped = runner.run('integrate.yml', check=check, rc=2)
            report = report_of(stopped)
            assert report['failed'] == ['s4_t3'] and state_writes(emulator) == 0
            assert report['tenants'][0]['values']['password file of the communication user'] == ''
            assert not any('the run verified it' in item for item in report['manual']), report['manual']
            assert 'sapcloud_comm_user_name' in ' '.join(report['open'])
    finally:
        emulator.variants('s4_t3', [])
