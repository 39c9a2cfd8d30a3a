"""The declaration in clients/s4_fields.py holds every name the S/4 writers send and read: each writer runs
in-process against the emulated tenant for representative inputs (creates, updates, bindings, items, deletes), every
request it makes is recorded with its body, and every property, navigation, $expand, $select and $filter name in
them must be declared for the entity set it goes to. s4_preflight compares that declaration with the tenant's
$metadata, so a name missing here would reach a tenant unchecked."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_fields import body, declared, undeclared
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols import http_client

from test_s4_modules import PASSWORD, run_module, tenant  # noqa: F401  pylint: disable=unused-import

SEGMENT = re.compile(r'^(\w+)(\([^)]*\))?$')


def checked_names(method, url, params, json_body):
    """The names one request uses that the declaration lacks, as 'Set: name' strings; [] when all are declared."""
    path = urlsplit(url).path.split('/0001/', 1)[-1]
    if path in ('', '$metadata') or '/0001/' not in urlsplit(url).path:
        return []
    segments = [SEGMENT.match(s) for s in path.split('/')]
    assert all(segments), 'unexpected path %s' % path
    entity_set, navigation = segments[0].group(1), segments[1].group(1) if len(segments) > 1 else None
    if entity_set in ('InboundUsers', 'OutboundUsers') or navigation is None:
        values = dict(json_body or {})
    else:
        values = {navigation: json_body or {}}
        assert navigation in declared(entity_set)[1], '%s/%s is not a declared navigation' % (entity_set, navigation)
    query = dict(parse_qs(urlsplit(url).query), **dict((k, [v]) for k, v in (params or {}).items() if v))
    properties, navigations = declared(entity_set)
    names = undeclared(entity_set, values)
    names += [n for n in ','.join(query.get('$expand', [])).split(',') if n and n not in navigations]
    names += [n for n in ','.join(query.get('$select', [])).split(',') if n and n not in properties]
    names += [n for n in re.findall(r'(\w+) eq ', ' '.join(query.get('$filter', []))) if n not in properties]
    return ['%s %s: %s' % (method, entity_set, n) for n in names]


@pytest.fixture
def sent(monkeypatch):
    """Every (method, url, params, json body) the HTTP client sends while the test runs."""
    calls = []
    original = http_client.HttpClient.request

    def recording(self, method, path, params=None, json_body=None, **kwargs):
        calls.append((method, self.url(path), params, json_body))
        return original(self, method, path, params=params, json_body=json_body, **kwargs)
    monkeypatch.setattr(http_client.HttpClient, 'request', recording)
    return calls


def runs(service):
    """Each writer for representative inputs, in an order where each run finds what it needs."""
    yield run_module(service, 's4_comm_user', name='U_NEW', description='unit', password=PASSWORD)
    yield run_module(service, 's4_comm_user', name='U_NEW', description='changed', password=PASSWORD + 'x',
                     update_password='always')
    yield run_module(service, 's4_comm_system', system_id='NEW_SYS', host_name='ips.example.com',
                     logical_system_id='NEWSYS', business_system_id='NEW_BS',
                     inbound_users=[{'user': 'U_NEW'}, {'user': 'U_ONE', 'authentication_method': 'x509'}],
                     outbound_users=[{'name': 'DUMMY', 'password': PASSWORD}])
    yield run_module(service, 's4_comm_system', system_id='NEW_SYS', name='Renamed', host_name='ips2.example.com',
                     port=8443, inbound_users=[{'user': 'U_NEW', 'authentication_method': 'x509'}],
                     outbound_users=[{'name': 'DUMMY', 'password': PASSWORD + 'x'}], update_password='always')
    yield run_module(service, 's4_comm_arrangement', scenario_id='SAP_COM_0066', system_id='NEW_SYS',
                     inbound_user='U_NEW', outbound_user='DUMMY', outbound_user_optional=True)
    yield run_module(service, 's4_comm_arrangement', scenario_id='SAP_COM_0093', system_id='UNIT_SYS',
                     name='UNIT', inbound_user='U_ONE', outbound_user='DUMMY',
                     inbound_services=[{'id': 'SRV_IN'}], outbound_services=[{'id': 'SRV_OUT', 'active': False}],
                     properties={'PROP': 'value'})
    yield run_module(service, 's4_comm_arrangement', scenario_id='SAP_COM_0093', system_id='UNIT_SYS',
                     name='UNIT_RENAMED', inbound_user='U_TWO', properties={'PROP': 'other'})
    yield run_module(service, 's4_comm_arrangement_info', system_id='UNIT_SYS')
    yield run_module(service, 's4_comm_system_info', system_id='UNIT_SYS')
    yield run_module(service, 's4_comm_user_info', name='U_ONE')
    yield run_module(service, 's4_comm_arrangement', scenario_id='SAP_COM_0066', system_id='NEW_SYS', state='absent')
    yield run_module(service, 's4_comm_system', system_id='NEW_SYS', state='absent')
    yield run_module(service, 's4_comm_user', name='U_NEW', state='absent')


def test_every_name_the_writers_send_or_read_is_declared(tenant, sent):  # noqa: F811
    _emulator, service = tenant
    failed = [r for r in runs(service) if r.get('failed')]
    assert [p for call in sent for p in checked_names(*call)] == []
    assert failed == []
    writes = [c for c in sent if c[0] != 'GET']
    # The runs reach every kind of write: creates, updates, bindings, items and deletes on all five entity sets.
    assert {m for m, _u, _p, _b in writes} == {'POST', 'PATCH', 'DELETE'}, writes
    assert any('/InboundUser' in u and m in ('POST', 'PATCH') for m, u, _p, _b in writes), writes
    assert any(b and 'Properties' in b for _m, _u, _p, b in writes), writes


def test_a_name_outside_the_declaration_is_found():
    assert checked_names('POST', 'https://t/x/0001/CommunicationUsers', None, {'Name': 'A', 'Alias': 'B'}) == \
        ['POST CommunicationUsers: Alias']
    assert checked_names('PATCH', 'https://t/x/0001/CommunicationArrangements(1)', None,
                         {'Properties': [{'Name': 'P', 'Value': 'v', 'Hidden': True}]}) == \
        ['PATCH CommunicationArrangements: Properties/Hidden']
    assert checked_names('GET', 'https://t/x/0001/CommunicationSystems', {'$expand': 'InboundUsers,Contacts'},
                         None) == ['GET CommunicationSystems: Contacts']
    with pytest.raises(ValueError, match='Alias'):
        body('CommunicationUsers', Name='A', Alias='B')
