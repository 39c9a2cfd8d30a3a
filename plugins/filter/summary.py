# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary filter: per-host report entries of a run, turned into one report (documented in summary.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError

CREATES = ('create', 'assign')
OUTCOMES = {
    # outcome: (in a real run, in check mode)
    'created': ('created', 'would create'),
    'changed': ('changed', 'would change'),
    'removed': ('removed', 'would remove'),
    'unchanged': ('already right', 'already right'),
}


def outcome(entry):
    """created, changed, removed or unchanged, from the module's changed flag and the actions it reports."""
    if entry.get('outcome'):
        return entry['outcome']
    if not entry.get('changed'):
        return 'unchanged'
    actions = entry.get('actions') or []
    if any(a in CREATES for a in actions):
        return 'created'
    if 'delete' in actions or set(actions) == {'unassign'}:
        return 'removed'
    return 'changed'


def fields(diff):
    """Names of the fields that differ between before and after, from one diff or a list of them (a loop)."""
    diffs = diff if isinstance(diff, list) else [diff or {}]
    names = set()
    for item in diffs:
        before, after = (item or {}).get('before') or {}, (item or {}).get('after') or {}
        names.update(_differing(before, after))
    return sorted(names)


def _differing(before, after, prefix=''):
    """Differing keys of two dicts; inside a dict value (such as properties), its differing keys."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [prefix.rstrip('.')] if before != after and prefix else []
    out = []
    for key in set(before) | set(after):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            out.extend(_differing(old, new, '%s%s.' % (prefix, key)))
        elif _pairs(old) is not None and _pairs(new) is not None:  # "name=value" lines (IPS properties)
            out.extend(_differing(_pairs(old), _pairs(new), '%s%s.' % (prefix, key)))
        else:
            out.append('%s%s' % (prefix, key))
    return out


def _pairs(value):
    """A list of "name=value" strings as a dict, else None."""
    if not isinstance(value, list) or not all(isinstance(v, str) and '=' in v for v in value):
        return None
    return dict(v.split('=', 1) for v in value)


def headline(totals, check_mode):
    """'2 created, 1 changed, ...', or in check mode 'would create 2, would change 1, ...'."""
    mode = 1 if check_mode else 0
    parts = []
    for key in ('created', 'changed', 'removed', 'unchanged'):
        words = OUTCOMES[key][mode]
        parts.append('%s %d' % (words, totals[key]) if check_mode and key != 'unchanged' else '%d %s' % (totals[key], words))
    return ', '.join(parts)


def close_steps(entries, closed=None, hints=None):
    """Entries whose object the run can see done (closed: {object: how it knows}) lose their next step and say how
    the run knows; hints ({object: text}) are added to the next step of the others."""
    out = []
    for entry in entries or []:
        entry = dict(entry)
        obj = entry.get('object')
        if obj in (closed or {}) and not entry.get('changed'):
            entry['next_step'] = ''
            entry['closed'] = closed[obj]
        elif obj in (hints or {}) and entry.get('next_step'):
            entry['next_step'] = '%s %s' % (entry['next_step'], hints[obj])
        out.append(entry)
    return out


def summary(hosts, check_mode=False):
    """One report from [{host, tenant, entries, values, failed}].

    Entries marked shared (one object for the whole landscape) are listed once; every other entry per tenant, with
    its outcome and its words for this run. open lists every next step, prefixed with its tenant.
    """
    if not isinstance(hosts, list):
        raise AnsibleFilterError('summary expects a list of per-host reports, got %s' % type(hosts).__name__)
    totals = dict((key, 0) for key in OUTCOMES)
    shared, seen, tenants, open_steps, closed_steps = [], set(), [], [], []

    def rendered(entry):
        out = dict((k, v) for k, v in entry.items() if k != 'diff')
        out['outcome'] = outcome(entry)
        # Which fields differ (names only: values may be secrets, masked or not).
        out['fields'] = fields(entry.get('diff')) if out['outcome'] == 'changed' else []
        # A task may run in check mode inside a real run (verify.yml reads with the desired state that way).
        mode = 1 if entry.get('check_mode', check_mode) else 0
        out['words'] = OUTCOMES.get(out['outcome'], (out['outcome'], out['outcome']))[mode]
        if out['outcome'] == 'unchanged' and entry.get('state') == 'absent':
            out['words'] = 'already gone'
        if out['fields']:
            out['words'] += ' (%s)' % ', '.join(out['fields'])
        if out['outcome'] in totals:
            totals[out['outcome']] += 1
        return out

    for host in hosts:
        entries = []
        for entry in host.get('entries') or []:
            if entry.get('shared'):
                key = (entry.get('system'), entry.get('object'), entry.get('name'))
                if key not in seen:
                    seen.add(key)
                    shared.append(rendered(entry))
                continue
            entries.append(rendered(entry))
        steps = [e['next_step'] for e in entries if e.get('next_step')]
        open_steps.extend('%s: %s' % (host.get('tenant'), step) for step in steps)
        closed_steps.extend('%s: %s %s: %s' % (host.get('tenant'), e.get('object'), e.get('name'), e['closed'])
                            for e in entries if e.get('closed'))
        tenants.append(dict(host=host.get('host'), tenant=host.get('tenant'), failed=bool(host.get('failed')),
                            entries=entries, values=host.get('values') or {}, open=steps))
    open_steps = ['shared: %s' % e['next_step'] for e in shared if e.get('next_step')] + open_steps
    return dict(check_mode=bool(check_mode), tenants=tenants, shared=shared, totals=totals, open=open_steps,
                closed=closed_steps, failed=[t['host'] for t in tenants if t['failed']],
                headline=headline(totals, check_mode))


def summary_host(entries, host, tenant, values=None, failure=None):
    """One host's report for summary: its entries, and the failed task as one more entry when the host failed."""
    failure = failure or {}
    entries = list(entries or [])
    if failure:
        entries.append({'system': failure.get('role') or 'playbook', 'object': 'failed task',
                        'name': failure.get('task'), 'changed': False, 'actions': [], 'outcome': 'failed',
                        'next_step': failure.get('message')})
    return dict(host=host, tenant=tenant, entries=entries, values=values or {}, failed=bool(failure))


