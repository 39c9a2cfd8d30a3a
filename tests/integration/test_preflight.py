"""preflight.yml and the *_preflight modules against the emulator, and the settings check of every playbook.

Writes are read from the emulator's HTTP-layer stats (every non-GET except token requests). The emulator's
metadata is made to differ through its control API (/_emulator/faults, action metadata: emulator-only).
"""

import os
import re

import yaml

from conftest import DEMO, REPO

INVENTORY = os.path.join(REPO, 'playbooks', 'inventory', 'emulator')
TOKEN_PATHS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token')
S4 = 'sapcloud.identity.s4_preflight'
LAST_LINE = re.compile(r'^preflight: (\d+) facts checked, (\d+) confirmed, (\d+) different, (\d+) unknown$')


def state_writes(emulator):
    return sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
               if not call.startswith('GET ') and not call.endswith(TOKEN_PATHS))


def play(ansible, tmp_path, name, extra=None, **kwargs):
    extra_vars = {'sapcloud_secrets_dir': str(tmp_path / 'secrets'), 'sapcloud_output_dir': str(tmp_path / 'output')}
    extra_vars.update(extra or {})
    return ansible.playbook(os.path.join(REPO, 'playbooks', name), inventory=kwargs.pop('inventory', INVENTORY),
                            extra_vars=extra_vars, **kwargs)


def tables(report):
    """{section title: [row dicts]} of the preflight Markdown report, and its last line."""
    out, section = {}, None
    for line in report.splitlines():
        if line.startswith('## '):
            section = line[3:]
            out[section] = []
        elif section and line.startswith('| ') and not line.startswith('| Fact ') and not line.startswith('| ---'):
            cells = [c.strip() for c in re.split(r'(?<!\\)\|', line)[1:-1]]
            out[section].append(dict(zip(('fact', 'expected', 'found', 'verdict', 'set'), cells)))
    return out, report.rstrip().splitlines()[-1]


def row(rows, start):
    matches = [r for r in rows if r['fact'].startswith(start)]
    assert len(matches) == 1, (start, rows)
    return matches[0]


def test_preflight_reports_each_difference_with_what_to_set_and_writes_nothing(ansible, emulator, tmp_path):
    emulator.reset()
    emulator.fault(host='s4_t1', action='metadata', rename={'CommunicationSystem.HostName': 'Hostname'},
                   max_length={'CommunicationUser.Name': 12},
                   offered_scenarios=['SAP_COM_0A48', 'SAP_COM_0093', 'SAP_COM_0193', 'SAP_COM_0465'])
    emulator.fault(host='s4_t1', action='enforce_etag', enabled=True)
    emulator.reset_stats()
    try:
        run = play(ansible, tmp_path, 'preflight.yml', limit='s4_t1,s4_t2')
        writes = state_writes(emulator)
    finally:
        emulator.reset()
    # preflight.yml fails the tenant whose facts differ, after the report (so a job shows red), and only that one.
    assert run.rc == 2, run.output[-4000:]
    assert [r['host'] for r in run.failed_tasks()] == ['s4_t1'], [(r['host'], r['task']) for r in run.failed_tasks()]
    stop = run.task('Fail the tenants where a fact differs', 's4_t1')['result']['msg']
    assert 'sapcloud_comm_user_name: at most 10 characters' in stop and 'sapcloud_profile: api_v1' in stop, stop
    assert writes == 0
    assert not run.changed_tasks()
    report, last = tables((tmp_path / 'output' / 'preflight.md').read_text())
    changed, plain = report['Tenant s4_t1'], report['Tenant s4_t2']

    renamed = row(changed, 'CommunicationSystems: properties')
    assert renamed['verdict'] == 'different' and 'HostName (tenant has Hostname)' in renamed['found'] and renamed['set']
    shorter = row(changed, 'CommunicationUsers.Name fits')
    assert shorter['verdict'] == 'different' and shorter['found'] == 'MaxLength 12'
    assert shorter['set'] == 'sapcloud_comm_user_name: at most 10 characters'  # _A/_B are added to it
    # Required If-Match is what the modules send by default (use_etag: true): confirmed, not a difference.
    etag = row(changed, 'If-Match required')
    assert etag['verdict'] == 'confirmed' and etag['found'].startswith('required on '), etag
    scenario = row(changed, 'scenario SAP_COM_0066 offered')
    assert scenario['verdict'] == 'different' and scenario['set'] == 'sapcloud_profile: api_v1 (all its scenarios are offered)'
    assert row(changed, 'scenario SAP_COM_0093 offered')['verdict'] == 'confirmed'
    assert [r['fact'] for r in changed if r['verdict'] == 'different'] == [
        renamed['fact'], shorter['fact'], scenario['fact']]

    # The unchanged tenant confirms the same facts; the shared Neo facts are listed once.
    assert [r['fact'] for r in plain if r['verdict'] != 'confirmed'] == []
    assert len(plain) == len(changed)
    shared = report['Shared by every tenant']
    assert row(shared, 'OAuth client of IDM registered')['verdict'] == 'confirmed'
    assert [r['verdict'] for r in shared if r['fact'].startswith('configuration service returns')] == ['unknown'] * 2

    counts = LAST_LINE.match(last)
    assert counts, last
    every = shared + changed + plain
    assert [int(n) for n in counts.groups()] == [
        len(every), sum(r['verdict'] == 'confirmed' for r in every), sum(r['verdict'] == 'different' for r in every),
        sum(r['verdict'] == 'unknown' for r in every)]
    assert last in run.output  # printed too, last of the tables


