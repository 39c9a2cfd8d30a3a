"""Holds every row of a playbook's report (the set_stats data the summary role hands to AWX, the same data its
Markdown is made from) against what the emulator holds and what the run asked of it.

untrue_rows(emulator, run, playbook, extra, requests) returns one line per row, value, next step or manual item
that is not true: an object said to exist (created, changed, already right, would change) that does not, one said
to be removed or to be created that does, an ID that is not the object's, a password file named that is not on
disk, a "removed" without a DELETE in the run, a "verified with a token request" without one, a next step worded
in module options instead of inventory variables. Rows about objects this file does not know are left alone.
"""

import os
import re

ACTIVE_WORDS = ('created', 'changed', 'already right', 'would change', 'unchanged')
# Module options a next step must not name: the user sets inventory variables, not the roles' module options.
MODULE_WORDS = re.compile(r'\b(proxy_system\.system_id|source_csv|api_url|system_id:|proxy_system:)')
TOKEN_PATHS = ('/oauth2/api/v1/token',)


def report_of(run, key='sapcloud_identity'):
    """The data the run handed to set_stats under key, or None."""
    for result in run.results:
        data = (result['result'].get('ansible_stats') or {}).get('data') or {}
        if key in data:
            return data[key]
    return None


def requests_made(log):
    """(host, method, path) of every request the run made (not those emulated systems made to each other)."""
    return [(e['host'], e['method'], e['path']) for e in log if not e.get('internal')]


def untrue_rows(emulator, run, playbook, extra, log):
    if playbook == 'preflight.yml':
        return preflight_untrue(run)
    report = report_of(run)
    if report is None:
        return ['no report handed to set_stats'] if run.results else []
    check = bool(report.get('check_mode'))
    made = requests_made(log)
    out = []
    for tenant in report.get('tenants') or []:
        state = emulator.state(tenant['host'])
        for entry in tenant.get('entries') or []:
            out += ['%s: %s' % (tenant['host'], p) for p in s4_row(state, entry, check, made, tenant['host'])]
        out += ['%s: %s' % (tenant['host'], p) for p in values_untrue(state, tenant.get('values') or {})]
        out += ['%s: next step in module words: %s' % (tenant['host'], step) for step in tenant.get('open') or []
                if MODULE_WORDS.search(step)]
    for entry in (report.get('shared') or []) + [e for t in report.get('tenants') or [] for e in t.get('entries') or []]:
        out += other_row(emulator, entry, check)
    oauth_step = any(e.get('object') == 'OAuth client role assignment' for e in report.get('shared') or [])
    for item in report.get('manual') or []:
        if 'verified it with a token request' in item and not any(
                m == 'POST' and p.endswith(TOKEN_PATHS) and h == 'neo_oauth' for h, m, p in made):
            out.append('manual item claims a token request the run did not make: %s' % item)
        if 'the run verified it' in item and not oauth_step:
            out.append('manual item claims a verification by a step that did not run: %s' % item)
    return out


def by_name(state, table, field, value):
    return [e for e in state[table].values() if str(e.get(field, '')).upper() == str(value).upper()]


def deletes(made, host, marker):
    return sum(1 for h, m, p in made if h == host and m == 'DELETE' and marker in p)


def s4_row(state, entry, check, made, host):
    obj, words, name = entry.get('object'), entry.get('words', ''), entry.get('name') or ''
    ident = str(entry.get('id') or '')
    out = []
    if obj in ('communication user', 'retired communication user', 'communication users'):
        names = [n.strip() for n in name.split(',') if n.strip()]
        for one in names:
            found = by_name(state, 'users', 'Name', one)
            out += existence(found, words, check, 'communication user %s' % one)
            if found and ident and words.startswith(ACTIVE_WORDS) and found[0]['ID'] != ident:
                out.append('communication user %s has ID %s, the row says %s' % (one, found[0]['ID'], ident))
        if words == 'removed' and deletes(made, host, 'CommunicationUsers(') < len(names):
            out.append('%s said removed, but the run deleted %d communication user(s)'
                       % (name, deletes(made, host, 'CommunicationUsers(')))
    elif obj == 'communication system':
        found = by_name(state, 'systems', 'ID', name)
        out += existence(found, words, check, 'communication system %s' % name)
        if found and ident and words.startswith(ACTIVE_WORDS) and found[0]['UUID'] != ident:
            out.append('communication system %s has UUID %s, the row says %s' % (name, found[0]['UUID'], ident))
    elif obj == 'communication arrangements':
        for scenario in [n.strip() for n in name.split(',') if n.strip()]:
            found = [a for a in state['arrangements'].values() if a['CommunicationScenarioID'] == scenario]
            out += existence(found, words, check, 'arrangement %s' % scenario)
            if found and ident and words.startswith(ACTIVE_WORDS) and found[0]['UUID'] not in ident:
                out.append('arrangement %s has UUID %s, not in the row (%s)' % (scenario, found[0]['UUID'], ident))
    elif obj == 'communication user status':
        found = by_name(state, 'users', 'Name', name)
        if words == 'usable' and (not found or found[0]['ID'] not in ident):
            out.append('status row of %s (%s) names no existing user with that ID' % (name, ident))
    return out


