"""sapcloud.identity.ips_proxy_system: the collection's REST contract (api) on the emulated IPS (neo) and SAP
Cloud Identity Services (sci) tenants, and the IPS import file (file) with its round trip through the emulated
admin console. Requests and writes are counted by the emulator, never taken from the module.
"""

import json
import os
import re

import pytest
import requests

from helpers import assert_no_secret, measure, unique
from ips_support import COMM_PASSWORD, DEMO, delete_systems, ips_admin, neo_system, sci_system, setup_landscape, ui

MODULE = 'sapcloud.identity.ips_proxy_system'
INFO = 'sapcloud.identity.ips_proxy_system_info'
GUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
SCIM_PATHS = {'neo': '/ipsproxy/api/v1/scim/', 'sci': '/ipsproxy/service/api/v1/scim/'}
HOSTS = {'neo': 'ips', 'sci': 'ias'}


@pytest.fixture
def landscape(emulator):
    setup_landscape(emulator)
    yield
    delete_systems(emulator, 'IT ')


def system_args(emulator, infrastructure, name):
    return neo_system(name) if infrastructure == 'neo' else sci_system(emulator, name)


def stored(emulator, host, system_id):
    return emulator.state(host)['systems'][system_id]


def comparable(system):
    """A stored system without what differs between two systems of the same definition."""
    return dict((k, v) for k, v in system.items() if k not in ('id', 'fromImport'))


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_api_lifecycle(emulator, module, landscape, infrastructure):
    host = HOSTS[infrastructure]
    name = unique('IT proxy')
    args = system_args(emulator, infrastructure, name)
    defaults = ips_admin(emulator, infrastructure)

    def task(extra=None, **kwargs):
        return module.task(MODULE, dict(args, **(extra or {})), defaults=defaults, **kwargs)

    run, reads, writes = measure(emulator, lambda: task(check=True), [host])
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)
    assert run.data['system_id'] is None and run.data['actions'] == ['create']

    run, reads, writes = measure(emulator, task, [host])
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (2, 1)  # GET by name, POST
    system_id = run.data['system_id']
    assert GUID.match(system_id)
    assert run.data['scim_url'] == emulator.url(host) + SCIM_PATHS[infrastructure] + system_id
    server = stored(emulator, host, system_id)
    assert server['name'] == name and server['accessMode'] == 'PROXY'
    assert server['connectorTypeString'] == 'SAP_S4HANA_CLOUD'
    if infrastructure == 'sci':
        assert server['_credentials'] == {'Password': COMM_PASSWORD}
        assert run.data['system']['encryptedProperties'] == {'Password': None}
    else:
        assert server['destinationName'] == args['destination_name'] and server['_credentials'] == {}

    run, reads, writes = measure(emulator, task, [host])
    assert not run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)
    assert run.data['system_id'] == system_id

    update = {'description': 'changed', 'properties': dict(args['properties'], **{'ips.trace.failed.entity.content': True})}
    run, reads, writes = measure(emulator, lambda: task(update, diff=True), [host])
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (2, 1)  # GET, PUT
    assert run.data['diff']['before']['description'] == 'integration test'
    assert run.data['diff']['after']['description'] == 'changed'
    assert 'ips.trace.failed.entity.content=true' in run.data['diff']['after']['properties']
    assert stored(emulator, host, system_id)['properties']['ips.trace.failed.entity.content'] == 'true'

    run, reads, writes = measure(emulator, lambda: task(dict(update, state='absent'), check=True), [host])
    assert run.changed and writes == 0
    run, reads, writes = measure(emulator, lambda: task(dict(update, state='absent')), [host])
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (2, 1)  # GET, DELETE
    assert system_id not in emulator.state(host)['systems']
    run, reads, writes = measure(emulator, lambda: task(dict(update, state='absent')), [host])
    assert not run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)