def test_a_refused_logon_is_one_request_and_names_the_three_causes(module, emulator):
    emulator.reset()
    emulator.seed('s4_t2', {'users': [{'Name': 'IT_UNBOUND', 'Password': 'Unbound-User-Passw0rd-1!',
                                       'Description': 'no arrangement'}]})
    cases = {'s4_t1': (DEMO['s4_admin_user'], 'Wrong-Password-For-Preflight-1!'),
             's4_t2': ('IT_UNBOUND', 'Unbound-User-Passw0rd-1!')}
    for tenant, (user, password) in cases.items():
        emulator.reset_stats()
        result = module.task(S4, {'api_url': emulator.url(tenant), 'api_user': user, 'api_password': password,
                                  'scenarios': ['SAP_COM_0093'], 'setting_names': {'api_password': 'sapcloud_s4_api_password'}})
        assert not result.failed and not result.changed, result.msg
        assert emulator.requests(tenant) == 1  # never repeated: a communication user locks after three failures
        logon = row(result.data['facts'], 'logon as %s' % user)
        assert logon['verdict'] == 'different' and 'HTTP 401' in logon['found']
        assert 'sapcloud_s4_api_password' in logon['set'] and 'locked' in logon['set'] and 'SAP_COM_0A48' in logon['set']
        assert all(f['verdict'] == 'unknown' for f in result.data['facts'][result.data['facts'].index(logon) + 1:])
        assert password not in str(result.data)
    admin = [u for u in emulator.state('s4_t1')['users'].values() if u['Name'] == DEMO['s4_admin_user']][0]
    assert admin['LockStatus'] == 'not_locked'
    emulator.reset()


def test_a_refused_request_is_named_by_its_cause(module, emulator):
    """Tenant variants: a logon page with HTTP 200 is a failed logon; an HTTP 400 naming the client asks for
    sap-client (not for another URL); the run never depends on item shapes it does not send."""
    names = {'api_password': 'sapcloud_s4_api_password', 'sap_client': 'sapcloud_s4_sap_client (SAP_S4_CLIENT)',
             'api_url': 'sapcloud_s4_api_url'}
    conn = {'api_url': emulator.url('s4_t1'), 'api_user': DEMO['s4_admin_user'],
            'api_password': DEMO['s4_admin_password'], 'setting_names': names}
    emulator.reset()
    try:
        emulator.variants('s4_t1', ['s4_logon_page_200'])
        facts = module.task(S4, dict(conn, api_password='Wrong-Password-For-Preflight-1!')).data['facts']
        logon = row(facts, 'logon as')
        assert logon['verdict'] == 'different' and 'sapcloud_s4_api_password' in logon['set'], facts

        emulator.variants('s4_t1', ['s4_sap_client_required'])
        facts = module.task(S4, conn).data['facts']
        client = row(facts, 'sap-client')
        assert client['verdict'] == 'different' and client['set'].startswith('sapcloud_s4_sap_client (SAP_S4_CLIENT)')
        assert row(facts, 'API host reachable')['verdict'] == 'confirmed'
        assert row(facts, 'If-Match required')['expected'] == 'If-Match sent where required'
        facts = module.task(S4, dict(conn, sap_client='100')).data['facts']
        assert [f for f in facts if f['verdict'] == 'different'] == []

        emulator.variants('s4_t1', ['s4_no_item_properties'])
        facts = module.task(S4, conn).data['facts']
        assert [f for f in facts if f['verdict'] == 'different'] == []
        items = row(facts, 'CommunicationArrangements/Properties items')
        assert items['verdict'] == 'unknown' and 'Name' in items['found'], items
        sent = module.task(S4, dict(conn, arrangement_items=['Properties'])).data['facts']
        assert [f['fact'] for f in sent if f['verdict'] == 'different'] == [items['fact']]
    finally:
        emulator.reset()


