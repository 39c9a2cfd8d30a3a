"""Accepted values come back unchanged through every output format, or are refused before any request.

Each awkward value (unicode, quotes, backslashes, separators, leading and trailing blanks, formula characters) is
written through one module into one format and read back from where it landed: the OData body of a communication
user and an OData key ($filter on the user's name), the .properties upload of a Neo destination, the JSON of a Cloud
Foundry destination, IPS and IDM documents through the collection's contract (JSON), the IPS import JSON file and the
IDM CSV file (read with Python's csv module, the formula quote taken off). A second run must change nothing and make
no write. A value a format cannot carry must be refused with 0 requests; anything else is a failure.
"""

import csv
import json
import os

from harness import DEMO, READ_POSTS

TOKEN_PATHS = READ_POSTS  # token requests and the SOAP worker query change nothing

VALUES = {
    'unicode': 'Zürich – 東京 😀',
    'quotes': 'O\'Neil "the" admin',
    'backslashes': 'C:\\path\\to\\x \\n',
    'separators': 'a,b;c|d=e:f#g!h&i?j/k',
    'blanks': '  leading and trailing  ',
    'formula': '=SUM(A1:A2)',
    'leading minus': '-1',
}
# OData key values: a name in $filter (quotes doubled), without the comma S/4 user names may not hold.
KEY_VALUES = {'apostrophe': "IT_RT_O'NEIL", 'unicode': 'IT_RT_ZÜRICH', 'ampersand and hash': 'IT_RT_A&B#C',
              'plus and percent': 'IT_RT_1+1%'}


def s4(emulator):
    return {'api_url': emulator.url('s4_t1'), 'api_user': DEMO['s4_admin_user'],
            'api_password': DEMO['s4_admin_password']}


def neo(emulator):
    return {'platform': 'neo', 'api_url': emulator.url('neo_api'), 'configapi_url': emulator.url('neo_configapi'),
            'subaccount': DEMO['neo_consumer_subaccount'], 'platform_client_id': DEMO['neo_platform_client_id'],
            'platform_client_secret': DEMO['neo_platform_client_secret']}


def cf(emulator):
    return {'platform': 'cf', 'service_key': {
        'url': emulator.url('cf_uaa'), 'clientid': DEMO['cf_client_id'], 'clientsecret': DEMO['cf_client_secret'],
        'identityzone': 'emulator', 'tenantmode': 'dedicated', 'uri': emulator.url('cf_destination')}}


def ips_api(emulator):
    return {'transport': 'api', 'infrastructure': 'neo', 'ips_admin_url': emulator.url('ips'),
            'ips_admin_user': DEMO['ips_admin_user'], 'ips_admin_password': DEMO['ips_admin_password'],
            'proxy_url': emulator.url('ips')}


def idm_api(emulator):
    return {'transport': 'api', 'idm_admin_url': emulator.url('idm'), 'idm_admin_user': DEMO['idm_admin_user'],
            'idm_admin_password': DEMO['idm_admin_password']}


IDM_BASE = {'scim_protocol': 'https', 'scim_host': 'h.example.com', 'scim_port': 443, 'scim_path': '/scim',
            'auth_type': 'oauth', 'oauth_url': 'https://t.example.com', 'auth_user': 'u', 'initial_load': 'never'}


def csv_cell(path, column):
    with open(path, newline='') as handle:
        header, values = [r for r in csv.reader(handle) if r]
    cell = dict(zip(header, values))[column]
    if cell.startswith(('=', '+', '-', '@', '\t', '\r')):
        return 'a cell a spreadsheet runs as a formula: %r' % cell
    return cell[1:] if cell.startswith("'") else cell  # the formula quote the module puts in front


