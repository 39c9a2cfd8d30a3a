"""The playbooks end to end against the emulator: integrate.yml, verify.yml, rotate.yml and teardown.yml.

Each test starts from a fresh emulator (emulator.reset()). Writes are read from the emulator's HTTP-layer stats,
never from a module's report. Token requests and the SOAP worker query are POSTs that change nothing, so they
are not counted as writes. Coverage: three tenants on Neo with the guide profile (lifecycle, rotation with a
failure and its finish, teardown); SAP Cloud Identity Services with api_v1 switched to api_v3; the IPS/IDM file
hand-off with the admin's import; check mode on a fresh landscape; bad settings.
"""

import base64
import json
import os

import requests

from conftest import DEMO, REPO

INVENTORY = os.path.join(REPO, 'playbooks', 'inventory', 'emulator')
TENANTS = ('s4_t1', 's4_t2', 's4_t3')
USER_A, USER_B = 'IDM_IPS_PROXY_A', 'IDM_IPS_PROXY_B'
TOKEN_PATHS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token')
SOAP_READS = ('/querybusinessuserin',)


def play(ansible, tmp_path, name, extra=None, **kwargs):
    """One playbook run on the emulator inventory, with secrets and reports under tmp_path."""
    extra_vars = {'sapcloud_secrets_dir': str(tmp_path / 'secrets'), 'sapcloud_output_dir': str(tmp_path / 'output')}
    extra_vars.update(extra or {})
    return ansible.playbook(os.path.join(REPO, 'playbooks', name), inventory=INVENTORY, extra_vars=extra_vars,
                            **kwargs)


def ok(run):
    assert run.rc == 0, run.output[-6000:]
    return run


def changed(run):
    return len(run.changed_tasks())


def state_writes(emulator):
    """Requests that may change state: every non-GET except token requests and SOAP queries."""
    return sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
               if not call.startswith('GET ') and not call.endswith(TOKEN_PATHS + SOAP_READS))


def no_op(ansible, emulator, tmp_path, **kwargs):
    """A repeated integrate.yml: nothing changed, nothing written."""
    emulator.reset_stats()
    run = ok(play(ansible, tmp_path, 'integrate.yml', **kwargs))
    assert changed(run) == 0, [(r['host'], r['task']) for r in run.changed_tasks()]
    assert state_writes(emulator) == 0, emulator.stats()
    return run


def landscape(emulator, tenants=TENANTS):
    """What the integration creates, by name, on every emulated host."""
    out = {}
    for tenant in tenants:
        state = emulator.state(tenant)
        out[tenant] = dict((table, sorted(str(e.get('Name') or e.get('ID') or e.get('UUID')) for e in state[table].values()))
                           for table in ('users', 'systems', 'inbound_users', 'outbound_users', 'arrangements'))
    out['neo_destinations'] = sorted(name for level in emulator.state('neo_configapi')['destinations'].values()
                                     for name in level)
    out['neo_roles'] = emulator.state('neo_api')['apps']
    for host in ('ips', 'ias'):
        out[host] = sorted(s['name'] for s in emulator.state(host)['systems'].values())
    out['idm'] = sorted(r['name'] for r in emulator.state('idm')['repositories'].values())
    return out


def users(emulator, tenant):
    return sorted(u['Name'] for u in emulator.state(tenant)['users'].values() if u['Name'].startswith('IDM_IPS_PROXY'))


def arrangement_users(emulator, tenant):
    """Communication user name behind each arrangement of the integration's system."""
    state = emulator.state(tenant)
    names = dict((u['ID'], u['Name']) for u in state['users'].values())
    inbound = dict((i['UUID'], names.get(i['CommunicationUserID'])) for i in state['inbound_users'].values())
    return sorted(set(inbound.get((a.get('InboundUser') or {}).get('CommunicationSystemInboundUserUUID'))
                      for a in state['arrangements'].values() if a['CommunicationSystemID'] == 'IPS_PROXY'))