def test_required_if_match_differs_only_without_etags(module, emulator):
    emulator.reset()
    emulator.fault(host='s4_t1', action='enforce_etag', enabled=True)
    conn = {'api_url': emulator.url('s4_t1'), 'api_user': DEMO['s4_admin_user'],
            'api_password': DEMO['s4_admin_password'], 'setting_names': {'use_etag': 'use_etag'}}
    try:
        verdicts = dict((use_etag, row(module.task(S4, dict(conn, use_etag=use_etag)).data['facts'], 'If-Match required'))
                        for use_etag in (True, False))
    finally:
        emulator.reset()
    assert verdicts[True]['verdict'] == 'confirmed', verdicts
    assert verdicts[False]['verdict'] == 'different' and verdicts[False]['set'] == 'use_etag: true (the default)', verdicts


def test_a_missing_connection_option_names_its_environment_variable(module, emulator):
    emulator.reset_stats()
    result = module.task(S4, {'api_url': emulator.url('s4_t1'), 'api_user': DEMO['s4_admin_user']},
                         env={'SAP_S4_API_PASSWORD': ''})
    assert result.failed and result.msg == 'api_password is required; set it or the environment variable SAP_S4_API_PASSWORD'
    assert emulator.requests() == 0


# Per input: the choices under which a step needs it (the emulator inventory: neo, api transports).
INPUTS = {
    'sapcloud_s4_api_url': ('SAP_S4_API_URL', {}),
    'sapcloud_s4_api_user': ('SAP_S4_API_USER', {}),
    'sapcloud_s4_api_password': ('SAP_S4_API_PASSWORD', {}),
    'sapcloud_neo_landscape_host': ('SAP_NEO_LANDSCAPE_HOST', {}),
    'sapcloud_neo_consumer_subaccount': ('SAP_NEO_SUBACCOUNT', {}),
    'sapcloud_neo_provider_subaccount': ('SAP_NEO_PROVIDER_SUBACCOUNT', {}),
    'sapcloud_neo_platform_client_id': ('SAP_NEO_PLATFORM_CLIENT_ID', {}),
    'sapcloud_neo_platform_client_secret': ('SAP_NEO_PLATFORM_CLIENT_SECRET', {}),
    'sapcloud_neo_oauth_client_id': ('SAP_IPS_CLIENT_ID', {}),
    'sapcloud_neo_oauth_client_secret': ('SAP_IPS_CLIENT_SECRET', {}),
    'sapcloud_ias_url': ('SAP_IAS_URL', {'sapcloud_infrastructure': 'sci'}),
    'sapcloud_ias_client_id': ('SAP_IPS_CLIENT_ID', {'sapcloud_infrastructure': 'sci'}),
    'sapcloud_ias_client_secret': ('SAP_IPS_CLIENT_SECRET', {'sapcloud_infrastructure': 'sci'}),
    'sapcloud_ips_admin_url': ('SAP_IPS_ADMIN_URL', {}),
    'sapcloud_ips_admin_user': ('SAP_IPS_ADMIN_USER', {}),
    'sapcloud_ips_admin_password': ('SAP_IPS_ADMIN_PASSWORD', {}),
    'sapcloud_idm_admin_url': ('SAP_IDM_ADMIN_URL', {}),
    'sapcloud_idm_admin_user': ('SAP_IDM_ADMIN_USER', {}),
    'sapcloud_idm_admin_password': ('SAP_IDM_ADMIN_PASSWORD', {}),
}
# Inputs a step that does not run must not ask for.
NOT_NEEDED = [
    ('sapcloud_neo_provider_subaccount', {'sapcloud_infrastructure': 'sci'}),
    ('sapcloud_ias_url', {}),
    ('sapcloud_ips_admin_password', {'sapcloud_ips_transport': 'file'}),
    ('sapcloud_idm_admin_url', {'sapcloud_idm_transport': 'file'}),
]