def formats(emulator, tmp, password):
    """(format, module, args(value, index), read_back(value, index)) for every output format."""
    def user_name(index):
        return 'IT_RT_USER_%d' % index

    def s4_user(index):
        return next((u for u in emulator.state('s4_t1')['users'].values() if u['Name'] == user_name(index)), {})

    def neo_dest(index):
        level = 'subaccount:%s' % DEMO['neo_consumer_subaccount']
        return emulator.state('neo_configapi')['destinations'].get(level, {}).get('IT_RT_%d' % index, {})

    def cf_dest(index):
        owned = emulator.state('cf_destination')['subaccount'].get(DEMO['cf_subaccount_id'], {})
        return owned.get('IT_RT_%d' % index, {})

    def ips_system(index):
        return next((s for s in emulator.state('ips')['systems'].values() if s['name'] == 'IT RT %d' % index), {})

    def idm_repo(index):
        return next((r for r in emulator.state('idm')['repositories'].values() if r['name'] == 'IT_RT_%d' % index), {})

    def path(kind, index):
        return os.path.join(tmp, 'round-trip-%s-%d' % (kind, index))

    def read_json(name, key):
        with open(name) as handle:
            return json.load(handle).get(key)

    return [
        ('OData body (S/4 user description)', 'sapcloud.identity.s4_comm_user',
         lambda v, i: dict(s4(emulator), name=user_name(i), description=v, password=password),
         lambda v, i: s4_user(i).get('Description')),
        ('.properties (Neo destination property)', 'sapcloud.identity.scp_destination',
         lambda v, i: dict(neo(emulator), name='IT_RT_%d' % i, url='https://h.example.com',
                           authentication='NoAuthentication', properties={'RoundTrip': v}),
         lambda v, i: neo_dest(i).get('RoundTrip')),
        ('JSON (Cloud Foundry destination property)', 'sapcloud.identity.scp_destination',
         lambda v, i: dict(cf(emulator), name='IT_RT_%d' % i, url='https://h.example.com',
                           authentication='NoAuthentication', properties={'RoundTrip': v}),
         lambda v, i: cf_dest(i).get('RoundTrip')),
        ('JSON (IPS system description, api)', 'sapcloud.identity.ips_proxy_system',
         lambda v, i: dict(ips_api(emulator), name='IT RT %d' % i, destination_name='D', description=v),
         lambda v, i: ips_system(i).get('description')),
        ('JSON file (IPS import file)', 'sapcloud.identity.ips_proxy_system',
         lambda v, i: dict(name='IT RT %d' % i, destination_name='D', description=v, transport='file',
                           dest=path('ips', i)),
         lambda v, i: read_json(path('ips', i), 'description')),
        ('JSON (IDM repository description, api)', 'sapcloud.identity.idm_repository',
         lambda v, i: dict(idm_api(emulator), name='IT_RT_%d' % i, description=v, auth_password=password,
                           **IDM_BASE),
         lambda v, i: idm_repo(i).get('description')),
        ('CSV file (IDM repository description)', 'sapcloud.identity.idm_repository',
         lambda v, i: dict(name='IT_RT_%d' % i, description=v, transport='file', dest=path('idm', i),
                           include_secrets=False, **IDM_BASE),
         lambda v, i: csv_cell(path('idm', i), 'Description')),
        ('CSV file (IDM constant value)', 'sapcloud.identity.idm_repository',
         lambda v, i: dict(name='IT_RT_C%d' % i, constants={'ROUND_TRIP': v}, transport='file',
                           dest=path('idm-constant', i), include_secrets=False, **IDM_BASE),
         lambda v, i: csv_cell(path('idm-constant', i), 'ROUND_TRIP')),
    ]


def run(runner, emulator, tmp, password, texts):
    """[(format, value label, held?, outcome)] for every value through every format, and the OData keys."""
    os.makedirs(tmp, exist_ok=True)
    out = []
    index = 0
    for name, module, args, read_back in formats(emulator, tmp, password):
        for label, value in sorted(VALUES.items()):
            index += 1
            out.append((name, label) + one(runner, texts, module, args(value, index),
                                           lambda: read_back(value, index), value))
    for label, value in sorted(KEY_VALUES.items()):
        args = dict(s4(emulator), name=value, description='round trip of a key', password=password)

        def found(value=value):
            users = [u['Name'] for u in emulator.state('s4_t1')['users'].values() if u['Name'] == value]
            return users[0] if len(users) == 1 else users
        out.append(('OData key (S/4 user name in $filter)', label) + one(
            runner, texts, 'sapcloud.identity.s4_comm_user', args, found, value))
    return out


def one(runner, texts, module, args, read_back, value):
    """(held?, outcome) of one value: written and read back unchanged, then a second run with no change and no
    write; or refused before any request."""
    first = runner.task(module, args, log=True)
    texts.append(('round trip %s' % module, json.dumps(first.data)))
    if first.failed:
        if first.requests_log:
            return False, 'failed after %d requests: %s' % (len(first.requests_log), first.msg[:160])
        return True, 'refused before any request: %s' % first.msg[:100]
    got = read_back()
    if got != value:
        return False, 'written, read back as %r' % (got,)
    second = runner.task(module, args, log=True)
    texts.append(('round trip %s again' % module, json.dumps(second.data)))
    writes = [r for r in second.requests_log if r['method'] != 'GET' and not r['path'].endswith(TOKEN_PATHS)]
    if second.failed or second.changed or writes:
        return False, 'read back unchanged, but the second run: failed=%s changed=%s writes=%d %s' % (
            second.failed, second.changed, len(writes), second.msg[:100])
    return True, 'unchanged; second run: no change, 0 writes'