def test_credential_properties_are_write_only(emulator, module, landscape):
    defaults = ips_admin(emulator, 'sci')
    args = sci_system(emulator, unique('IT creds'))
    system_id = module.task(MODULE, args, defaults=defaults).data['system_id']
    other = dict(args, credential_properties={'Password': 'Another-Comm-Passw0rd-2026!'})

    run, reads, writes = measure(emulator, lambda: module.task(MODULE, other, defaults=defaults), ['ias'])
    assert not run.changed and (reads, writes) == (1, 0)  # not comparable, so not sent (update_password=on_create)
    assert stored(emulator, 'ias', system_id)['_credentials'] == {'Password': COMM_PASSWORD}

    run = module.task(MODULE, dict(other, update_password='always'), defaults=defaults, diff=True)
    assert run.changed and run.data['actions'] == ['update']
    assert run.data['diff']['after']['credential_properties.Password'] == '********'
    assert stored(emulator, 'ias', system_id)['_credentials'] == {'Password': 'Another-Comm-Passw0rd-2026!'}


def test_credentials_resent_when_url_changes(emulator, module, landscape):
    defaults = ips_admin(emulator, 'sci')
    args = sci_system(emulator, unique('IT url'))
    system_id = module.task(MODULE, args, defaults=defaults).data['system_id']

    moved = dict(args, properties=dict(args['properties'], URL=emulator.url('s4_t2')))
    run = module.task(MODULE, moved, defaults=defaults)
    assert run.changed and not run.failed, run.msg
    server = stored(emulator, 'ias', system_id)
    assert server['properties']['URL'] == emulator.url('s4_t2')
    assert server['_credentials'] == {'Password': COMM_PASSWORD}  # IPS dropped it; the module sent it again

    # IPS behaviour as emulated: a new URL without the credentials leaves the system without them ...
    doc = requests.get(emulator.url('ias') + '/sapcloud-identity/ips/v1/systems/%s' % system_id,
                       auth=(DEMO['ips_admin_user'], DEMO['ips_admin_password']), timeout=30).json()
    doc['properties']['URL'] = emulator.url('s4_t3')
    requests.put(emulator.url('ias') + '/sapcloud-identity/ips/v1/systems/%s' % system_id, json=doc,
                 auth=(DEMO['ips_admin_user'], DEMO['ips_admin_password']), timeout=30).raise_for_status()
    assert stored(emulator, 'ias', system_id)['_credentials'] == {}
    # ... and the module notices the unset credential property and sends it.
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=defaults), ['ias'])
    assert run.changed and (reads, writes) == (2, 1)
    assert stored(emulator, 'ias', system_id)['_credentials'] == {'Password': COMM_PASSWORD}


def test_transformations_compared_by_meaning(emulator, module, landscape):
    defaults = ips_admin(emulator, 'neo')
    transformation = {'user': {'mappings': [{'sourcePath': '$.userName', 'targetPath': '$.userName'},
                                            {'constant': 'EN', 'targetPath': '$.locale'}]},
                      'group': {'mappings': [{'sourcePath': '$.displayName', 'targetPath': '$.displayName'}]}}
    args = neo_system(unique('IT transform'), read_transformation=transformation)
    assert module.task(MODULE, args, defaults=defaults).changed

    as_text = json.dumps({'group': transformation['group'], 'user': transformation['user']}, indent=4)
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, dict(args, read_transformation=as_text),
                                                               defaults=defaults), ['ips'])
    assert not run.changed and (reads, writes) == (1, 0), run.msg

    changed = json.loads(json.dumps(transformation))
    changed['user']['mappings'][1]['constant'] = 'DE'
    run = module.task(MODULE, dict(args, read_transformation=changed, write_transformation=transformation),
                      defaults=defaults)
    assert run.changed and not run.failed, run.msg
    server = stored(emulator, 'ips', run.data['system_id'])
    assert server['readTransformation'] == changed and server['writeTransformation'] == transformation


def test_property_removal(emulator, module, landscape):
    defaults = ips_admin(emulator, 'neo')
    args = neo_system(unique('IT remove'))
    args['properties']['s4hana.cloud.roles.filter'] = "startswith(ID, 'IT_') eq true"
    system_id = module.task(MODULE, args, defaults=defaults).data['system_id']
    run = module.task(MODULE, dict(args, properties={'s4hana.cloud.roles.filter': None}), defaults=defaults)
    assert run.changed and not run.failed, run.msg
    properties = stored(emulator, 'ips', system_id)['properties']
    assert 's4hana.cloud.roles.filter' not in properties and properties['s4hana.cloud.api.version'] == '1'
    assert not module.task(MODULE, dict(args, properties={'s4hana.cloud.roles.filter': None}), defaults=defaults).changed


