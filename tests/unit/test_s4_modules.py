"""The S/4 writers' write order, run in-process (main() with its arguments) against the emulated tenant: the
arrangement's ETags are read again between dependent writes, a failure half-way reports what was applied, and an
empty system_id is refused before any request."""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))

# The collection is importable through the finder tests/unit/conftest.py installs.
from in_process import module_result  # noqa: E402
from emulator.demo import DEMO  # noqa: E402

PASSWORD = 'Emulator-Unit-Test-Passw0rd!'


@pytest.fixture
def tenant(running):
    service = running.services['s4']
    service.reset()
    service.seed(service.demo_seed())
    service.seed({'users': [{'Name': name, 'Password': PASSWORD, 'Description': 'unit'} for name in ('U_ONE', 'U_TWO')],
                  'systems': [{'ID': 'UNIT_SYS', 'HostName': 'ips.example.com',
                               'InboundUsers': [{'user': 'U_ONE'}, {'user': 'U_TWO'}],
                               'OutboundUsers': [{'Name': 'DUMMY', 'Password': PASSWORD}]}]})
    running.faults.clear()
    return running, service


def run_module(service, module='s4_comm_arrangement', **args):
    """main() with these arguments; the result dict it printed."""
    args.update(api_url=service.url, api_user=DEMO['s4_admin_user'], api_password=DEMO['s4_admin_password'])
    return module_result(module, args, {'SAPCLOUD_RETRY_DELAY_SCALE': '0'})


def requests_of(emulator):
    """(method, path below the service) of every request the emulator saw."""
    return [(e['method'], e['path'].split('/0001/')[-1]) for e in emulator.stats.snapshot(with_log=True)['log']]


def test_rename_and_rebind_read_the_etags_again_between_writes(tenant):
    emulator, service = tenant
    created = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', inbound_user='U_ONE')
    assert created['changed'] and created['actions'] == ['create'], created
    service.inject('enforce_etag', {'enabled': True})
    emulator.stats.reset()
    result = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', name='RENAMED',
                        inbound_user='U_TWO', outbound_user='DUMMY')
    assert result['changed'] and not result.get('failed'), result
    assert result['actions'] == ['update', 'bind_inbound_user', 'bind_outbound_user']
    writes = [(m, p) for m, p in requests_of(emulator) if m != 'GET' or p.startswith('CommunicationArrangements(')]
    methods = [m for m, _p in writes]
    # Every write after the first follows a read of the arrangement (its ETags moved with the write before).
    assert methods == ['PATCH', 'GET', 'PATCH', 'GET', 'POST'], writes
    arrangement = [a for a in service.state['arrangements'].values() if a['CommunicationSystemID'] == 'UNIT_SYS'][0]
    assert arrangement['Name'] == 'RENAMED' and arrangement['OutboundUser']
    again = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', name='RENAMED',
                       inbound_user='U_TWO', outbound_user='DUMMY')
    assert not again['changed'] and again['actions'] == []


def test_a_failure_after_the_rename_reports_the_rename(tenant):
    emulator, service = tenant
    run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', inbound_user='U_ONE')
    emulator.faults.add({'method': 'PATCH', 'path': r'/InboundUser$', 'status': 400,
                         'body': '{"error": {"code": "UNIT/400", "message": "binding refused"}}'})
    result = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', name='RENAMED2',
                        inbound_user='U_TWO')
    assert result['failed'] and result['changed'] is True, result
    assert result['actions'] == ['update']
    assert result['msg'].startswith('update applied, then: PATCH ') and 'HTTP 400' in result['msg']
    assert 'binding refused' in result['msg'] and result['error']['status'] == 400
    assert [a['Name'] for a in service.state['arrangements'].values()
            if a['CommunicationSystemID'] == 'UNIT_SYS'] == ['RENAMED2']


@pytest.mark.parametrize('system_id', ['', '  '])
def test_an_empty_system_id_is_refused_before_any_request(tenant, system_id):
    emulator, service = tenant
    emulator.stats.reset()
    result = run_module(service, scenario_id='SAP_COM_0093', system_id=system_id)
    assert result['failed'] and result['msg'].startswith('system_id must be the ID of a communication system')
    assert emulator.stats.snapshot(with_log=True)['log'] == []


def test_a_system_whose_user_add_fails_reports_the_system_update(tenant):
    emulator, service = tenant
    emulator.faults.add({'method': 'POST', 'path': r'/OutboundUsers$', 'status': 400,
                         'body': '{"error": {"code": "UNIT/400", "message": "outbound user refused"}}'})
    result = run_module(service, 's4_comm_system', system_id='UNIT_SYS', host_name='new.example.com',
                        outbound_users=[{'name': 'DUMMY', 'password': PASSWORD}, {'name': 'SECOND', 'password': PASSWORD}])
    assert result['failed'] and result['changed'] is True, result
    assert result['actions'] == ['update'] and result['msg'].startswith('update applied, then: POST ')
    assert 'outbound user refused' in result['msg'] and PASSWORD not in json.dumps(result)
    system = [s for s in service.state['systems'].values() if s['ID'] == 'UNIT_SYS'][0]
    assert system['HostName'] == 'new.example.com'


