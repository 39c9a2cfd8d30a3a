"""Run the emulator: `PYTHONPATH=tests python -m emulator [--tenants N] [--base-port P] [--state-dir D]`.

Starts from a fresh state unless --keep-state is given. Prints one line per emulated host with its URL (and,
with --seed-demo, the demo credentials it accepts), writes <state-dir>/hosts.json ({name: {kind, url}}) and
<state-dir>/vars.json (extra vars for ansible-playbook: emulator_urls, emulator_demo), and serves until
interrupted. A port in use ends it with one line on stderr and exit status 2.
"""

import argparse
import errno
import glob
import json
import os
import signal
import sys
import threading

from emulator.core import Emulator
from emulator.demo import CREDENTIALS, DEMO
from emulator.services import available_kinds
from emulator.topology import default_topology


def main(argv=None):
    parser = argparse.ArgumentParser(prog='emulator', description=__doc__.splitlines()[0])
    parser.add_argument('--tenants', type=int, default=3, help='number of emulated S/4HANA Cloud tenants')
    parser.add_argument('--base-port', type=int, default=18000, help='first port; 0 picks free ports')
    parser.add_argument('--state-dir', default=os.path.join('.tmp', 'emulator'))
    parser.add_argument('--keep-state', action='store_true', help='keep what an earlier run created (default: start fresh)')
    parser.add_argument('--seed-demo', action='store_true', help='seed the manual prerequisites of the demo')
    parser.add_argument('--variant', action='append', default=[], metavar='HOST=NAME',
                        help='a tenant variant of tests/emulator/variants.py for one host (repeatable)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a throw-away CA (ca.pem in state-dir)')
    parser.add_argument('--mtls', action='store_true', help='--tls that also verifies client certificates against a '
                        'test client CA (client-ca.pem and client-ca-key.pem in state-dir)')
    args = parser.parse_args(argv)

    os.makedirs(args.state_dir, exist_ok=True)
    if not args.keep_state:
        for path in glob.glob(os.path.join(args.state_dir, 'state-*.json')):
            os.remove(path)
    kinds = available_kinds()
    topology = default_topology(args.tenants)
    tls = client_ca = None
    if args.mtls:
        from emulator.tls import server_context
        tls, client_ca = server_context(args.state_dir, mtls=True)
    elif args.tls:
        from emulator.tls import server_context
        tls = server_context(args.state_dir)
    chosen = {}
    for item in args.variant:
        host, equals, name = item.partition('=')
        if not (equals and name):
            parser.error('--variant takes HOST=NAME, got %s' % item)
        chosen.setdefault(host, []).append(name)
    try:
        emulator = Emulator(topology, kinds, state_dir=args.state_dir, base_port=args.base_port, tls=tls,
                            variants=chosen, client_ca=client_ca)
    except (KeyError, ValueError) as exc:
        parser.error(str(exc).strip("'"))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        last = args.base_port + len(topology) - 1
        sys.stderr.write('emulator: a port of %d-%d is in use (another emulator still running?); stop it or pass '
                         '--base-port\n' % (args.base_port, last))
        return 2
    if args.seed_demo:
        for service in emulator.services.values():
            seed = getattr(service, 'demo_seed', None)
            if seed:
                with service.lock:
                    service.seed(seed())
                    service.save()
    emulator.start()
    hosts = emulator.hosts()
    with open(os.path.join(args.state_dir, 'hosts.json'), 'w') as handle:
        json.dump(hosts, handle, indent=1, sort_keys=True)
    with open(os.path.join(args.state_dir, 'vars.json'), 'w') as handle:
        json.dump({'emulator_urls': dict((n, h['url']) for n, h in hosts.items()),
                   'emulator_demo': DEMO,
                   'emulator_ca_path': os.path.abspath(os.path.join(args.state_dir, 'ca.pem')) if tls else None,
                   'emulator_client_ca_path': (os.path.abspath(os.path.join(args.state_dir, 'client-ca.pem'))
                                               if client_ca else None)},
                  handle, indent=1, sort_keys=True)
    print('state: %s (%s)' % (args.state_dir, 'kept' if args.keep_state else 'fresh'))
    for name, host in hosts.items():
        print('%-16s %-15s %s' % (name, host['kind'], host['url']))
        for label, user, secret in CREDENTIALS.get(host['kind'], []) if args.seed_demo else []:
            print('%-32s %s: %s / %s' % ('', label, DEMO[user], DEMO[secret]))
    for host, names in sorted(emulator.variants.items()):
        print('%-16s tenant variant %s' % (host, ', '.join(names)))
    print('control API (emulator-only): <any host URL>/_emulator/{hosts,stats,reset,seed,faults,variants}')
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    emulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
