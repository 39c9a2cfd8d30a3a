"""Issue 17: hand-off files that cannot clobber, and values checked before any request, through real in-process
module runs against the emulator. Requests are counted by the emulator (0 for an input error), files are judged by
what they hold afterwards."""

import json
import os

import pytest

from conftest import s4_connection
from helpers import measure
from ips_support import neo_system

IPS = 'sapcloud.identity.ips_proxy_system'
IDM = 'sapcloud.identity.idm_repository'
REPORT = 'sapcloud.identity.report_file'
FOREIGN = 'name,comment\nsomebody,else\n'
IDM_ARGS = {'name': 'IT_FILE_REPO', 'scim_protocol': 'https', 'scim_host': 'h.example.com', 'scim_port': 443,
            'scim_path': '/scim', 'auth_type': 'oauth', 'oauth_url': 'https://t.example.com', 'auth_user': 'u',
            'auth_password': 'File-Secret-Passw0rd-2026!'}


def hand_off(kind, dest, **extra):
    if kind == 'ips':
        return IPS, dict(neo_system('IT file system'), transport='file', dest=dest, **extra)
    return IDM, dict(IDM_ARGS, transport='file', dest=dest, **extra)


@pytest.mark.parametrize('kind', ['ips', 'idm'])
@pytest.mark.parametrize('check', [True, False])
def test_a_foreign_file_is_never_overwritten(module, tmp_path, kind, check):
    dest = tmp_path / 'handoff.out'
    dest.write_text(FOREIGN)
    name, args = hand_off(kind, str(dest))
    run = module.task(name, args, check=check)
    assert run.failed and 'refusing' in run.msg and 'force: true' in run.msg and str(dest) in run.msg, run.msg
    assert dest.read_text() == FOREIGN
    run = module.task(name, dict(args, state='absent'), check=check)
    assert run.failed and dest.read_text() == FOREIGN
    run = module.task(name, dict(args, force=True), check=check)
    assert run.changed and not run.failed, run.msg
    assert (dest.read_text() == FOREIGN) == check
    if not check:  # now it is ours: a re-run leaves it alone
        assert not module.task(name, args).changed


@pytest.mark.parametrize('kind', ['ips', 'idm'])
def test_a_symbolic_link_is_not_followed(module, tmp_path, kind):
    target = tmp_path / 'precious'
    dest = tmp_path / 'handoff.out'
    name, args = hand_off(kind, str(dest))
    assert module.task(name, args).changed  # a document of ours behind the link
    os.rename(str(dest), str(target))
    ours = target.read_text()
    dest.symlink_to(target)
    for check in (True, False):
        run = module.task(name, dict(args, description='changed'), check=check)
        assert run.failed and 'symbolic link' in run.msg, run.msg
    run = module.task(name, dict(args, description='changed', force=True))
    assert run.changed and target.read_text() == ours and not dest.is_symlink()


def test_report_file_modes_are_limited(module, tmp_path):
    path = tmp_path / 'report.md'
    for mode, words in (('-1', 'octal'), ('07777', 'setuid'), ('4755', 'setuid'), ('0666', 'every user'),
                        ('u+rwx', 'octal')):
        run = module.task(REPORT, {'path': str(path), 'content': 'x', 'mode': mode})
        assert run.failed and words in run.msg and not path.exists(), (mode, run.msg)
    run = module.task(REPORT, {'path': str(path), 'content': 'x', 'mode': '0666', 'world_writable': True})
    assert run.changed and path.stat().st_mode & 0o7777 == 0o666
    link = tmp_path / 'link.md'
    link.symlink_to(path)
    run = module.task(REPORT, {'path': str(link), 'content': 'y'})
    assert run.failed and 'symbolic link' in run.msg and path.read_text() == 'x'


S4_CASES = [
    ('sapcloud.identity.s4_comm_system', {'system_id': 'IT_CHECK', 'host_name': 'https://h.example.com'}, 'host_name'),
    ('sapcloud.identity.s4_comm_system', {'system_id': 'IT_CHECK', 'host_name': 'h.example.com '}, 'host_name'),
    ('sapcloud.identity.s4_comm_system', {'system_id': 'IT_CHECK', 'host_name': 'h.example.com:443'}, 'host_name'),
    ('sapcloud.identity.s4_comm_system', {'system_id': 'IT_CHECK', 'host_name': 'h exam.com'}, 'host_name'),
    ('sapcloud.identity.s4_comm_system', {'system_id': {'a': 1}, 'host_name': 'h.example.com'}, 'system_id'),
    ('sapcloud.identity.s4_comm_system', {'system_id': 'IT_CHECK', 'host_name': 'h.example.com',
                                          'inbound_users': [{'user': ['A']}]}, 'inbound_users[0].user'),
    ('sapcloud.identity.s4_comm_user', {'name': ['IT', 'LIST'], 'password': 'Valid-Password-For-Tests-2026!'}, 'name'),
    ('sapcloud.identity.s4_comm_user', {'name': 'IT_' + 'X' * 40, 'password': 'Valid-Password-For-Tests-2026!'},
     'name must have at most 40'),
    ('sapcloud.identity.s4_comm_user', {'name': 'IT_OK', 'password': 'Valid-Password-For-Tests-2026!',
                                        'sap_client': '1OO'}, 'sap_client'),
    ('sapcloud.identity.s4_comm_user', {'name': 'IT_OK', 'password': 'Valid-Password-For-Tests-2026!',
                                        'sap_client': '1000'}, 'sap_client'),
    ('sapcloud.identity.s4_comm_arrangement', {'scenario_id': 'SAP_COM_0093', 'system_id': 'IT_CHECK',
                                               'name': 'N' * 81}, 'name must have at most 80'),
]


@pytest.mark.parametrize('name, args, words', S4_CASES)
def test_s4_values_are_checked_before_any_request(emulator, module, name, args, words):
    run, requests, writes = measure(emulator, lambda: module.task(name, args, defaults=s4_connection(emulator)))
    assert run.failed and words in run.msg, run.msg
    assert (requests, writes) == (0, 0)


@pytest.mark.parametrize('api_url', ['{url}:99999', '{url} ', ' {url}', 'https://user:pw@h.example.com',
                                     '{url}?sap-client=100', 'https://h.example.com:0'])
def test_api_url_is_named_before_any_request(emulator, module, api_url):
    connection = dict(s4_connection(emulator), api_url=api_url.format(url=emulator.url('s4_t1')))
    args = {'name': 'IT_OK', 'password': 'Valid-Password-For-Tests-2026!'}
    run, requests, _writes = measure(emulator, lambda: module.task('sapcloud.identity.s4_comm_user', args,
                                                                   defaults=connection))
    assert run.failed and run.msg.startswith('api_url must be a full base URL') and requests == 0, run.msg


def test_a_failing_query_is_worded_without_the_data(emulator, module):
    emulator.seed('s4_t1', {'users': [{'Name': 'IT_QUERY_SECRET_NAME', 'Description': 'd', 'Password':
                                       'Query-Test-Passw0rd-2026!'}]})
    run = module.task('sapcloud.identity.s4_comm_user_info', {'query': 'sort_by(@, &IsLocked)'},
                      defaults=s4_connection(emulator))
    assert run.failed and run.msg.startswith('query failed on the') and 'sort_by' in run.msg, run.msg
    assert 'IT_QUERY_SECRET_NAME' not in json.dumps(run.data) and 'Traceback' not in json.dumps(run.data)
