"""sapcloud.identity.idm_repository: the collection's REST contract (api) on the emulated IDM with a real initial
load through the emulated IPS proxy, and the CSV for the IDM admin UI (file) with its round trip. Requests and
writes are counted by the emulator.
"""

import csv
import io
import json
import os

import pytest

from helpers import assert_no_secret, measure, unique
from ips_support import DEMO, delete_systems, idm_admin, ips_admin, neo_system, sci_system, setup_landscape, ui

MODULE = 'sapcloud.identity.idm_repository'
INFO = 'sapcloud.identity.idm_repository_info'
PROXY = 'sapcloud.identity.ips_proxy_system'
COLUMNS = ['Name', 'Description', 'Type', 'Disabled', 'TypeQN', 'AUTH_PASSWORD', 'AUTH_TYPE', 'AUTH_USER',
           'CONNECT_TIMEOUT', 'CONNECTION_KEEPALIVE', 'MX_PRIV_GROUPING_ATTRIBUTE', 'OAUTH_URL', 'PROXY_HOST',
           'PROXY_PASSWORD', 'PROXY_PORT', 'PROXY_USER', 'READ_TIMEOUT', 'SCIM_ASSIGNMENT_METHOD', 'SCIM_HOST',
           'SCIM_PATH', 'SCIM_PORT', 'SCIM_PROTOCOL', 'SYSTEM_PRIVILEGE', 'TRUSTSTORE', 'TRUSTSTORE_PASSWORD']
SECRET = DEMO['neo_oauth_client_secret']


@pytest.fixture
def proxy(emulator, module):
    """A destination-based Neo proxy system (SOAP) in the emulated IPS tenant; returns its id."""
    setup_landscape(emulator)
    run = module.task(PROXY, neo_system(unique('IT idm')), defaults=ips_admin(emulator, 'neo'))
    assert not run.failed, run.msg
    yield run.data['system_id']
    delete_systems(emulator, 'IT idm')


def repository_args(emulator, system_id, name=None, **extra):
    args = {'name': name or unique('IT_REPO'), 'description': 'integration test',
            'proxy_system': {'system_id': system_id, 'infrastructure': 'neo', 'proxy_url': emulator.url('ips'),
                             'token_url': emulator.url('neo_oauth') + '/oauth2/api/v1/token'},
            'auth_user': DEMO['neo_oauth_client_id'], 'auth_password': SECRET}
    args.update(extra)
    return args


def repositories(emulator):
    return emulator.state('idm')['repositories']


def repository_named(emulator, name):
    return next((r for r in repositories(emulator).values() if r['name'] == name), None)


def test_api_lifecycle_with_initial_load(emulator, module, proxy):
    args = repository_args(emulator, proxy)
    defaults = idm_admin(emulator)

    def task(extra=None, **kwargs):
        return module.task(MODULE, dict(args, **(extra or {})), defaults=defaults, **kwargs)

    run, reads, writes = measure(emulator, lambda: task(check=True), ['idm'])
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)
    assert run.data['actions'] == ['create', 'initial_load'] and run.data['initial_load'] == {'status': 'would start'}

    run, reads, writes = measure(emulator, task, ['idm'])
    assert run.changed and not run.failed, run.msg
    assert writes == 2  # POST repository, POST initial-load; the rest are GETs polling the job
    load = run.data['initial_load']
    assert load['status'] == 'succeeded' and load['users'] >= 2 and load['groups'] >= 2, load
    repo = repository_named(emulator, args['name'])
    constants = repo['constants']
    assert constants['SCIM_PATH'] == '/ipsproxy/api/v1/scim/' + proxy
    assert constants['AUTH_TYPE'] == 'oauth' and constants['SCIM_ASSIGNMENT_METHOD'] == 'PATCH'
    assert constants['AUTH_PASSWORD'] == SECRET and constants['SYSTEM_PRIVILEGE'] == 'PRIV:SYSTEM:' + args['name']
    assert 'AUTH_PASSWORD' not in run.data['repository']['constants']
    assert run.data['repository']['encryptedConstants'] == ['AUTH_PASSWORD']
    store = emulator.state('idm')['identity_store'][args['name']]
    assert {'IT_ADA', 'IT_ALAN'} <= set(store['users']) and {'IT_ROLE_A', 'IT_ROLE_B'} <= set(store['groups'])

    run, reads, writes = measure(emulator, task, ['idm'])
    assert not run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)
    assert 'loaded before' in run.data['initial_load']['message']

    update = {'constants': {'READ_TIMEOUT': 120000}, 'initial_load': 'never'}
    run, reads, writes = measure(emulator, lambda: task(update, diff=True), ['idm'])
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (2, 1)  # GET, PUT
    assert run.data['diff']['after']['constants.READ_TIMEOUT'] == '120000'
    assert run.data['diff']['after']['constants.AUTH_PASSWORD'] == '********'
    assert repository_named(emulator, args['name'])['constants']['AUTH_PASSWORD'] == SECRET  # kept, not re-sent

    run = task({'constants': {'READ_TIMEOUT': 120000}, 'initial_load': 'always'})
    assert run.changed and run.data['actions'] == ['initial_load'] and run.data['initial_load']['status'] == 'succeeded'

    run, reads, writes = measure(emulator, lambda: task({'state': 'absent'}, check=True), ['idm'])
    assert run.changed and writes == 0
    run, reads, writes = measure(emulator, lambda: task({'state': 'absent'}), ['idm'])
    assert run.changed and (reads, writes) == (2, 1)
    assert repository_named(emulator, args['name']) is None
    run, reads, writes = measure(emulator, lambda: task({'state': 'absent'}), ['idm'])
    assert not run.changed and (reads, writes) == (1, 0)


