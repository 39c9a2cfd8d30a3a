"""The first table of bad inputs: every module, role and the s4_password lookup with its own mistakes (issue 10's
list). Each case: (id, kind, target, args, expect[, owner]); kind is module, role or lookup; expect are the words
(the parameter) the failure must name."""

import os

S4 = 'sapcloud.identity.'
PASSWORD = 'Valid-Password-For-Tests-2026!'  # meets the S/4 policy; the run must keep it out of every output
# Passed as an extra variable: Ansible shows the source lines of a failed task, so a literal would be shown.
PW = '{{ bad_input_password }}'
SECRET_DIR = '/sys/kernel'  # a folder even root cannot write into


def cases(tmp):
    """[(id, kind, target, args, expect)]: kind is module, role or lookup."""
    weak_file = os.path.join(tmp, 'weak-password')
    with open(weak_file, 'w') as handle:
        handle.write('short1!\n')
    regular_file = os.path.join(tmp, 'a-regular-file')
    with open(regular_file, 'w') as handle:
        handle.write('x\n')
    csv_missing = os.path.join(tmp, 'missing.csv')
    user = S4 + 's4_comm_user'
    system = S4 + 's4_comm_system'
    arrangement = S4 + 's4_comm_arrangement'
    dest = S4 + 'scp_destination'
    oauth = S4 + 'scp_oauth_client'
    ips = S4 + 'ips_proxy_system'
    idm = S4 + 'idm_repository'
    neo = {'platform': 'neo'}
    out = [
        # common options
        ('timeout zero', 'module', S4 + 's4_comm_user_info', {'timeout': 0}, ['timeout', 'positive']),
        ('timeout negative', 'module', user, {'name': 'IT_BAD', 'password': PW, 'timeout': -5}, ['timeout', 'positive']),
        ('timeout not a number', 'module', S4 + 's4_comm_system_info', {'timeout': 'soon'}, ['timeout']),
        ('validate_certs not a bool', 'module', S4 + 's4_comm_user_info', {'validate_certs': 'perhaps'},
         ['validate_certs']),
        ('ca_path missing file', 'module', S4 + 's4_comm_user_info', {'ca_path': os.path.join(tmp, 'none.pem')},
         ['ca_path']),
        # S/4 connection
        ('api_url without scheme', 'module', S4 + 's4_comm_user_info', {'api_url': 'my300000-api.s4hana.cloud.sap'},
         ['api_url']),
        ('api_url ftp scheme', 'module', S4 + 's4_comm_user_info', {'api_url': 'ftp://host'}, ['api_url']),
        ('api_password empty', 'module', S4 + 's4_comm_user_info', {'api_password': ''}, ['api_password']),
        # s4_comm_user
        ('user password too short', 'module', user, {'name': 'IT_BAD', 'password': 'Short-1'}, ['password', '20']),
        ('user password with comma', 'module', user, {'name': 'IT_BAD', 'password': 'Valid-Password,For-Tests-2026!'},
         ['password', 'comma']),
        ('user password no digit', 'module', user, {'name': 'IT_BAD', 'password': 'Valid-Password-For-Tests-Only!'},
         ['password', 'digit']),
        ('user name with comma', 'module', user, {'name': 'IT,BAD', 'password': PW}, ['name']),
        ('user name empty', 'module', user, {'name': '', 'password': PW}, ['name']),
        ('user state unknown', 'module', user, {'name': 'IT_BAD', 'password': PW, 'state': 'gone'}, ['state']),
        ('user update_password unknown', 'module', user, {'name': 'IT_BAD', 'password': PW, 'update_password': 'never'},
         ['update_password']),
        # only a read can tell that the user is new
        ('user new without password', 'module', user, {'name': 'IT_BAD_NEW_NO_PW', 'description': 'x'}, ['password'],
         {'reads': True}),
        # s4_comm_system
        ('system id SAP_ prefix', 'module', system, {'system_id': 'SAP_OWN', 'host_name': 'h.example.com'},
         ['system_id', 'SAP_']),
        ('system id empty', 'module', system, {'system_id': '', 'host_name': 'h.example.com'}, ['system_id']),
        ('system port out of range', 'module', system, {'system_id': 'IT_BAD', 'host_name': 'h.example.com',
                                                        'port': 70000}, ['port', '65535']),
        ('system logical id too long', 'module', system, {'system_id': 'IT_BAD', 'host_name': 'h.example.com',
                                                          'logical_system_id': 'LOGSYS_TOO_LONG'},
         ['logical_system_id', '10']),
        ('system host_name missing', 'module', system, {'system_id': 'IT_BAD'}, ['host_name']),
        ('system outbound on inbound-only', 'module', system,
         {'system_id': 'IT_BAD', 'inbound_only': True, 'outbound_users': [{'name': 'X', 'password': PW}]},
         ['outbound_users', 'inbound_only']),
        ('system inbound user twice', 'module', system,
         {'system_id': 'IT_BAD', 'host_name': 'h.example.com', 'inbound_users': [{'user': 'A'}, {'user': 'A'}]},
         ['inbound_users', 'twice']),
        ('system outbound basic without password', 'module', system,
         {'system_id': 'IT_BAD', 'host_name': 'h.example.com', 'outbound_users': [{'name': 'DUMMY'}]},
         ['outbound_users[0].password']),
        # s4_comm_arrangement
        ('arrangement scenario id', 'module', arrangement, {'scenario_id': 'COM_0093', 'system_id': 'IPS_PROXY'},
         ['scenario_id']),
        ('arrangement system_id empty', 'module', arrangement, {'scenario_id': 'SAP_COM_0093', 'system_id': ''},
         ['system_id']),
        ('arrangement properties type', 'module', arrangement,
         {'scenario_id': 'SAP_COM_0093', 'system_id': 'IPS_PROXY', 'properties': 'a=b'}, ['properties']),
        ('arrangement empty service id', 'module', arrangement,
         {'scenario_id': 'SAP_COM_0093', 'system_id': 'IPS_PROXY', 'inbound_services': [{'id': ''}]},
         ['inbound_services']),
        # s4_worker_check
        ('worker empty id', 'module', S4 + 's4_worker_check', {'workers': ['W1', '']}, ['workers']),
        ('worker api unknown', 'module', S4 + 's4_worker_check', {'workers': ['W1'], 'api': 'soap'}, ['api']),
        # scp_destination
        ('destination url not a url', 'module', dest,
         dict(neo, name='IT_BAD', url='not a url', authentication='NoAuthentication'), ['url'], 'owner_fix'),
        ('destination authentication unknown', 'module', dest,
         dict(neo, name='IT_BAD', url='https://h.example.com', authentication='Basic', user='U', password=PW),
         ['authentication'], 'owner_fix'),
        ('destination name with blank', 'module', dest, dict(neo, name='IT BAD', url='https://h.example.com'),
         ['name']),
        ('destination Password in properties', 'module', dest,
         dict(neo, name='IT_BAD', url='https://h.example.com', properties={'Password': 'not-the-secret'}),
         ['properties', 'password']),
        ('destination property twice', 'module', dest,
         dict(neo, name='IT_BAD', url='https://h.example.com', properties={'X': '1'}, secret_properties={'X': '2'}),
         ['properties', 'X']),
        ('destination user without auth', 'module', dest,
         dict(neo, name='IT_BAD', url='https://h.example.com', authentication='NoAuthentication', user='U',
              password=PW), ['NoAuthentication']),
        ('destination basic without password', 'module', dest,
         dict(neo, name='IT_BAD', url='https://h.example.com', authentication='BasicAuthentication', user='U'),
         ['password', 'BasicAuthentication']),
        ('destination http without url', 'module', dest, dict(neo, name='IT_BAD'), ['url']),
        ('destination property value dict', 'module', dest,
         dict(neo, name='IT_BAD', url='https://h.example.com', properties={'X': {'a': 1}}), ['properties.X']),
        ('destination platform unknown', 'module', dest, {'platform': 'aws', 'name': 'IT_BAD'}, ['platform']),
        ('destination landscape_host url', 'module', dest,
         {'platform': 'neo', 'name': 'IT_BAD', 'url': 'https://h.example.com', 'landscape_host': 'https://x/y',
          'api_url': None, 'configapi_url': None}, ['landscape_host']),
        # scp_oauth_client
        ('oauth client id chars', 'module', oauth, {'client_id': '-bad id', 'provider_subaccount': 'ipsprovider'},
         ['client_id']),
        ('oauth roles empty', 'module', oauth, {'client_id': 'idm-client', 'provider_subaccount': 'ipsprovider',
                                                'roles': []}, ['roles']),
        ('oauth role name', 'module', oauth, {'client_id': 'idm-client', 'provider_subaccount': 'ipsprovider',
                                              'roles': ['IPS PROXY']}, ['roles']),
        ('oauth subaccount name', 'module', oauth, {'client_id': 'idm-client', 'provider_subaccount': 'ips provider'},
         ['provider_subaccount']),
        # ips_proxy_system
        ('ips system_id with api', 'module', ips, {'name': 'IT BAD', 'transport': 'api', 'system_id': 'abc',
                                                   'destination_name': 'D'}, ['system_id']),
        ('ips neo without destination', 'module', ips, {'name': 'IT BAD', 'transport': 'api'},
         ['destination_name']),
        ('ips sci without URL', 'module', ips, {'name': 'IT BAD', 'transport': 'api', 'infrastructure': 'sci'},
         ['infrastructure=sci']),
        ('ips file dest not writable', 'module', ips,
         {'name': 'IT BAD', 'transport': 'file', 'destination_name': 'D', 'dest': SECRET_DIR + '/ips.json'},
         ['dest'], 'owner_fix'),
        ('ips file dest under a file', 'module', ips,
         {'name': 'IT BAD', 'transport': 'file', 'destination_name': 'D', 'dest': regular_file + '/ips.json'},
         ['dest'], 'owner_fix'),
        # idm_repository
        ('idm load timeout negative', 'module', idm, {'name': 'IT_BAD', 'transport': 'api',
                                                      'initial_load_timeout': -1}, ['initial_load_timeout']),
        ('idm name empty', 'module', idm, {'name': '', 'transport': 'api'}, ['name']),
        ('idm two sources', 'module', idm, {'name': 'IT_BAD', 'transport': 'api', 'source_csv': csv_missing,
                                            'proxy_system': {'system_id': 'x', 'proxy_url': 'https://p'}},
         ['source_csv', 'proxy_system']),
        ('idm csv missing', 'module', idm, {'name': 'IT_BAD', 'transport': 'api', 'source_csv': csv_missing},
         ['source_csv']),
        ('idm secret in constants', 'module', idm, {'name': 'IT_BAD', 'transport': 'api',
                                                    'constants': {'AUTH_PASSWORD': 'not-the-secret'}},
         ['constants.AUTH_PASSWORD']),
        ('idm constant is a list', 'module', idm, {'name': 'IT_BAD', 'transport': 'api', 'constants': {'X': [1]}},
         ['constants.X']),
        ('idm scim path', 'module', idm, {'name': 'IT_BAD', 'transport': 'api', 'scim_protocol': 'https',
                                          'scim_host': 'h', 'scim_port': 443, 'scim_path': 'scim',
                                          'auth_type': 'oauth', 'oauth_url': 'https://t', 'auth_user': 'u',
                                          'auth_password': PW}, ['scim_path']),
        ('idm auth type', 'module', idm, {'name': 'IT_BAD', 'transport': 'api', 'auth_type': 'kerberos'},
         ['auth_type']),
        ('idm file dest under a file', 'module', idm,
         {'name': 'IT_BAD', 'transport': 'file', 'scim_protocol': 'https', 'scim_host': 'h', 'scim_port': 443,
          'scim_path': '/scim', 'auth_type': 'oauth', 'oauth_url': 'https://t', 'auth_user': 'u', 'auth_password': PW,
          'dest': regular_file + '/idm.csv'}, ['dest'], 'owner_fix'),
        # ips_proxy_check
        ('proxy check comm_user alone', 'module', S4 + 'ips_proxy_check',
         {'system_id': 'abc', 'comm_user': 'U', 'proxy_url': 'https://proxy.example.com', 'client_id': 'c',
          'client_secret': PW, 'token_url': 'https://oauth.example.com/oauth2/api/v1/token'}, ['s4_connection']),
        ('proxy check token_url', 'module', S4 + 'ips_proxy_check',
         {'system_id': 'abc', 'proxy_url': 'https://proxy.example.com', 'client_id': 'c', 'client_secret': PW,
          'token_url': 'oauth.example.com'}, ['token_url']),
        # s4_password lookup
        ('lookup length too short', 'lookup', None, {'term': os.path.join(tmp, 'pw-short'), 'length': 5},
         ['length']),
        ('lookup specials with comma', 'lookup', None, {'term': os.path.join(tmp, 'pw-comma'), 'specials': ',;'},
         ['specials']),
        ('lookup stored weak password', 'lookup', None, {'term': weak_file}, [weak_file]),
        ('lookup file under a file', 'lookup', None, {'term': regular_file + '/pw'}, ['s4_password']),
        # roles
        ('role s4 host name missing', 'role', 's4_communication',
         {'s4_communication_user_name': 'IT_BAD', 's4_communication_scenarios': [{'id': 'SAP_COM_0093'}]},
         ['s4_communication_host_name']),
        ('role s4 scenarios not a list', 'role', 's4_communication',
         {'s4_communication_user_name': 'IT_BAD', 's4_communication_host_name': 'h', 's4_communication_scenarios': 7},
         ['s4_communication_scenarios']),
        ('role destination platform', 'role', 'btp_destination',
         {'btp_destination_platform': 'aws', 'btp_destination_name': 'IT_BAD'}, ['btp_destination_platform']),
        ('role oauth client id missing', 'role', 'btp_oauth_client', {'btp_oauth_client_provider_subaccount': 'p'},
         ['btp_oauth_client_id']),
        ('role idm transport', 'role', 'idm_repository', {'idm_repository_name': 'IT_BAD',
                                                          'idm_repository_transport': 'ftp'},
         ['idm_repository_transport']),
        ('role chain check missing', 'role', 'chain_check', {'chain_check_proxy_url': 'https://p'},
         ['chain_check_client_id']),
    ]
    return [c if len(c) == 6 else c + (None,) for c in out]