BAD_INPUTS = [
    ({'name': 'x' * 101}, 'name must be 1 to 100 characters'),
    ({'name': 'bad/name'}, 'name must be 1 to 100 characters'),
    ({'properties': {'URL': 'https://my123456.s4hana.cloud.sap'}}, 'properties.URL must be the tenant\'s API host'),
    ({'properties': {'URL': 'my123456-api.s4hana.cloud.sap'}}, 'properties.URL must be a full URL'),
    ({'properties': {'s4hana.cloud.api.version': '2'}}, 'properties.s4hana.cloud.api.version must be one of 1, 3'),
    ({'properties': {'s4hana.cloud.hr.switch.active': 'yes'}}, 'properties.s4hana.cloud.hr.switch.active must be one of'),
    ({'properties': {'User': 'A,B'}}, 'properties.User must not contain a comma'),
    ({'read_transformation': '{"user": '}, 'read_transformation is not valid JSON'),
    ({'write_transformation': '[1, 2]'}, 'write_transformation must be a JSON object'),
    ({'destination_name': None, 'properties': {}}, 'destination_name or properties.URL is required with infrastructure=neo'),
    ({'ips_admin_url': None}, 'ips_admin_url is required with transport=api'),
    ({'ips_admin_url': 'ips.example.com'}, 'ips_admin_url must be a full base URL'),
    ({'system_id': '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b'}, 'system_id applies to transport=file only'),
    ({'transport': 'file'}, 'dest is required with transport=file'),
    ({'transport': 'file', 'dest': '/tmp/ips-bad.json', 'system_id': 'a/b'}, 'system_id must be the ID of a proxy system'),
]


@pytest.mark.parametrize('extra,message', BAD_INPUTS)
def test_bad_input_fails_before_any_request(emulator, module, extra, message):
    args = dict(neo_system(unique('IT bad')), **extra)
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=ips_admin(emulator, 'neo')))
    assert run.failed and message in run.msg, run.msg
    assert (reads, writes) == (0, 0)


@pytest.mark.parametrize('extra,message', [
    ({'credential_properties': None}, 'credential_properties.Password is required with infrastructure=sci'),
    ({'properties': {'User': 'X'}}, 'properties.URL is required with infrastructure=sci'),
    ({'credential_properties': {'Password': 'Secret,With,Commas-1'}}, 'credential_properties.Password must not contain a comma'),
])
def test_bad_sci_input(emulator, module, extra, message):
    args = dict(sci_system(emulator, unique('IT bad')), **extra)
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=ips_admin(emulator, 'sci')))
    assert run.failed and message in run.msg, run.msg
    assert 'Secret,With' not in json.dumps(run.data)
    assert (reads, writes) == (0, 0)


def test_server_refusals_are_clean_failures(emulator, module, landscape):
    defaults = ips_admin(emulator, 'neo')
    run = module.task(MODULE, neo_system(unique('IT auth')), defaults=dict(defaults, ips_admin_password='wrong'))
    assert run.failed and re.search(r'GET /sapcloud-identity/ips/v1/systems on \S+ failed \(HTTP 401\)', run.msg), run.msg
    assert 'Traceback' not in json.dumps(run.data)


def test_max_systems(emulator, module, landscape):
    emulator.reset('ips')
    emulator.seed('ips', {'max_systems': 1})
    defaults = ips_admin(emulator, 'neo')
    try:
        assert module.task(MODULE, neo_system(unique('IT first')), defaults=defaults).changed
        run = module.task(MODULE, neo_system(unique('IT second')), defaults=defaults)
        assert run.failed and 'The maximum number of systems (1) is reached' in run.msg, run.msg
    finally:
        emulator.reset('ips')


