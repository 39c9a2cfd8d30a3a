"""Issue 17: values that would corrupt what they are written into (CSV, .properties, JSON, OData) or reach a server
unchecked: options of type str given a dict or a list, host names given as URLs, malformed SAP clients, lengths
over the documented limits, ports out of range, base URLs with blanks or bad ports, CSV-breaking names and
formula cells, report modes, JMESPath queries that fail on the data read."""

PW = '{{ bad_input_password }}'
S4 = 'sapcloud.identity.'
USER, SYSTEM, ARRANGEMENT = S4 + 's4_comm_user', S4 + 's4_comm_system', S4 + 's4_comm_arrangement'
IPS, IDM, DEST, OAUTH = S4 + 'ips_proxy_system', S4 + 'idm_repository', S4 + 'scp_destination', S4 + 'scp_oauth_client'

# A valid call of every writing module (transport=api where there is one): each case changes one value of it.
VALID = {
    USER: {'name': 'IT_BAD_VALUES', 'description': 'd', 'password': PW},
    SYSTEM: {'system_id': 'IT_BAD_VALUES', 'host_name': 'h.example.com'},
    ARRANGEMENT: {'scenario_id': 'SAP_COM_0093', 'system_id': 'IT_BAD_VALUES'},
    IPS: {'name': 'IT BAD VALUES', 'transport': 'api', 'destination_name': 'D'},
    IDM: {'name': 'IT_BAD_VALUES', 'transport': 'api', 'scim_protocol': 'https', 'scim_host': 'h.example.com',
          'scim_port': 443, 'scim_path': '/scim', 'auth_type': 'oauth', 'oauth_url': 'https://t.example.com',
          'auth_user': 'u', 'auth_password': PW},
    DEST: {'platform': 'neo', 'name': 'IT_BAD_VALUES', 'url': 'https://h.example.com',
           'authentication': 'NoAuthentication'},
    OAUTH: {'client_id': 'it-bad-values', 'provider_subaccount': 'ipsprovider'},
}
# Options of type str, per module, that name something: a dict or a list must not become its string form.
STRING_OPTIONS = {
    USER: ('name', 'description'),
    SYSTEM: ('system_id', 'name', 'host_name', 'logical_system_id', 'business_system_id'),
    ARRANGEMENT: ('scenario_id', 'system_id', 'name', 'inbound_user', 'outbound_user'),
    IPS: ('name', 'description', 'destination_name', 'connector_type'),
    IDM: ('name', 'description', 'repository_type', 'scim_host', 'scim_path', 'auth_user'),
    DEST: ('name', 'url'),
    OAUTH: ('client_id', 'provider_subaccount'),
}
BAD_BASE_URLS = {
    'port 99999': '{url}:99999', 'port 0': 'https://h.example.com:0', 'port not a number': 'https://h.example.com:x',
    'trailing blank': '{url} ', 'leading blank': ' {url}', 'blank inside': 'https://h .example.com',
    'line break': '{url}\n', 'credentials': 'https://user:secret@h.example.com', 'query': '{url}?sap-client=100',
    'fragment': '{url}#top', 'no host': 'https://', 'scheme only': 'https:', 'ftp': 'ftp://h.example.com',
}
BAD_HOST_NAMES = {
    'a URL': 'https://h.example.com', 'with a path': 'h.example.com/path', 'with a port': 'h.example.com:443',
    'a blank inside': 'h example.com', 'a trailing blank': 'h.example.com ', 'a leading blank': ' h.example.com',
    'an empty label': 'h..example.com', 'a label too long': 'x' * 64 + '.example.com', 'an underscore': 'h_1.example.com',
    'a line break': 'h.example.com\n', 'a quote': "h'.example.com",
}
BAD_SAP_CLIENTS = {'letters': '1OO', 'four digits': '1000', 'two digits': '10', 'a blank': ' 100', 'sign': '-10'}


def module_case(case_id, target, changes, expect, **options):
    args = dict(VALID[target])
    args.update(changes)
    return (case_id, 'module', target, args, expect, options)