def assert_no_secret(text, secrets):
    for user, secret in secrets:
        assert secret not in text, 'secret of %s in output' % user
        assert base64.b64encode(secret.encode()).decode() not in text
        assert base64.b64encode(('%s:%s' % (user, secret)).encode()).decode() not in text


def test_three_tenants_on_neo_with_the_guide_profile(ansible, emulator, tmp_path):
    emulator.reset()
    fresh = landscape(emulator)

    emulator.reset_stats()
    first = ok(play(ansible, tmp_path, 'integrate.yml'))
    assert changed(first) == 1 + 6 * len(TENANTS)  # the shared role assignment, then user, system, arrangements,
    # destination, proxy system and repository per tenant
    # OData requests of a first run on S/4 (docs/performance.md): the alternating users 1; the first-contact
    # preflight 4 (three $metadata, the scenario list); the user 2 (read, create); the system 4 (read, create, its
    # inbound and outbound user); no read of a new system's arrangements; per arrangement a read and a create
    # (SAP_COM_0066 once more with the outbound user after CM_APS_CA/027): 5. The worker check (SOAP) comes on top.
    stats = emulator.stats()['hosts']
    odata = dict((t, sum(n for call, n in stats[t]['paths'].items() if '/sap/opu/odata4/' in call)) for t in TENANTS)
    assert odata == dict((t, 16) for t in TENANTS), stats['s4_t1']['paths']
    for tenant in TENANTS:
        assert users(emulator, tenant) == [USER_A]
        assert arrangement_users(emulator, tenant) == [USER_A]
    assert len(emulator.state('idm')['repositories']) == len(TENANTS)
    summary = (tmp_path / 'output' / 'integrate.md').read_text()
    assert summary.count('| created') == 1 + 6 * len(TENANTS) and 'Manual steps still open\n\nNone.' in summary

    run = no_op(ansible, emulator, tmp_path)
    # Request economy of a no-op (docs/performance.md): per tenant the alternating users 1 (the user task takes its
    # user from it), the system 1 (the user's ID comes from the user task), the system's arrangements 1 (each
    # arrangement task takes its arrangement from it, and the system and its inbound users from the system task),
    # the worker check 1 on S/4; destination, proxy system and repository 1 each: at most 8 a tenant. The shared
    # role assignment once, and no token request while the cached tokens are valid.
    stats = emulator.stats()['hosts']
    assert [stats[t]['requests'] for t in TENANTS] == [4] * len(TENANTS), stats
    shared = stats['neo_api']['requests']
    assert (sum(h['requests'] for h in stats.values()) - shared) / float(len(TENANTS)) <= 8, stats
    assert dict((h, stats[h]['requests']) for h in ('neo_configapi', 'ips', 'idm', 'neo_api')) == {
        'neo_configapi': len(TENANTS), 'ips': len(TENANTS), 'idm': len(TENANTS), 'neo_api': 1}, stats
    assert stats.get('neo_oauth', {}).get('requests', 0) == 0, stats
    # Task economy: every task of a tenant's no-op run writes, decides or reports (docs/performance.md).
    assert len([r for r in run.results if r['host'] == 's4_t1']) <= 25, [r['task'] for r in run.results]
    ok(play(ansible, tmp_path, 'verify.yml'))
    assert '| passed |' in (tmp_path / 'output' / 'verify.md').read_text()

    # A rotation that fails at its verification stops with the state and the commands to finish or undo.
    emulator.fault(host='ips', method='GET', path=r'^/ipsproxy/api/v1/scim/[^/]+/Users$', status=500, count=1000)
    failed = play(ansible, tmp_path, 'rotate.yml')
    emulator.clear_faults()
    assert failed.rc != 0
    assert 'stopped at "Check token, proxy and communication user"' in failed.output
    assert 'To finish: ' in failed.output and '-e sapcloud_rotate_from=%s' % USER_A in failed.output
    assert 'To undo (back to %s, deleting %s)' % (USER_A, USER_B) in failed.output
    for tenant in TENANTS:
        assert users(emulator, tenant) == [USER_A, USER_B]
        assert arrangement_users(emulator, tenant) == [USER_B]
    # integrate.yml does not guess which user is current.
    emulator.reset_stats()
    halfway = play(ansible, tmp_path, 'integrate.yml', limit='s4_t1')
    assert halfway.rc != 0 and 'rotation was interrupted' in ' '.join(halfway.output.split())
    assert state_writes(emulator) == 0

    ok(play(ansible, tmp_path, 'rotate.yml', extra={'sapcloud_rotate_from': USER_A}))
    for tenant in TENANTS:
        assert users(emulator, tenant) == [USER_B]
        assert arrangement_users(emulator, tenant) == [USER_B]
    assert sorted(os.listdir(tmp_path / 'secrets' / 's4_t1')) == sorted([USER_B, 'IPS_PROXY.DUMMY'])
    ok(play(ansible, tmp_path, 'verify.yml'))
    no_op(ansible, emulator, tmp_path)

    # Rotating again goes back to the first name.
    ok(play(ansible, tmp_path, 'rotate.yml', limit='s4_t1'))
    assert users(emulator, 's4_t1') == [USER_A]

    ok(play(ansible, tmp_path, 'teardown.yml', extra={'sapcloud_teardown_shared': True}))
    assert landscape(emulator) == fresh
    assert not os.listdir(tmp_path / 'secrets' / 's4_t1')
    teardown = (tmp_path / 'output' / 'teardown.md').read_text()
    assert 'SAP_COM_0A48 bootstrap' in teardown and 'Neo OAuth client' in teardown


