"""Whether two emulators hold the same landscape, generated values aside: `make bench` checks that integrate.yml and
the uri baseline (uri_integrate.yml) end in the same state.

normalized_state(control_url, hosts) reads GET <control_url>/_emulator/state?host=<name> (the emulator's own control
API, never an SAP API) for each host and makes what differs from run to run comparable:
- the emulator's own URLs and ports become <url:host>, <port:host>;
- timestamps, ETags and counters become <time>, <etag>, <seq>;
- generated keys (UUIDs, CC user IDs, tokens, numeric IDs) become labels derived from the object they name, refined
  until stable, so a reference (an arrangement's inbound user, IDM's SCIM path to an IPS system) still has to point
  at the same object; collections keyed by them become lists in a stable order;
- issued tokens are left out: they are not the landscape, a token cache makes their number differ from run to run,
  and /_emulator/stats counts their requests;
- secrets (keys ending in password or secret) not listed in `keep` become <secret:path>, the first place
  the same value occurs: a destination holding the communication user's password says so on both sides.

CLI: python tests/benchmark/same_state.py <vars.json A> <vars.json B> prints the differences per host and exits 1 when
the states differ (vars.json is the one an emulator writes to its state directory).
"""

import difflib
import hashlib
import json
import re
import sys
import urllib.request