def arrangement_info(service):
    return run_module(service, 's4_comm_arrangement_info', system_id='UNIT_SYS')['arrangements'][0]


def system_as_left(service):
    """What s4_comm_system returns for UNIT_SYS, in the shape s4_comm_arrangement's system option takes."""
    result = run_module(service, 's4_comm_system', system_id='UNIT_SYS', host_name='ips.example.com',
                        inbound_users=[{'user': 'U_ONE'}, {'user': 'U_TWO'}], purge_users=False)
    return dict(result['system'], InboundUsers=result['inbound_users'], OutboundUsers=result['outbound_users'])


def test_an_arrangement_known_from_earlier_tasks_costs_no_request(tenant):
    emulator, service = tenant
    run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', inbound_user='U_ONE')
    known, system = arrangement_info(service), system_as_left(service)
    emulator.stats.reset()
    result = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', inbound_user='U_ONE',
                        known=known, system=system)
    assert not result['changed'] and result['arrangement_uuid'] == known['UUID'], result
    assert requests_of(emulator) == []
    # A copy of another scenario's arrangement is ignored: the module reads its own (the system still known).
    emulator.stats.reset()
    other = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', inbound_user='U_ONE',
                       known=dict(known, CommunicationScenarioID='SAP_COM_0066'), system=system)
    assert not other['changed'] and other['arrangement_uuid'] == known['UUID'], other
    assert [p.split('?')[0] for _m, p in requests_of(emulator)] == ['CommunicationArrangements']


def test_a_stale_known_arrangement_is_read_again_before_a_write(tenant):
    emulator, service = tenant
    run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', inbound_user='U_ONE')
    stale = arrangement_info(service)
    system = system_as_left(service)
    # Between the read and this task the arrangement changed: someone renamed it and bound U_TWO.
    run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', name='MOVED', inbound_user='U_TWO')
    service.inject('enforce_etag', {'enabled': True})
    emulator.stats.reset()
    # The stale copy says a rename is needed; the fresh read shows it done: nothing is written.
    same = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', name='MOVED', inbound_user='U_TWO',
                      known=stale, system=system)
    assert not same['changed'] and same['actions'] == [], same
    assert [m for m, _p in requests_of(emulator)] == ['GET']
    # A write still needed goes out with the fresh ETag (the stale copy carries none): no 412, one PATCH.
    emulator.stats.reset()
    back = run_module(service, scenario_id='SAP_COM_0093', system_id='UNIT_SYS', name='BACK', inbound_user='U_TWO',
                      known=stale, system=system)
    assert back['changed'] and back['actions'] == ['update'] and not back.get('failed'), back
    arrangement = [a for a in service.state['arrangements'].values() if a['CommunicationSystemID'] == 'UNIT_SYS'][0]
    assert arrangement['Name'] == 'BACK'


def test_a_known_user_costs_no_request_and_a_stale_one_is_read_again(tenant):
    emulator, service = tenant
    known = run_module(service, 's4_comm_user_info', name='U_ONE')['users'][0]
    emulator.stats.reset()
    same = run_module(service, 's4_comm_user', name='U_ONE', description='unit', known=known)
    assert not same['changed'] and same['user_id'] == known['ID'] and requests_of(emulator) == []
    run_module(service, 's4_comm_user', name='U_ONE', description='changed meanwhile')
    emulator.stats.reset()
    fresh = run_module(service, 's4_comm_user', name='U_ONE', description='changed meanwhile', known=known)
    assert not fresh['changed'] and [m for m, _p in requests_of(emulator)] == ['GET'], fresh


def test_a_system_with_known_user_ids_does_not_look_the_users_up(tenant):
    emulator, service = tenant
    ids = dict((u['Name'], u['ID']) for u in run_module(service, 's4_comm_user_info')['users'])
    emulator.stats.reset()
    result = run_module(service, 's4_comm_system', system_id='UNIT_SYS', host_name='ips.example.com',
                        inbound_users=[{'user': 'U_ONE', 'user_id': ids['U_ONE']},
                                       {'user': 'U_TWO', 'user_id': ids['U_TWO']}], purge_users=False)
    assert not result['changed'], result
    assert [p.split('?')[0] for _m, p in requests_of(emulator)] == ['CommunicationSystems']