def test_check_mode_on_a_fresh_landscape_writes_nothing_and_counts_like_the_first_run(ansible, emulator, tmp_path):
    emulator.reset()
    emulator.reset_stats()
    check = play(ansible, tmp_path, 'integrate.yml', check=True, diff=True, limit='s4_t1')
    assert check.rc == 0, check.output[-6000:]
    assert state_writes(emulator) == 0, emulator.stats()
    assert not (tmp_path / 'secrets' / 's4_t1' / USER_A).exists()  # a dry run keeps no password
    assert '| would create |' in (tmp_path / 'output' / 'integrate.md').read_text()

    first = ok(play(ansible, tmp_path, 'integrate.yml', limit='s4_t1'))
    assert changed(check) == changed(first) == 7
    ok(play(ansible, tmp_path, 'teardown.yml', limit='s4_t1', extra={'sapcloud_teardown_shared': True}))


def test_sci_with_api_v1_then_api_v3(ansible, emulator, tmp_path):
    emulator.reset()
    fresh = landscape(emulator, ['s4_t1'])
    sci = {'sapcloud_infrastructure': 'sci', 'sapcloud_profile': 'api_v1'}

    first = ok(play(ansible, tmp_path, 'integrate.yml', extra=sci, limit='s4_t1', verbosity=3))
    assert changed(first) == 5  # user, system, arrangement, proxy system, repository: no BTP step on sci
    system = next(iter(emulator.state('ias')['systems'].values()))
    assert system['properties']['s4hana.cloud.api.version'] == '1'
    assert system['properties']['User'] == USER_A
    password = (tmp_path / 'secrets' / 's4_t1' / USER_A).read_text().strip()
    secrets = [(USER_A, password), (DEMO['ias_client_id'], DEMO['ias_client_secret']),
               (DEMO['s4_admin_user'], DEMO['s4_admin_password']),
               (DEMO['ips_admin_user'], DEMO['ips_admin_password']),
               (DEMO['idm_admin_user'], DEMO['idm_admin_password'])]
    assert_no_secret(first.output, secrets)
    for report in (tmp_path / 'output').glob('*.md'):
        assert_no_secret(report.read_text(), secrets)

    no_op(ansible, emulator, tmp_path, extra=sci, limit='s4_t1')
    ok(play(ansible, tmp_path, 'verify.yml', extra=sci, limit='s4_t1'))

    # A lost password file stops the run before any write: S/4HANA cannot tell the password.
    (tmp_path / 'secrets' / 's4_t1' / USER_A).rename(tmp_path / 'kept')
    emulator.reset_stats()
    lost = play(ansible, tmp_path, 'integrate.yml', extra=sci, limit='s4_t1')
    assert lost.rc != 0 and 'its password file' in lost.output and 'rotate.yml' in lost.output
    assert state_writes(emulator) == 0
    (tmp_path / 'kept').rename(tmp_path / 'secrets' / 's4_t1' / USER_A)

    # Switching the profile moves the arrangement and the proxy properties over, and leaves nothing of api_v1.
    v3 = dict(sci, sapcloud_profile='api_v3')
    ok(play(ansible, tmp_path, 'integrate.yml', extra=v3, limit='s4_t1'))
    state = emulator.state('s4_t1')
    assert sorted(a['CommunicationScenarioID'] for a in state['arrangements'].values()
                  if a['CommunicationSystemID'] == 'IPS_PROXY') == ['SAP_COM_0465']
    properties = next(iter(emulator.state('ias')['systems'].values()))['properties']
    assert properties['s4hana.cloud.api.version'] == '3' and 's4hana.cloud.skip.read.archived' not in properties
    no_op(ansible, emulator, tmp_path, extra=v3, limit='s4_t1')
    ok(play(ansible, tmp_path, 'verify.yml', extra=v3, limit='s4_t1'))

    ok(play(ansible, tmp_path, 'rotate.yml', extra=v3, limit='s4_t1'))
    assert next(iter(emulator.state('ias')['systems'].values()))['properties']['User'] == USER_B
    ok(play(ansible, tmp_path, 'verify.yml', extra=v3, limit='s4_t1'))

    ok(play(ansible, tmp_path, 'teardown.yml', extra=v3, limit='s4_t1'))
    assert landscape(emulator, ['s4_t1']) == fresh