@pytest.mark.parametrize('extra,message', [
    ({'auth_password': 'Wrong-OAuth-Client-Secret-1'}, 'check AUTH_USER and AUTH_PASSWORD'),
    ({'scim_path': '/ipsproxy/api/v1/scim/00000000-0000-0000-0000-000000000000'}, 'check SCIM_PATH'),
    ({'scim_port': 1}, 'check SCIM_PROTOCOL, SCIM_HOST, SCIM_PORT'),
    ({'oauth_url': 'http://127.0.0.1:1/oauth2/api/v1/token'}, 'cannot connect to OAUTH_URL'),
    ({'auth_type': 'basic'}, 'the proxy refused the caller; check AUTH_TYPE, AUTH_USER, AUTH_PASSWORD'),
])
def test_broken_constant_fails_the_initial_load(emulator, module, proxy, extra, message):
    args = repository_args(emulator, proxy, **extra)
    run = module.task(MODULE, args, defaults=idm_admin(emulator))
    assert run.failed and run.changed, run.msg
    assert 'initial load of repository %r failed' % args['name'] in run.msg and message in run.msg, run.msg
    assert run.data['initial_load']['status'] == 'failed'
    assert_no_secret(json.dumps(run.data), SECRET, 'Wrong-OAuth-Client-Secret-1')
    # Fixing the constant and running again loads (initial_load=once: no load has succeeded yet).
    fixed = repository_args(emulator, proxy, name=args['name'])
    run = module.task(MODULE, dict(fixed, update_password='always'), defaults=idm_admin(emulator))
    assert not run.failed and run.data['initial_load']['status'] == 'succeeded', run.msg


def test_initial_load_without_waiting(emulator, module, ansible, proxy):
    emulator.seed('idm', {'job_delay': 3.0})  # outlasts the two in-process runs below
    try:
        args = repository_args(emulator, proxy, initial_load_timeout=0)
        run = module.task(MODULE, args, defaults=idm_admin(emulator))
        assert run.changed and run.data['initial_load']['status'] == 'running', run.msg
        # A re-run while it runs starts no second load: it reports the running one (an until loop's condition).
        run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=idm_admin(emulator)), ['idm'])
        assert run.data['initial_load']['status'] == 'running' and writes == 0 and not run.changed
        play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
            'name': 'poll', MODULE: args, 'module_defaults': {MODULE: idm_admin(emulator)}, 'register': 'repo',
            'until': "repo.initial_load.status != 'running'", 'retries': 20, 'delay': 1}]}]
        result = ansible.playbook(play)
        assert result.rc == 0, result.output
        assert result.task('poll')['result']['initial_load']['status'] == 'succeeded'
    finally:
        emulator.seed('idm', {'job_delay': 0.2})


def test_timeout_while_running_fails(emulator, module, proxy):
    emulator.seed('idm', {'job_delay': 3.0})
    try:
        run = module.task(MODULE, repository_args(emulator, proxy, initial_load_timeout=1), defaults=idm_admin(emulator))
        assert run.failed and 'still running after 1 seconds' in run.msg, run.msg
    finally:
        emulator.seed('idm', {'job_delay': 0.2})