def existence(found, words, check, what):
    """Whether the words of a row agree with the object's existence after the run."""
    if words.startswith(('removed', 'already gone')) and found:
        return ['%s is said %s but exists' % (what, words)]
    if words.startswith('would create') and found:
        return ['%s is said to be created by a real run but exists' % what]
    if words.startswith(('created', 'changed', 'already right', 'would change', 'would remove')) and not found:
        return ['%s is said %s but does not exist' % (what, words)]
    return []


def values_untrue(state, values):
    out = []
    path = values.get('password file of the communication user')
    if path and not os.path.isfile(path):
        out.append('password file %s is named but not on disk' % path)
    user = values.get('communication user') or ''
    match = re.match(r'^(\S+) \((CC\d+)\)$', user)
    if match:
        found = by_name(state, 'users', 'Name', match.group(1))
        if not found or found[0]['ID'] != match.group(2):
            out.append('value "communication user: %s" is not an existing user with that ID' % user)
    if path and user and os.path.basename(path) != user.split(' ')[0]:
        out.append('the password file %s is not the one of %s' % (path, user))
    return out


def other_row(emulator, entry, check):
    """Neo destination, IPS proxy system and IDM repository rows of the api transports."""
    obj, words = entry.get('object') or '', entry.get('words', '')
    if obj == 'destination' and entry.get('system') == 'SAP BTP (Neo)':
        names = [n for level in emulator.state('neo_configapi')['destinations'].values() for n in level]
        return ['Neo destination %s: %s' % (entry.get('name'), p)
                for p in existence([n for n in names if n == entry.get('name')], words, check, 'it')]
    if obj == 'proxy system (api)':
        host = 'ias' if '(sci)' in (entry.get('system') or '') else 'ips'
        found = [s for s in emulator.state(host)['systems'].values() if s['name'] == entry.get('name')]
        out = ['IPS proxy system %s: %s' % (entry.get('name'), p) for p in existence(found, words, check, 'it')]
        if found and entry.get('id') and words.startswith(ACTIVE_WORDS) and found[0]['id'] not in str(entry['id']):
            out.append('IPS proxy system %s has ID %s, the row says %s' % (entry.get('name'), found[0]['id'], entry['id']))
        return out
    if obj in ('proxy system (file)', 'SCIM repository (file)') and str(entry.get('id') or '').startswith('/'):
        path = entry['id']
        return ['%s %s: %s' % (obj, entry.get('name'), p)
                for p in existence([path] if os.path.isfile(path) else [], words, check, 'its file %s' % path)]
    if obj == 'SCIM repository (api)':
        found = [r for r in emulator.state('idm')['repositories'].values() if r['name'] == entry.get('name')]
        return ['IDM repository %s: %s' % (entry.get('name'), p) for p in existence(found, words, check, 'it')]
    return []


def preflight_untrue(run):
    """preflight.yml: the exit status follows the facts (non-zero when one differs), and the line counts them."""
    report = report_of(run, 'sapcloud_identity_preflight')
    if report is None:
        return ['no preflight report handed to set_stats'] if run.results else []
    out = []
    different = report.get('totals', {}).get('different', 0)
    if different and run.rc == 0:
        out.append('%d facts differ but preflight.yml exited 0' % different)
    if not different and run.rc != 0 and 'logon' not in run.output:
        out.append('no fact differs but preflight.yml exited %d' % run.rc)
    return out