GENERATED = (('uuid', re.compile(r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')),
             ('user', re.compile(r'\bCC[0-9]{10}\b')),
             ('token', re.compile(r'\b[0-9a-f]{32}\b')),
             ('id', re.compile(r'^[0-9]+$')))
TIME = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?')
ETAG = re.compile(r'W/"\d+"')
SECRET_KEY = re.compile(r'(password|secret)$', re.I)
TIME_KEYS = ('expires_at',)
COUNTER_KEYS = ('seq',)
ID_KEYS = ('id', 'repository')  # integer fields that hold a generated numeric ID
LEFT_OUT = ('tokens',)


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def kind_of(text):
    """The kind of a generated key, or None."""
    for kind, pattern in GENERATED:
        if pattern.fullmatch(text):
            return kind
    return None


def keyed_by_ids(obj):
    return isinstance(obj, dict) and obj and all(kind_of(key) for key in obj)


def canonical(obj):
    return json.dumps(obj, sort_keys=True)


def without_addresses(obj, addresses):
    """obj with the emulator's URLs, host:port pairs and bare ports replaced by the host's name."""
    if isinstance(obj, dict):
        return dict((without_addresses(k, addresses), without_addresses(v, addresses)) for k, v in obj.items())
    if isinstance(obj, list):
        return [without_addresses(v, addresses) for v in obj]
    if not isinstance(obj, str):
        return obj
    for name, url in addresses.items():
        port = url.rsplit(':', 1)[1]
        if obj == port:
            return '<port:%s>' % name
        obj = obj.replace(url, '<url:%s>' % name).replace(url.split('://', 1)[1], '<address:%s>' % name)
    return obj


def defined_ids(obj, path=''):
    """[(key, kind, path, object)] for every object of a collection keyed by generated IDs."""
    found = []
    if isinstance(obj, dict):
        by_id = keyed_by_ids(obj)
        for key, value in obj.items():
            if key in LEFT_OUT:
                continue
            if by_id:
                found.append((key, kind_of(key), path, value))
            found.extend(defined_ids(value, path + '/' + ('*' if by_id else key)))
    elif isinstance(obj, list):
        for value in obj:
            found.extend(defined_ids(value, path + '/*'))
    return found


class Masker:
    """Replaces generated values by labels (or by their kind while no label is known) and secrets by a marker."""

    def __init__(self, labels, keep):
        self.labels = labels
        self.keep = keep

    def text(self, value):
        value = TIME.sub('<time>', ETAG.sub('<etag>', value))
        for kind, pattern in GENERATED[:3]:  # numeric IDs only as keys and in ID_KEYS: "1" is often just a 1
            value = pattern.sub(lambda m, kind=kind: self.labels.get(m.group(0), '<%s>' % kind), value)
        return value

    def __call__(self, obj, key=None):
        if key in TIME_KEYS:
            return '<time>'
        if key in COUNTER_KEYS:
            return '<seq>'
        if isinstance(obj, str) and key and SECRET_KEY.search(key) and obj not in self.keep:
            return {'<secret>': obj}
        if isinstance(obj, int) and not isinstance(obj, bool) and key in ID_KEYS:
            return self.labels.get(str(obj), '<id>')
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, list):
            return sorted((self(v) for v in obj), key=lambda v: canonical(public(v)))
        if keyed_by_ids(obj):
            return sorted((self(v) for v in obj.values()), key=lambda v: canonical(public(v)))
        if isinstance(obj, dict):
            return dict((self.text(k), self(v, k)) for k, v in obj.items() if k not in LEFT_OUT)
        return obj


def is_secret(obj):
    return isinstance(obj, dict) and set(obj) == {'<secret>'}


def public(obj):
    """obj with every secret marker as <secret>: what decides order and labels (generated secrets differ per run)."""
    if is_secret(obj):
        return '<secret>'
    if isinstance(obj, dict):
        return dict((k, public(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [public(v) for v in obj]
    return obj


def hide_secrets(obj, path='', seen=None):
    """Secret markers replaced by <secret:path of the first occurrence of the same value>."""
    seen = {} if seen is None else seen
    if is_secret(obj):
        return '<secret:%s>' % seen.setdefault(obj['<secret>'], path)
    if isinstance(obj, dict):
        return dict((k, hide_secrets(obj[k], path + '/' + k, seen)) for k in sorted(obj))
    if isinstance(obj, list):
        return [hide_secrets(v, '%s/%d' % (path, i), seen) for i, v in enumerate(obj)]
    return obj


def normalized_state(control_url, hosts, keep=()):
    """{host: state} of the emulator at control_url (any of its URLs) for the given hosts, with every generated value
    replaced as the module docstring says. keep: secret values left as they are (the inputs of a run)."""
    base = control_url.rstrip('/') + '/_emulator/'
    addresses = dict((name, info['url']) for name, info in get_json(base + 'hosts').items())
    states = without_addresses(dict((host, get_json(base + 'state?host=' + host)) for host in sorted(hosts)), addresses)
    entities = defined_ids(states)
    labels = {}
    # Each generated key is named after the object it keys; objects that refer to others tell apart objects that
    # only differ by whom they refer to, so the labels are refined until they stop splitting.
    for _round in range(8):
        mask = Masker(labels, set(keep))
        refined = dict((key, '<%s:%s>' % (kind, hashlib.sha1((path + canonical(public(mask(value)))).encode()).hexdigest()[:8]))
                       for key, kind, path, value in entities)
        if len(set(refined.values())) == len(set(labels.values())) and labels:
            break
        labels = refined
    return hide_secrets(Masker(labels, set(keep))(states))


def emulator(vars_file):
    """(a control URL, host names, the run's input values) from the vars.json of an emulator."""
    with open(vars_file) as handle:
        data = json.load(handle)
    urls = data['emulator_urls']
    inputs = [v for v in (data.get('emulator_demo') or {}).values() if isinstance(v, str)]
    return next(iter(urls.values())), sorted(urls), inputs


def main(argv):
    if len(argv) != 3:
        print('usage: same_state.py <vars.json A> <vars.json B>', file=sys.stderr)
        return 2
    (url_a, hosts_a, keep_a), (url_b, hosts_b, keep_b) = emulator(argv[1]), emulator(argv[2])
    hosts = sorted(set(hosts_a) & set(hosts_b))
    keep = set(keep_a) | set(keep_b)
    a, b = normalized_state(url_a, hosts, keep), normalized_state(url_b, hosts, keep)
    differing = [host for host in hosts if a[host] != b[host]]
    for host in differing:
        lines = difflib.unified_diff(json.dumps(a[host], indent=1, sort_keys=True).splitlines(),
                                     json.dumps(b[host], indent=1, sort_keys=True).splitlines(),
                                     'A ' + host, 'B ' + host, lineterm='')
        print('\n'.join(lines))
    print('same state on %d hosts' % len(hosts) if not differing else
          'states differ on %d of %d hosts: %s' % (len(differing), len(hosts), ', '.join(differing)))
    return 1 if differing else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
