"""The summary tells the truth in every state: check mode, a later run, drift (which fields), a failure (only the
next steps that apply), the file hand-offs (a step closes when the run can see it done) and verify.yml.

Writes are read from the emulator's HTTP-layer stats (every non-GET except token requests and SOAP reads). Each
test starts from a fresh emulator (emulator.reset()) and leaves its objects for the next reset.
"""

import json
import os
import sys

import requests

from conftest import DEMO, REPO, collections_path

sys.path.insert(0, collections_path())
from ansible_collections.sapcloud.identity.plugins.filter.summary import (  # noqa: E402  pylint: disable=wrong-import-position
    close_steps, fields, summary)

INVENTORY = os.path.join(REPO, 'playbooks', 'inventory', 'emulator')
NOT_WRITES = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/querybusinessuserin')


def state_writes(emulator):
    return sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
               if not call.startswith('GET ') and not call.endswith(NOT_WRITES))


def play(ansible, tmp_path, name, extra=None, **kwargs):
    extra_vars = {'sapcloud_secrets_dir': str(tmp_path / 'secrets'), 'sapcloud_output_dir': str(tmp_path / 'output')}
    extra_vars.update(extra or {})
    return ansible.playbook(os.path.join(REPO, 'playbooks', name), inventory=INVENTORY, extra_vars=extra_vars,
                            limit=kwargs.pop('limit', 's4_t1'), **kwargs)


def ok(run):
    assert run.rc == 0, run.output[-5000:]
    return run


def report(tmp_path, name='integrate'):
    return (tmp_path / 'output' / ('%s.md' % name)).read_text()


def open_steps(text):
    part = text.split('## Manual steps still open\n\n', 1)[1]
    return [line for line in part.split('\n\n', 1)[0].splitlines() if line.startswith('- ') or line == 'None.']


def test_fields_name_what_differs_without_values():
    diff = {'before': {'HostName': 'a.example.com', 'Password': '********', 'properties': {'x': '1', 'y': '2'}},
            'after': {'HostName': 'b.example.com', 'Password': '********', 'properties': {'x': '1', 'y': '3'}}}
    assert fields(diff) == ['HostName', 'properties.y']
    entry = {'system': 'S', 'object': 'o', 'name': 'n', 'changed': True, 'actions': ['update'], 'diff': diff}
    rendered = summary([{'host': 'h', 'tenant': 't', 'entries': [entry]}], True)['tenants'][0]['entries'][0]
    assert rendered['words'] == 'would change (HostName, properties.y)' and 'diff' not in rendered
    assert 'b.example.com' not in json.dumps(rendered)
    closed = close_steps([dict(entry, changed=False, next_step='import it'), dict(entry, object='p', next_step='x')],
                         {'o': 'the admin gave its ID'}, {'p': 'Then tell the run.'})
    assert closed[0]['next_step'] == '' and closed[0]['closed'] == 'the admin gave its ID'
    assert closed[1]['next_step'] == 'x Then tell the run.'