def test_file_hand_off_with_the_admins_import(ansible, emulator, tmp_path):
    emulator.reset()
    files = {'sapcloud_ips_transport': 'file', 'sapcloud_idm_transport': 'file', 'sapcloud_profile': 'api_v1'}
    ok(play(ansible, tmp_path, 'integrate.yml', extra=files, limit='s4_t1'))
    ips_file = tmp_path / 'output' / 's4_t1' / 'ips-proxy-system.json'
    assert ips_file.exists() and not (tmp_path / 'output' / 's4_t1' / 'idm-repository.csv').exists()
    summary = (tmp_path / 'output' / 'integrate.md').read_text()
    assert 'set sapcloud_ips_system_id for s4_t1' in summary and str(ips_file) in summary
    assert emulator.state('ips')['systems'] == {} and emulator.state('idm')['repositories'] == {}
    no_op(ansible, emulator, tmp_path, extra=files, limit='s4_t1')

    # The admin imports the file in the IPS console (the emulator's stand-in); IPS gives the system a new ID.
    imported = requests.post(emulator.url('ips') + '/emulator-ui/ips/import', data=ips_file.read_bytes(),
                             headers={'Content-Type': 'application/json'}, timeout=30,
                             auth=(DEMO['ips_admin_user'], DEMO['ips_admin_password']))
    imported.raise_for_status()
    with_id = dict(files, sapcloud_ips_system_id=imported.json()['id'])
    ok(play(ansible, tmp_path, 'integrate.yml', extra=with_id, limit='s4_t1'))
    csv = (tmp_path / 'output' / 's4_t1' / 'idm-repository.csv').read_text()
    assert '/ipsproxy/api/v1/scim/%s' % imported.json()['id'] in csv
    assert 'Run now' in (tmp_path / 'output' / 'integrate.md').read_text()
    no_op(ansible, emulator, tmp_path, extra=with_id, limit='s4_t1')
    ok(play(ansible, tmp_path, 'verify.yml', extra=with_id, limit='s4_t1'))

    # --check --diff against the files: a changed profile shows as drift of the import file, nothing is written.
    emulator.reset_stats()
    drift = play(ansible, tmp_path, 'integrate.yml', extra=dict(with_id, sapcloud_profile='api_v3'), check=True,
                 diff=True, limit='s4_t1')
    assert drift.rc == 0 and state_writes(emulator) == 0
    assert 's4hana.cloud.api.version=3' in drift.output
    assert json.loads(ips_file.read_text())['properties']['s4hana.cloud.api.version'] == '1'

    ok(play(ansible, tmp_path, 'teardown.yml', extra=with_id, limit='s4_t1'))
    assert not ips_file.exists()
    teardown = (tmp_path / 'output' / 'teardown.md').read_text()
    assert 'delete them there' in teardown and 'delete them in the admin UI' in teardown


