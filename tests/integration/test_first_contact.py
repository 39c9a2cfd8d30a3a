"""integrate.yml runs the tenant preflight (s4_preflight) on first contact, before its first write to the tenant.

sapcloud_preflight: first (default: only while none of the alternating communication users exists), always, never.
A fact that differs stops that tenant through the play's rescue, with nothing written to it; the other tenants go
on. Requests and writes are read from the emulator's HTTP-layer stats; the tenant's $metadata is made to differ
through the emulator's control API, as in test_preflight.py.
"""

from test_integrate import USER_A, changed, no_op, ok, play, state_writes, users

PREFLIGHT = 'Read what the collection assumes about the tenant'
INCLUDE = 'Preflight of the tenant before its first write'
STOP = 'Stop before the first write when the tenant differs from what the collection assumes'


def ran(run, host):
    """Whether the tenant preflight ran for host, and the include's status for it."""
    include = [r['status'] for r in run.results if r['task'] == INCLUDE and r['host'] == host]
    preflight = [r for r in run.results if r['task'] == PREFLIGHT and r['host'] == host]
    assert len(include) == 1, [r['task'] for r in run.results if r['host'] == host]
    if preflight:
        assert include == ['ok'] and preflight[0]['status'] == 'ok', (include, preflight)
    else:
        assert include == ['skipped'], include
    return bool(preflight)


def metadata_reads(emulator, host):
    paths = emulator.stats()['hosts'].get(host, {}).get('paths', {})
    return sum(n for call, n in paths.items() if call.startswith('GET ') and call.endswith('/$metadata'))


def test_first_contact_runs_the_preflight_then_integrates_and_a_no_op_skips_it(ansible, emulator, tmp_path):
    emulator.reset()
    first = ok(play(ansible, tmp_path, 'integrate.yml', limit='s4_t1'))
    assert ran(first, 's4_t1')
    assert metadata_reads(emulator, 's4_t1') == 3  # the three SAP_COM_0A48 services
    # Then it integrates as before: the shared role assignment, user, system, arrangements, destination, proxy
    # system and repository.
    assert changed(first) == 7 and users(emulator, 's4_t1') == [USER_A]
    facts = first.task(PREFLIGHT, 's4_t1')['result']['facts']
    assert len(facts) > 10 and [f for f in facts if f['verdict'] != 'confirmed'] == []
    assert 'Preflight of s4_t1: %d facts checked, none different, 0 unknown' % len(facts) in \
        ' '.join(first.task(STOP, 's4_t1')['result']['msg'].split())

    # A no-op run finds the user: no preflight, one skipped task for it, no $metadata read.
    again = no_op(ansible, emulator, tmp_path, limit='s4_t1')
    assert not ran(again, 's4_t1') and metadata_reads(emulator, 's4_t1') == 0
    assert len([r for r in again.results if r['host'] == 's4_t1']) <= 25, [r['task'] for r in again.results]
    no_op_requests = emulator.requests('s4_t1')

    # always: every run, read-only (still 0 writes, nothing changed).
    always = no_op(ansible, emulator, tmp_path, limit='s4_t1', extra={'sapcloud_preflight': 'always'})
    assert ran(always, 's4_t1') and metadata_reads(emulator, 's4_t1') == 3
    # Four GETs: the three $metadata and the scenario list (scenarios offered); the tenant requires no If-Match and
    # lists every scenario, so neither a user (ETags) nor the arrangements in use are read (test_preflight.py).
    assert emulator.requests('s4_t1') == no_op_requests + 4, emulator.stats()['hosts']['s4_t1']


def test_check_mode_runs_it_and_never_skips_it_on_a_fresh_tenant(ansible, emulator, tmp_path):
    emulator.reset()
    check = play(ansible, tmp_path, 'integrate.yml', check=True, limit='s4_t1')
    assert check.rc == 0, check.output[-4000:]
    assert ran(check, 's4_t1') and metadata_reads(emulator, 's4_t1') == 3
    assert state_writes(emulator) == 0

    emulator.reset_stats()
    never = ok(play(ansible, tmp_path, 'integrate.yml', limit='s4_t2', extra={'sapcloud_preflight': 'never'}))
    assert not ran(never, 's4_t2') and metadata_reads(emulator, 's4_t2') == 0
    assert users(emulator, 's4_t2') == [USER_A]

    wrong = play(ansible, tmp_path, 'integrate.yml', limit='s4_t3', extra={'sapcloud_preflight': 'sometimes'})
    assert wrong.rc != 0 and 'sapcloud_preflight must be one of: first, always, never, got: sometimes' in wrong.output


def test_a_tenant_that_differs_stops_before_any_write_and_the_others_go_on(ansible, emulator, tmp_path):
    emulator.reset()
    emulator.fault(host='s4_t1', action='metadata', max_length={'CommunicationUser.Name': 12})
    try:
        run = play(ansible, tmp_path, 'integrate.yml', limit='s4_t1,s4_t2')
        stats = emulator.stats()['hosts']
    finally:
        emulator.reset()
    assert run.rc != 0
    assert ran(run, 's4_t1') and ran(run, 's4_t2')
    assert stats['s4_t1']['writes'] == 0, stats['s4_t1']
    assert stats['s4_t2']['writes'] > 0 and not [r for r in run.failed_tasks() if r['host'] == 's4_t2']

    final = dict((r['host'], r['result']['msg']) for r in run.results
                 if r['task'] == 'Fail the tenants whose chain failed' and r['failed'])
    assert list(final) == ['s4_t1'], run.output[-4000:]
    message = ' '.join(final['s4_t1'].split())
    assert message.startswith(STOP + ': Preflight of s4_t1: 1 of '), message
    assert 'CommunicationUsers.Name fits' in message and 'found MaxLength 12' in message
    assert 'set sapcloud_comm_user_name: at most 10 characters' in message
    assert 'Nothing was written to the tenant' in message and '-e sapcloud_preflight=never' in message

    summary = ' '.join((tmp_path / 'output' / 'integrate.md').read_text().split())
    assert STOP in summary and 'set sapcloud_comm_user_name: at most 10 characters' in summary
    assert 'sapcloud_preflight=never' in summary