def test_no_secret_in_verbose_output(emulator, ansible, landscape):
    """The module's ansible-playbook smoke run: create, rotate, remove, with -vvv and --diff."""
    defaults = ips_admin(emulator, 'sci')
    args = sci_system(emulator, unique('IT secret'))
    run = ansible.playbook([{'hosts': 'localhost', 'gather_facts': False, 'module_defaults': {MODULE: defaults},
                             'tasks': [{'name': 'create', MODULE: args},
                                       {'name': 'rotate', MODULE: dict(args, update_password='always')},
                                       {'name': 'remove', MODULE: dict(args, state='absent')}]}],
                           verbosity=3, diff=True)
    for task in ('create', 'rotate', 'remove'):
        assert run.task(task)['changed'] and not run.task(task)['failed'], run.task(task)['result'].get('msg')
    assert 'changed' in run.output
    assert_no_secret(run.output, COMM_PASSWORD, DEMO['ips_admin_password'], users=(DEMO['ips_admin_user'], 'IT_IPS_V1'))


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_file_lifecycle(emulator, module, tmp_path, infrastructure):
    dest = str(tmp_path / 'proxy.json')
    name = unique('IT file')
    args = dict(system_args(emulator, infrastructure, name), transport='file', dest=dest,
                infrastructure=infrastructure)

    def task(extra=None, **kwargs):
        return module.task(MODULE, dict(args, **(extra or {})), **kwargs)

    run, reads, writes = measure(emulator, lambda: task(check=True))
    assert run.changed and not run.failed, run.msg
    assert not os.path.exists(dest) and (reads, writes) == (0, 0)

    run, reads, writes = measure(emulator, task)
    assert run.changed and not run.failed, run.msg
    assert (reads, writes) == (0, 0)
    assert run.data['path'] == dest and 'Define from File' in run.data['next_step']
    assert os.stat(dest).st_mode & 0o777 == 0o644
    content = open(dest, 'rb').read()
    assert COMM_PASSWORD.encode() not in content and content.endswith(b'}\n')
    doc = json.loads(content)
    assert doc['name'] == name and doc['accessMode'] == 'PROXY' and doc['connectorTypeString'] == 'SAP_S4HANA_CLOUD'
    assert doc['encryptedProperties'] == ({'Password': None} if infrastructure == 'sci' else {})
    if infrastructure == 'sci':
        assert 'enter the credential properties Password' in run.data['next_step']
    mtime = os.stat(dest).st_mtime_ns

    run = task()
    assert not run.changed and not run.failed, run.msg
    assert open(dest, 'rb').read() == content and os.stat(dest).st_mtime_ns == mtime

    run = task({'system_id': '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b', 'proxy_url': 'https://proxy.example.com'})
    assert not run.changed and open(dest, 'rb').read() == content
    assert run.data['scim_url'] == 'https://proxy.example.com' + SCIM_PATHS[infrastructure] + \
        '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b'
    assert 'idm_repository' in run.data['next_step']

    run = task({'description': 'changed'}, diff=True)
    assert run.changed and json.loads(open(dest).read())['description'] == 'changed'
    assert run.data['diff']['before']['description'] == 'integration test'

    run = task({'state': 'absent'}, check=True)
    assert run.changed and os.path.exists(dest)
    run = task({'state': 'absent'})
    assert run.changed and not os.path.exists(dest) and 'by hand' in run.data['next_step']
    run = task({'state': 'absent'})
    assert not run.changed and not run.failed


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_file_round_trip_matches_api(emulator, module, landscape, tmp_path, infrastructure):
    """The emulated console imports the file into the same system the api transport creates."""
    host = HOSTS[infrastructure]
    defaults = ips_admin(emulator, infrastructure)
    args = system_args(emulator, infrastructure, unique('IT round trip'))
    args['read_transformation'] = {'user': {'mappings': [{'sourcePath': '$.id', 'targetPath': '$.id'}]}}

    run = module.task(MODULE, args, defaults=defaults)
    via_api = comparable(stored(emulator, host, run.data['system_id']))
    assert module.task(MODULE, dict(args, state='absent'), defaults=defaults).changed

    dest = str(tmp_path / 'import.json')
    assert module.task(MODULE, dict(args, transport='file', dest=dest)).changed
    imported = ui(emulator, host, 'POST', '/emulator-ui/ips/import', data=open(dest, 'rb').read(),
                  headers={'Content-Type': 'application/json'}).json()
    assert imported['fromImport'] is True and imported['encryptedProperties'] == {}
    if infrastructure == 'sci':
        ui(emulator, host, 'PUT', '/emulator-ui/ips/systems/%s/credentials' % imported['id'],
           json={'Password': COMM_PASSWORD})
    assert comparable(stored(emulator, host, imported['id'])) == via_api

    # The api transport finds the imported system as it would have left it.
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, args, defaults=defaults), [host])
    assert not run.changed and (reads, writes) == (1, 0), run.msg
    assert run.data['system_id'] == imported['id']
    module.task(MODULE, dict(args, state='absent'), defaults=defaults)