def test_a_wrong_setting_fails_before_any_request(ansible, emulator, tmp_path):
    emulator.reset_stats()
    run = play(ansible, tmp_path, 'integrate.yml', extra={'sapcloud_profile': 'api_v2'})
    assert run.rc != 0
    assert 'sapcloud_profile must be one of: guide, api_v1, api_v3, got: api_v2' in run.output
    assert emulator.requests() == 0


def test_a_role_input_the_role_refuses_fails_before_any_request_naming_the_variable(ansible, emulator, tmp_path):
    """The plan checks every role input that follows from the inventory against the role's own argument spec, and
    the settings check reports it; integrate.yml's roles skip their own check, so this is where a bad value must stop
    the run."""
    emulator.reset_stats()
    run = play(ansible, tmp_path, 'integrate.yml', limit='s4_t1', extra={'sapcloud_certificate_expiry_days': 'soon'})
    assert run.rc != 0 and emulator.requests() == 0
    failed = [r for r in run.results if r['failed']]
    assert [r['task'] for r in failed] == ['Check the settings'], run.output[-3000:]
    message = failed[0]['result']['msg']
    assert 'role chain_check (main)' in message and "'chain_check_certificate_expiry_days'" in message, message
    assert 'The value comes from sapcloud_certificate_expiry_days.' in message, message
    # A value the plan derives (here a profile's scenarios from the inventory's sapcloud_profiles) is named as
    # derived.
    run = play(ansible, tmp_path, 'integrate.yml', limit='s4_t1',
               extra={'sapcloud_profiles': {'guide': {'scenarios': 'SAP_COM_0093'}}})
    assert run.rc != 0 and emulator.requests() == 0
    message = [r for r in run.results if r['failed']][0]['result']['msg']
    assert "role s4_communication (main)" in message and 's4_communication_scenarios' in message, message
    assert 'derived from the sapcloud_* settings' in message, message


def test_a_failed_shared_task_is_named_for_every_tenant(ansible, emulator, tmp_path):
    """The shared OAuth client task runs once, for the first tenant, and its failure fails every tenant; Ansible names
    the failed task only to the tenant it ran for. Every tenant's final failure and the summary still name it."""
    emulator.reset()
    emulator.fault(host='neo_api', method='GET', path=r'/roles/users$', status=403, count=1000)
    run = play(ansible, tmp_path, 'integrate.yml', limit='s4_t1,s4_t2')
    emulator.clear_faults()
    assert run.rc != 0
    final = dict((r['host'], r['result']['msg']) for r in run.results
                 if r['task'] == 'Fail the tenants whose chain failed' and r['failed'])
    assert sorted(final) == ['s4_t1', 's4_t2'], run.output[-4000:]
    task = 'Verify the OAuth client and give it its roles'
    assert final['s4_t1'].startswith(task + ': '), final
    assert final['s4_t2'].startswith(task + ' (run once for every tenant, with s4_t1): '), final
    assert final['s4_t2'].split(': ', 1)[1] == final['s4_t1'].split(': ', 1)[1], final
    assert '403' in final['s4_t2'] and 'unknown task' not in final['s4_t2']
    summary = (tmp_path / 'output' / 'integrate.md').read_text()
    assert summary.count(task) == 2 and 'unknown task' not in summary