BAD_INPUTS = [
    ({'auth_password': None}, 'auth_password (constant AUTH_PASSWORD) is required'),
    ({'proxy_system': None}, 'scim_host (constant SCIM_HOST) is required'),
    ({'source_csv': '/nonexistent.csv'}, 'source_csv and proxy_system are mutually exclusive'),
    ({'scim_path': 'ipsproxy/api'}, 'scim_path (constant SCIM_PATH) must start with "/"'),
    ({'constants': {'AUTH_PASSWORD': 'x'}}, 'constants.AUTH_PASSWORD: use the option auth_password instead'),
    ({'constants': {'SCIM_HOST': 'x'}}, 'constants.SCIM_HOST: use the option scim_host instead'),
    ({'description': 'say "hi"'}, 'description must not contain double quotes'),
    ({'name': 'REPO "1"'}, 'name must not contain double quotes'),
    ({'auth_password': 'with"quote-secret'}, 'auth_password (constant AUTH_PASSWORD) must not contain double quotes'),
    ({'oauth_url': 'token.example.com'}, 'oauth_url (constant OAUTH_URL) must be a full base URL'),
    ({'idm_admin_url': None}, 'idm_admin_url is required with transport=api'),
    ({'initial_load_timeout': -1}, 'initial_load_timeout must be 0 or more seconds'),
    ({'transport': 'file'}, 'dest is required with transport=file'),
    ({'proxy_system': {'system_id': '', 'proxy_url': 'https://ips.example.com', 'token_url': 'https://t.example.com'}},
     'proxy_system.system_id must be the ID of a proxy system'),
]


@pytest.mark.parametrize('extra,message', BAD_INPUTS)
def test_bad_input_fails_before_any_request(emulator, module, extra, message):
    args = dict(repository_args(emulator, '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b'), **extra)
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=idm_admin(emulator)))
    assert run.failed and message in run.msg, run.msg
    assert (reads, writes) == (0, 0)
    assert 'with"quote-secret' not in json.dumps(run.data)


def test_client_credentials_from_the_environment(emulator, module, tmp_path):
    args = dict(repository_args(emulator, '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b', transport='file',
                                dest=str(tmp_path / 'env.csv'), initial_load='never'))
    del args['auth_user'], args['auth_password']
    env = {'SAP_IPS_CLIENT_ID': DEMO['neo_oauth_client_id'], 'SAP_IPS_CLIENT_SECRET': SECRET}
    run = module.task(MODULE, args, env=env)
    assert run.changed and not run.failed, run.msg
    row = next(csv.DictReader(io.StringIO((tmp_path / 'env.csv').read_text())))
    assert row['AUTH_USER'] == DEMO['neo_oauth_client_id'] and row['AUTH_PASSWORD'] == SECRET
    assert_no_secret(json.dumps(run.data), SECRET, users=(DEMO['neo_oauth_client_id'],))


def test_no_secret_in_verbose_output(emulator, ansible, proxy, tmp_path):
    """The module's ansible-playbook smoke run, with -vvv and --diff: create, rotate, the CSV, remove, and the CSV
    with the client credentials from the environment."""
    args = repository_args(emulator, proxy, proxy_password='Proxy-Passw0rd-Secret-1', proxy_user='proxyuser',
                           truststore_password='Truststore-Secret-1', initial_load='never')
    from_env = repository_args(emulator, proxy, transport='file', dest=str(tmp_path / 'env.csv'), initial_load='never')
    del from_env['auth_user'], from_env['auth_password']
    env = {'SAP_IPS_CLIENT_ID': DEMO['neo_oauth_client_id'], 'SAP_IPS_CLIENT_SECRET': SECRET}
    defaults = idm_admin(emulator)
    tasks = [{'name': 'create', MODULE: args, 'module_defaults': {MODULE: defaults}},
             {'name': 'rotate', MODULE: dict(args, update_password='always'), 'module_defaults': {MODULE: defaults}},
             {'name': 'file', MODULE: dict(args, transport='file', dest=str(tmp_path / 'r.csv'))},
             {'name': 'remove', MODULE: dict(args, state='absent'), 'module_defaults': {MODULE: defaults},
              'diff': False},
             {'name': 'from env', MODULE: from_env, 'diff': False}]
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], verbosity=3, diff=True,
                           env=env)
    for task in ('create', 'rotate', 'file', 'remove', 'from env'):
        assert run.task(task)['changed'] and not run.task(task)['failed'], (task, run.task(task)['result'].get('msg'))
    assert 'changed' in run.output
    row = next(csv.DictReader(io.StringIO((tmp_path / 'env.csv').read_text())))
    assert row['AUTH_USER'] == DEMO['neo_oauth_client_id'] and row['AUTH_PASSWORD'] == SECRET
    assert_no_secret(run.output, SECRET, 'Proxy-Passw0rd-Secret-1', 'Truststore-Secret-1', DEMO['idm_admin_password'],
                     users=(DEMO['neo_oauth_client_id'], DEMO['idm_admin_user']))