def cases(tmp):
    out = []
    for target, names in sorted(STRING_OPTIONS.items()):
        short = target.rsplit('.', maxsplit=1)[-1]
        for name in names:
            out.append(module_case('%s %s given a dict' % (short, name), target, {name: {'key': 'value'}}, [name]))
            out.append(module_case('%s %s given a list' % (short, name), target, {name: ['a', 'b']}, [name]))
    out.append(('report_file path given a dict', 'module', S4 + 'report_file', {'path': {'a': 1}, 'content': 'x'},
                ['path']))
    out.append(('idm dest given a list', 'module', IDM, dict(VALID[IDM], transport='file', dest=['a', 'b']), ['dest']))
    # The S/4 connection, on every writing S/4 module (a read-only module would prove nothing with 0 writes).
    for target in (USER, SYSTEM, ARRANGEMENT):
        short = target.rsplit('.', maxsplit=1)[-1]
        for what, url in sorted(BAD_BASE_URLS.items()):
            out.append(module_case('%s api_url %s' % (short, what), target,
                                   {'api_url': url.replace('{url}', '{{ emulator_urls.s4_t1 }}')}, ['api_url']))
        for what, client in sorted(BAD_SAP_CLIENTS.items()):
            out.append(module_case('%s sap_client %s' % (short, what), target, {'sap_client': client}, ['sap_client']))
    for what, url in sorted(BAD_BASE_URLS.items()):
        out.append(module_case('ips_proxy_system ips_admin_url %s' % what, IPS,
                               {'ips_admin_url': url.replace('{url}', '{{ emulator_urls.ips }}')}, ['ips_admin_url']))
        out.append(module_case('idm_repository idm_admin_url %s' % what, IDM,
                               {'idm_admin_url': url.replace('{url}', '{{ emulator_urls.idm }}')}, ['idm_admin_url']))
    for what, host in sorted(BAD_HOST_NAMES.items()):
        out.append(module_case('s4_comm_system host_name %s' % what, SYSTEM, {'host_name': host}, ['host_name']))
    out += [
        # lengths from the documented limits, before any request
        module_case('user name over 40', USER, {'name': 'IT_' + 'N' * 38}, ['name', '40']),
        module_case('system inbound user over 40', SYSTEM, {'inbound_users': [{'user': 'U' * 41}]},
                    ['inbound_users[0].user', '40']),
        module_case('system outbound user over 40', SYSTEM, {'outbound_users': [{'name': 'U' * 41, 'password': PW}]},
                    ['outbound_users[0].name', '40']),
        module_case('system logical id 11', SYSTEM, {'logical_system_id': 'L' * 11}, ['logical_system_id', '10']),
        module_case('arrangement name over 80', ARRANGEMENT, {'name': 'A' * 81}, ['name', '80']),
        module_case('arrangement inbound user over 40', ARRANGEMENT, {'inbound_user': 'U' * 41}, ['inbound_user', '40']),
        module_case('ips name over 100', IPS, {'name': 'N' * 101}, ['name']),
        # ports
        module_case('system port 0', SYSTEM, {'port': 0}, ['port']),
        module_case('system port 65536', SYSTEM, {'port': 65536}, ['port']),
        module_case('system port negative', SYSTEM, {'port': -443}, ['port']),
        module_case('idm scim_port 0', IDM, {'scim_port': 0}, ['scim_port']),
        module_case('idm scim_port 70000', IDM, {'scim_port': 70000}, ['scim_port']),
        module_case('idm scim_port negative', IDM, {'scim_port': -1}, ['scim_port']),
        module_case('idm proxy_port 0', IDM, {'proxy_host': 'p.example.com', 'proxy_port': 0}, ['proxy_port']),
        module_case('idm proxy_port 70000', IDM, {'proxy_host': 'p.example.com', 'proxy_port': 70000}, ['proxy_port']),
        # CSV: names become header columns, values become cells
        module_case('idm constant name with comma', IDM, {'constants': {'A,B': 'x'}}, ['constants']),
        module_case('idm constant name with newline', IDM, {'constants': {'A\nB': 'x'}}, ['constants']),
        module_case('idm constant name with quote', IDM, {'constants': {'A"B': 'x'}}, ['constants']),
        module_case('idm constant name with blank', IDM, {'constants': {'A B': 'x'}}, ['constants']),
        module_case('idm constant name empty', IDM, {'constants': {'': 'x'}}, ['constants']),
        module_case('idm constant value with newline', IDM, {'constants': {'ZZ': 'a\nb'}}, ['constants.ZZ']),
        module_case('idm constant value with quote', IDM, {'constants': {'ZZ': 'a"b'}}, ['constants.ZZ']),
        module_case('idm repository_type with newline', IDM, {'repository_type': 'a\nb'}, ['repository_type']),
        module_case('idm repository_type with quote', IDM, {'repository_type': 'a"b'}, ['repository_type']),
        module_case('idm description with CR', IDM, {'description': 'a\rb'}, ['description']),
        module_case('idm name with newline', IDM, {'name': 'A\nB'}, ['name']),
    ]
    # a pattern checked with re.match and "$" lets a trailing line break through
    out += [
        module_case('arrangement scenario_id ending in a line break', ARRANGEMENT, {'scenario_id': 'SAP_COM_0093\n'},
                    ['scenario_id']),
        module_case('oauth client_id ending in a line break', OAUTH, {'client_id': 'it-bad\n'}, ['client_id']),
        module_case('oauth role ending in a line break', OAUTH, {'roles': ['IPS_PROXY_USER\n']}, ['roles']),
        module_case('oauth subaccount ending in a line break', OAUTH, {'provider_subaccount': 'ipsprovider\n'},
                    ['provider_subaccount']),
        module_case('ips name ending in a line break', IPS, {'name': 'IT BAD\n'}, ['name']),
        module_case('ips integer property ending in a line break', IPS,
                    {'properties': {'s4hana.cloud.roles.page.size': '100\n'}}, ['s4hana.cloud.roles.page.size']),
        module_case('ips system_id with a line break', IPS,
                    {'transport': 'file', 'dest': tmp + '/ips-id.json', 'system_id': 'abc\ndef'}, ['system_id']),
        module_case('destination name ending in a line break', DEST, {'name': 'IT_BAD\n'}, ['name']),
        module_case('idm proxy system_id with a line break', IDM, {
            'proxy_system': {'system_id': 'abc\n', 'proxy_url': 'https://p.example.com',
                             'token_url': 'https://t.example.com'}, 'scim_host': None, 'scim_path': None,
            'oauth_url': None}, ['proxy_system.system_id']),
    ]
    for prefix in ('=', '+', '-', '@', '\t'):
        out.append(module_case('idm name starting with %r' % prefix, IDM, {'name': prefix + 'CMD'}, ['name']))
    # report_file modes (as ansible.builtin.file takes them, limited)
    for mode in ('-1', '07777', '4755', '2755', '1777', '0666', '0777', 'u+rw', ' 644', '0644 ', '9', '0o10000', ''):
        out.append(('report_file mode %r' % mode, 'module', S4 + 'report_file',
                    {'path': tmp + '/report-%d.md' % len(out), 'content': 'x', 'mode': mode}, ['mode']))
    out.append(('report_file directory_mode 1777', 'module', S4 + 'report_file',
                {'path': tmp + '/new-dir/report.md', 'content': 'x', 'directory_mode': '1777'}, ['directory_mode']))
    # JMESPath that fails on the data read: reads allowed, the message names query and quotes no data
    for target, expression in ((S4 + 's4_comm_user_info', 'sort_by(@, &IsLocked)'),
                               (S4 + 's4_comm_system_info', 'sum([].Name)'),
                               (S4 + 's4_comm_arrangement_info', 'abs(@)'),
                               (S4 + 'idm_repository_info', 'abs(@)'),
                               (S4 + 'ips_proxy_system_info', 'abs(@)')):
        out.append(('%s query failing on the data' % target.rsplit('.', maxsplit=1)[-1], 'module', target, {'query': expression},
                    ['query failed'], {'reads': True}))
    return out