VERDICTS = ('confirmed', 'different', 'unknown')


def preflight(hosts, shared=None):
    """One preflight report from [{host, tenant, facts}] and the facts of the shared systems (listed once).

    Returns tenants, shared, totals per verdict and `line`: 'preflight: N facts checked, C confirmed, D different,
    U unknown'.
    """
    if not isinstance(hosts, list):
        raise AnsibleFilterError('preflight expects a list of per-host reports, got %s' % type(hosts).__name__)
    shared = list(shared or [])
    tenants = [dict(host=h.get('host'), tenant=h.get('tenant'), facts=list(h.get('facts') or [])) for h in hosts]
    every = shared + [fact for tenant in tenants for fact in tenant['facts']]
    unknown = [f.get('verdict') for f in every if f.get('verdict') not in VERDICTS]
    if unknown:
        raise AnsibleFilterError('preflight verdicts are confirmed, different or unknown, got %s' % unknown[0])
    totals = dict((verdict, sum(1 for f in every if f['verdict'] == verdict)) for verdict in VERDICTS)
    line = 'preflight: %d facts checked, %d confirmed, %d different, %d unknown' % (
        len(every), totals['confirmed'], totals['different'], totals['unknown'])
    return dict(tenants=tenants, shared=shared, totals=totals, checked=len(every), line=line)


def preflight_row(fact):
    """One line of the console table: verdict, fact, found, and what to set when not confirmed."""
    text = '%-9s %s: %s' % (fact.get('verdict'), fact.get('fact'), fact.get('found'))
    return text + (' -> %s' % fact['set'] if fact.get('set') else '')


def preflight_tenant_rows(tenant):
    return ['tenant %s:' % tenant.get('tenant')] + [preflight_row(f) for f in tenant.get('facts') or []]


def ips_file_step(result, variable, host):
    """The next step of ips_proxy_system's file hand-off in a playbook's words: the ID IPS gives the import goes
    into the inventory variable (not into module options), and once it is there the playbook passes it on itself,
    so only a changed file leaves a step (the same change by hand in the console)."""
    result = result or {}
    step = result.get('next_step') or ''
    if not step or not variable or result.get('path') is None:
        return step
    if result.get('system_id'):
        if not result.get('changed'):
            return ''
        return ('The import file changed: make the same change to proxy system %s in the IPS console by hand (the '
                'diff shows it); a new import would create another system with another ID.' % result['system_id'])
    enter = re.search(r' Then enter the credential properties [^.]*\.[^.]*\.', step)
    return ('In the IPS admin console, open Proxy Systems > Add > Define from File and import %s (the JSON shape is '
            'unconfirmed, see docs/ips-idm-contract.md).%s IPS gives the imported system a new ID, the GUID at the '
            'end of the system\'s URL: set %s for %s to it and run again.'
            % (result['path'], enter.group(0) if enter else '', variable, host))


def preflight_stops(facts, results=None):
    """The facts that stop an integration run (verdict different), and one row per preflight module that failed
    (its check could not run, so nothing says the tenant is fit)."""
    stops = [f for f in facts or [] if f.get('verdict') == 'different']
    for result in results or []:
        if isinstance(result, dict) and result.get('failed'):
            stops.append(dict(fact='the preflight check ran', expected='a table of facts', verdict='different',
                              found=result.get('msg') or 'failed', set='fix this and run preflight again'))
    return stops


class FilterModule(object):

    def filters(self):
        return {'summary': summary, 'summary_host': summary_host, 'close_steps': close_steps, 'preflight': preflight,
                'preflight_row': preflight_row,
                'preflight_tenant_rows': preflight_tenant_rows, 'preflight_stops': preflight_stops,
                'ips_file_step': ips_file_step}