def read_csv(path):
    rows = list(csv.reader(io.StringIO(open(path, encoding='utf-8').read())))
    assert len(rows) == 2
    return rows


def test_file_lifecycle_and_layout(emulator, module, proxy, tmp_path):
    dest = str(tmp_path / 'repo.csv')
    args = dict(repository_args(emulator, proxy), transport='file', dest=dest)

    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, check=True))
    assert run.changed and not os.path.exists(dest) and (reads, writes) == (0, 0)

    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args))
    assert run.changed and not run.failed and (reads, writes) == (0, 0), run.msg
    assert os.stat(dest).st_mode & 0o777 == 0o600
    assert run.data['initial_load'] == {'status': 'manual'} and 'Run now' in run.data['next_step']
    assert 'AUTH_PASSWORD' in run.data['next_step'] and 'docs/ips-idm-contract.md' in run.data['next_step']
    text = open(dest, encoding='utf-8').read()
    header, values = text.split('\n')[:2]
    assert header == ','.join(COLUMNS) + ','  # documented order, each name followed by a comma
    assert text.count('\n') == 2 and text.endswith(',\n')
    row = dict(zip(COLUMNS, read_csv(dest)[1]))
    assert values.startswith('"%s","integration test",,"0",' % args['name'])  # quoted values, bare empties
    assert row['AUTH_USER'] == DEMO['neo_oauth_client_id'] and row['AUTH_PASSWORD'] == SECRET
    assert row['SCIM_PATH'] == '/ipsproxy/api/v1/scim/' + proxy and row['SCIM_ASSIGNMENT_METHOD'] == 'PATCH'
    assert row['OAUTH_URL'] == args['proxy_system']['token_url'] and row['AUTH_TYPE'] == 'oauth'
    assert row['TypeQN'] == 'com.sap.idm.connector.scim:reptype.SCIM' and row['PROXY_HOST'] == ''
    assert_no_secret(json.dumps(run.data), SECRET)
    content, mtime = open(dest, 'rb').read(), os.stat(dest).st_mtime_ns

    run = module.task(MODULE, args)
    assert not run.changed and open(dest, 'rb').read() == content and os.stat(dest).st_mtime_ns == mtime

    os.chmod(dest, 0o644)
    run = module.task(MODULE, args)
    assert run.changed and os.stat(dest).st_mode & 0o777 == 0o600 and open(dest, 'rb').read() == content

    run = module.task(MODULE, dict(args, include_secrets=False), diff=True)
    assert run.changed and 'by hand' in run.data['next_step']
    assert dict(zip(COLUMNS, read_csv(dest)[1]))['AUTH_PASSWORD'] == ''
    assert run.data['diff']['before']['constants.AUTH_PASSWORD'] == '********'

    run = module.task(MODULE, dict(args, state='absent'))
    assert run.changed and not os.path.exists(dest)
    assert not module.task(MODULE, dict(args, state='absent')).changed