def test_import_gives_a_new_id_and_drops_credentials(emulator, module, landscape):
    defaults = ips_admin(emulator, 'sci')
    args = sci_system(emulator, unique('IT export'))
    system_id = module.task(MODULE, args, defaults=defaults).data['system_id']
    exported = ui(emulator, 'ias', 'GET', '/emulator-ui/ips/systems/%s/export' % system_id).json()
    assert exported['encryptedProperties'] == {'Password': None}
    exported['name'] = unique('IT copy')
    copy = ui(emulator, 'ias', 'POST', '/emulator-ui/ips/import', json=exported).json()
    assert copy['id'] != system_id and stored(emulator, 'ias', copy['id'])['_credentials'] == {}
    clash = requests.post(emulator.url('ias') + '/emulator-ui/ips/import', json=dict(exported, name=args['name']),
                          auth=(DEMO['ips_admin_user'], DEMO['ips_admin_password']), timeout=30)
    assert clash.status_code == 409 and 'already exists' in clash.text


def admin_only(defaults):
    """The connection of ips_admin() for the info module, which has no transport."""
    return dict((k, v) for k, v in defaults.items() if k != 'transport')


def test_info_lists_and_reads_one_without_secrets(emulator, module, ansible, landscape):
    defaults = ips_admin(emulator, 'sci')
    args = sci_system(emulator, unique('IT info'))
    system_id = module.task(MODULE, args, defaults=defaults).data['system_id']
    info = admin_only(defaults)

    # The info module's ansible-playbook smoke run, with -vvv.
    run, reads, writes = measure(emulator, lambda: ansible.task(INFO, {'name': args['name']}, defaults=info, check=True,
                                                                verbosity=3), ['ias'])
    assert not run.changed and not run.failed, run.msg
    assert (reads, writes) == (1, 0)
    assert [s['id'] for s in run.data['systems']] == [system_id]
    assert run.data['systems'][0]['encryptedProperties'] == {'Password': None}
    assert run.data['systems'][0]['scim_url'] == emulator.url('ias') + SCIM_PATHS['sci'] + system_id
    assert_no_secret(run.run.output, COMM_PASSWORD, DEMO['ips_admin_password'], users=(DEMO['ips_admin_user'], 'IT_IPS_V1'))

    run = module.task(INFO, {'query': '[].name'}, defaults=info)
    assert not run.failed and args['name'] in run.data['query_result'], run.msg
    run = module.task(INFO, {'name': unique('IT none')}, defaults=info)
    assert not run.failed and run.data['systems'] == [], run.msg


@pytest.mark.parametrize('extra,message', [
    ({'ips_admin_url': None}, 'ips_admin_url is required to read proxy systems'),
    ({'ips_admin_password': None}, 'ips_admin_password is required to read proxy systems'),
    ({'proxy_url': 'ips.example.com'}, 'proxy_url must be a full base URL'),
    ({'query': '[?'}, 'query is not a valid JMESPath expression'),
])
def test_info_bad_input_fails_before_any_request(emulator, module, extra, message):
    run, reads, writes = measure(emulator, lambda: module.task(INFO, extra, defaults=admin_only(ips_admin(emulator, 'neo'))))
    assert run.failed and message in run.msg, run.msg
    assert (reads, writes) == (0, 0)