def test_each_required_setting_missing_in_turn(ansible, emulator, tmp_path):
    """One play derives the plan and runs the playbooks' settings check once per case (the real integrate.yml run
    below shows it comes before any request)."""
    cases = [dict(spec[1], **{name: ''}) for name, spec in INPUTS.items()]
    cases += [dict(choices, **{name: ''}) for name, choices in NOT_NEEDED]
    settings = os.path.join(REPO, 'playbooks', 'tasks', 'settings.yml')
    plan = os.path.join(REPO, 'roles', 'integration', 'tasks', 'main.yml')  # the plan of each case's settings
    files = []
    for index, case in enumerate(cases):  # block vars outrank the inventory, as a user's own setting would
        path = tmp_path / ('case-%d.yml' % index)
        path.write_text(yaml.safe_dump([{'vars': case, 'block': [
            {'import_tasks': plan}, {'import_tasks': settings},
            {'set_fact': {'outcomes': '{{ outcomes + ["passed"] }}'}}],
            'rescue': [{'set_fact': {'outcomes': '{{ outcomes + [ansible_failed_result.msg] }}'}}]}]))
        files.append(str(path))
    playbook = [{'hosts': 's4_t1', 'connection': 'local', 'gather_facts': False,
                 'vars_files': [os.path.join(REPO, 'playbooks', 'vars', f) for f in ('profiles.yml', 'integration.yml', 'steps.yml')],
                 'vars': {'outcomes': [], 'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
                 'tasks': [{'include_tasks': '{{ item }}', 'loop': files},
                           {'copy': {'content': '{{ outcomes | to_nice_json }}', 'dest': str(tmp_path / 'outcomes.json')}}]}]
    clean_env = dict((spec[0], '') for spec in INPUTS.values())
    emulator.reset_stats()
    run = ansible.playbook(playbook, inventory=INVENTORY, env=clean_env)
    assert run.rc == 0, run.output[-4000:]
    outcomes = yaml.safe_load((tmp_path / 'outcomes.json').read_text())
    assert len(outcomes) == len(cases)
    for (name, (env, _choices)), outcome in zip(INPUTS.items(), outcomes):
        assert '%s (or environment variable %s)' % (name, env) in outcome, (name, outcome)
        assert outcome.count('(or environment variable') == 1, outcome
    assert outcomes[len(INPUTS):] == ['passed'] * len(NOT_NEEDED)
    assert emulator.requests() == 0

    emulator.reset_stats()
    real = play(ansible, tmp_path, 'integrate.yml', extra={'sapcloud_neo_provider_subaccount': ''}, limit='s4_t1',
                env=clean_env)
    assert real.rc != 0
    assert 'sapcloud_neo_provider_subaccount (or environment variable SAP_NEO_PROVIDER_SUBACCOUNT)' in real.output
    assert 'nothing was requested yet' in ' '.join(real.output.split())
    assert emulator.requests() == 0

    # The environment variable stands in for the inventory variable.
    emulator.reset_stats()
    with_env = play(ansible, tmp_path, 'preflight.yml', extra={'sapcloud_neo_provider_subaccount': ''}, limit='s4_t1',
                    env=dict(clean_env, SAP_NEO_PROVIDER_SUBACCOUNT=DEMO['neo_provider_subaccount']))
    assert with_env.rc == 0, with_env.output[-3000:]
    assert state_writes(emulator) == 0


def test_the_client_idm_uses_gets_a_token_or_is_named(module, emulator):
    base = {'infrastructure': 'sci', 'proxy_url': emulator.url('ias'), 'client_id': DEMO['ias_client_id'],
            'setting_names': {'client_secret': 'sapcloud_ias_client_secret (SAP_IPS_CLIENT_SECRET)'}}
    emulator.reset_stats()
    right = module.task('sapcloud.identity.ips_preflight', dict(base, client_secret=DEMO['ias_client_secret']))
    wrong = module.task('sapcloud.identity.ips_preflight', dict(base, client_secret='Not-The-Secret-1'))
    assert [f['verdict'] for f in right.data['facts']] == ['confirmed'], right
    fact = wrong.data['facts'][0]
    assert fact['verdict'] == 'different' and fact['found'] == 'HTTP 401'
    assert 'sapcloud_ias_client_secret (SAP_IPS_CLIENT_SECRET)' in fact['set'] and 'Access Proxy System API' in fact['set']
    assert state_writes(emulator) == 0 and emulator.requests() == 2


def test_users_and_arrangements_are_read_only_when_the_metadata_leaves_a_fact_open(module, emulator):
    """Four reads on a tenant that declares no concurrency control and lists every scenario needed: the three
    $metadata and the scenario list. Required If-Match adds the user read that shows whether entities carry ETags;
    a scenario the list lacks adds the read of the arrangements in use."""
    conn = {'api_url': emulator.url('s4_t1'), 'api_user': DEMO['s4_admin_user'],
            'api_password': DEMO['s4_admin_password'], 'scenarios': ['SAP_COM_0A48', 'SAP_COM_0093']}

    def reads(**faults):
        emulator.reset()
        for action, options in faults.items():
            emulator.fault(host='s4_t1', action=action, **options)
        try:
            result = module.task(S4, conn, log=True)
        finally:
            emulator.reset()
        assert [f for f in result.data['facts'] if f['verdict'] != 'confirmed'] == [], result.data
        return sorted(e['path'].split('/0001/')[-1] for e in result.requests_log if e['host'] == 's4_t1')

    metadata = ['$metadata'] * 3
    assert reads() == metadata + ['CommunicationScenarios']
    assert reads(enforce_etag={'enabled': True}) == metadata + ['CommunicationScenarios', 'CommunicationUsers']
    # SAP_COM_0A48 missing from the list, but its arrangement (the caller's own) proves it is offered.
    assert reads(metadata={'offered_scenarios': ['SAP_COM_0093']}) == \
        metadata + ['CommunicationArrangements', 'CommunicationScenarios']