def test_file_round_trip_matches_api(emulator, module, proxy, tmp_path):
    """The CSV imported by the emulated admin UI gives the repository the api transport creates."""
    args = repository_args(emulator, proxy, constants={'SCIM_MODIFY_METHOD': 'PUT'}, initial_load='never')
    assert module.task(MODULE, args, defaults=idm_admin(emulator)).changed
    via_api = dict(repository_named(emulator, args['name']))
    assert module.task(MODULE, dict(args, state='absent'), defaults=idm_admin(emulator)).changed

    dest = str(tmp_path / 'repo.csv')
    assert module.task(MODULE, dict(args, transport='file', dest=dest)).changed
    imported = ui(emulator, 'idm', 'POST', '/emulator-ui/idm/import', data=open(dest, 'rb').read(),
                  headers={'Content-Type': 'text/csv'}).json()
    via_file = repository_named(emulator, args['name'])
    assert dict(via_file, id=None) == dict(via_api, id=None)
    assert imported['encryptedConstants'] == ['AUTH_PASSWORD']

    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=idm_admin(emulator)), ['idm'])
    assert not run.changed and (reads, writes) == (1, 0), run.msg
    # "Run now" in the emulated UI stands for the manual initial load.
    run = module.task(MODULE, dict(args, initial_load='once'), defaults=idm_admin(emulator))
    assert run.data['initial_load']['status'] == 'succeeded', run.msg


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_source_csv_from_the_ips_export(emulator, module, tmp_path, infrastructure):
    """Phase two of the file hand-off: the CSV IPS exports, completed with the client credentials, loads."""
    setup_landscape(emulator)
    host = 'ips' if infrastructure == 'neo' else 'ias'
    system = neo_system(unique('IT export')) if infrastructure == 'neo' else sci_system(emulator, unique('IT export'))
    system_id = module.task(PROXY, system, defaults=ips_admin(emulator, infrastructure)).data['system_id']
    export = str(tmp_path / 'export.csv')
    with open(export, 'wb') as handle:
        handle.write(ui(emulator, host, 'GET', '/emulator-ui/ips/systems/%s/export' % system_id,
                        params={'format': 'csv'}).content)
    exported = dict(zip(COLUMNS, read_csv(export)[1]))
    assert exported['AUTH_USER'] == '' and exported['AUTH_PASSWORD'] == ''
    client = (DEMO['neo_oauth_client_id'], DEMO['neo_oauth_client_secret']) if infrastructure == 'neo' else \
        (DEMO['ias_client_id'], DEMO['ias_client_secret'])
    args = {'name': unique('IT_FROM_CSV'), 'source_csv': export, 'auth_user': client[0],
            'auth_password': client[1]}
    run = module.task(MODULE, args, defaults=idm_admin(emulator))
    assert run.changed and not run.failed, run.msg
    assert run.data['initial_load']['status'] == 'succeeded' and run.data['initial_load']['users'] >= 2
    assert run.data['repository']['description'] == 'integration test'  # taken from the CSV
    assert run.data['repository']['constants']['SCIM_PATH'].endswith(system_id)
    delete_systems(emulator, 'IT export')


def admin_only(emulator):
    """The connection of idm_admin() for the info module, which has no transport."""
    return dict((k, v) for k, v in idm_admin(emulator).items() if k != 'transport')


def test_info_lists_and_reads_one_without_secrets(emulator, module, ansible, proxy):
    args = repository_args(emulator, proxy, initial_load='never')
    assert module.task(MODULE, args, defaults=idm_admin(emulator)).changed

    # The info module's ansible-playbook smoke run, with -vvv.
    run, reads, writes = measure(emulator, lambda: ansible.task(INFO, {'name': args['name']}, defaults=admin_only(emulator),
                                                                check=True, verbosity=3), ['idm'])
    assert not run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)
    assert [r['name'] for r in run.data['repositories']] == [args['name']]
    repository = run.data['repositories'][0]
    assert repository['encryptedConstants'] == ['AUTH_PASSWORD'] and 'AUTH_PASSWORD' not in repository['constants']
    assert repository['constants']['AUTH_USER'] == DEMO['neo_oauth_client_id']
    assert_no_secret(run.run.output, SECRET, DEMO['idm_admin_password'], users=(DEMO['idm_admin_user'],))

    run = module.task(INFO, {'query': '[].name'}, defaults=admin_only(emulator))
    assert not run.failed and args['name'] in run.data['query_result'], run.msg
    run = module.task(INFO, {'name': unique('IT_NONE')}, defaults=admin_only(emulator))
    assert not run.failed and run.data['repositories'] == [], run.msg


@pytest.mark.parametrize('extra,message', [
    ({'idm_admin_url': 'idm.example.com'}, 'idm_admin_url must be a full base URL'),
    ({'idm_admin_user': None}, 'idm_admin_user is required to read repositories'),
    ({'query': '[?'}, 'query is not a valid JMESPath expression'),
])
def test_info_bad_input_fails_before_any_request(emulator, module, extra, message):
    run, reads, writes = measure(emulator, lambda: module.task(INFO, extra, defaults=admin_only(emulator)))
    assert run.failed and message in run.msg, run.msg
    assert (reads, writes) == (0, 0)