def test_check_mode_first_and_later_runs_drift_and_verify(ansible, emulator, tmp_path):
    emulator.reset()
    check = ok(play(ansible, tmp_path, 'integrate.yml', check=True))
    assert state_writes(emulator) == 0
    text = report(tmp_path)
    assert 'would create 7, would change 0, would remove 0, 0 already right.' in text
    assert '| would create |' in text and '| created |' not in text
    assert 'would create 7' in check.output

    ok(play(ansible, tmp_path, 'integrate.yml'))
    first = report(tmp_path)
    assert '7 created, 0 changed, 0 removed, 0 already right.' in first
    assert open_steps(first) == ['None.']
    again = ok(play(ansible, tmp_path, 'integrate.yml'))
    assert '0 created, 0 changed, 0 removed, 7 already right.' in report(tmp_path)
    assert not again.changed_tasks()

    # Drift: the proxy under another host name and another profile; check mode names the fields that would change.
    emulator.reset_stats()
    moved = emulator.url('ips').replace('127.0.0.1', 'localhost')
    drift = ok(play(ansible, tmp_path, 'integrate.yml', check=True,
                    extra={'sapcloud_profile': 'api_v1', 'sapcloud_ips_proxy_url': moved}))
    assert state_writes(emulator) == 0
    text = report(tmp_path)
    assert '| communication system | IPS_PROXY | would change (HostName) |' in text, text
    proxy = next(line for line in text.splitlines() if '| proxy system (api) |' in line)
    assert '| would change (properties.' in proxy and 'properties.s4hana.cloud.api.version' in proxy
    stats = drift.task('Hand the summary to AWX')['result']['ansible_stats']['data']['sapcloud_identity']
    entry = next(e for e in stats['tenants'][0]['entries'] if e['object'] == 'communication system')
    assert entry['fields'] == ['HostName'] and 'diff' not in entry

    # verify.yml reads with the desired state: the drift is in its summary, and the run itself changes nothing.
    emulator.reset_stats()
    verify = ok(play(ansible, tmp_path, 'verify.yml', extra={'sapcloud_profile': 'api_v1'}))
    assert not verify.changed_tasks() and state_writes(emulator) == 0
    proxy = next(line for line in report(tmp_path, 'verify').splitlines() if '| proxy system (api) |' in line)
    assert '| would change (properties.' in proxy and 'properties.s4hana.cloud.api.version' in proxy


def test_a_failed_run_lists_only_the_steps_that_apply(ansible, emulator, tmp_path):
    emulator.reset()
    emulator.fault(host='ips', path=r'/systems', status=500, count=100)
    try:
        failed = play(ansible, tmp_path, 'integrate.yml')
    finally:
        emulator.clear_faults()
    assert failed.rc != 0
    steps = open_steps(report(tmp_path))
    assert len(steps) == 1 and 'HTTP 500' in steps[0], steps
    assert 'sapcloud_ips_system_id' not in report(tmp_path)
    stats = failed.task('Hand the summary to AWX')['result']['ansible_stats']['data']['sapcloud_identity']
    assert stats['open'] == [s[2:] for s in steps]


def test_file_hand_offs_close_when_the_run_sees_them_done(ansible, emulator, tmp_path):
    emulator.reset()
    files = {'sapcloud_ips_transport': 'file', 'sapcloud_idm_transport': 'file', 'sapcloud_profile': 'api_v1'}
    ok(play(ansible, tmp_path, 'integrate.yml', extra=files))
    steps = open_steps(report(tmp_path))
    assert len(steps) == 2 and 'Define from File' in steps[0] and 'set sapcloud_ips_system_id' in steps[1], steps

    ips_file = tmp_path / 'output' / 's4_t1' / 'ips-proxy-system.json'
    imported = requests.post(emulator.url('ips') + '/emulator-ui/ips/import', data=ips_file.read_bytes(),
                             headers={'Content-Type': 'application/json'}, timeout=30,
                             auth=(DEMO['ips_admin_user'], DEMO['ips_admin_password']))
    imported.raise_for_status()
    with_id = dict(files, sapcloud_ips_system_id=imported.json()['id'])
    ok(play(ansible, tmp_path, 'integrate.yml', extra=with_id))
    text = report(tmp_path)
    steps = open_steps(text)
    assert len(steps) == 1 and 'Run now' in steps[0] and 'set sapcloud_idm_repository_imported to true' in steps[0]
    assert 'imported: sapcloud_ips_system_id is %s' % imported.json()['id'] in text

    ok(play(ansible, tmp_path, 'integrate.yml', extra=dict(with_id, sapcloud_idm_repository_imported=True)))
    text = report(tmp_path)
    assert open_steps(text) == ['None.']
    assert 'the admin confirmed the import and the initial load' in text
