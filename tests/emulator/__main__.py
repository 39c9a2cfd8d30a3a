"""Run the emulator: `PYTHONPATH=tests python -m emulator [--tenants N] [--base-port P] [--state-dir D]`.

Prints one line per emulated host with its URL, writes <state-dir>/hosts.json ({name: {kind, url}}) and
<state-dir>/vars.json (extra vars for ansible-playbook: emulator_urls), and serves until interrupted.
"""

import argparse
import json
import os
import signal
import sys
import threading

from emulator.core import Emulator
from emulator.demo import DEMO
from emulator.services import available_kinds
from emulator.topology import default_topology


def main(argv=None):
    parser = argparse.ArgumentParser(prog='emulator', description=__doc__.splitlines()[0])
    parser.add_argument('--tenants', type=int, default=3, help='number of emulated S/4HANA Cloud tenants')
    parser.add_argument('--base-port', type=int, default=18000, help='first port; 0 picks free ports')
    parser.add_argument('--state-dir', default=os.path.join('.tmp', 'emulator'))
    parser.add_argument('--seed-demo', action='store_true', help='seed the manual prerequisites of the demo')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a throw-away CA (ca.pem in state-dir)')
    args = parser.parse_args(argv)

    kinds = available_kinds()
    topology = [h for h in default_topology(args.tenants) if h['kind'] in kinds]
    tls = None
    if args.tls:
        from emulator.tls import server_context
        tls = server_context(args.state_dir)
    emulator = Emulator(topology, kinds, state_dir=args.state_dir, base_port=args.base_port, tls=tls)
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
                   'emulator_ca_path': os.path.abspath(os.path.join(args.state_dir, 'ca.pem')) if tls else None},
                  handle, indent=1, sort_keys=True)
    for name, host in hosts.items():
        print('%-16s %-15s %s' % (name, host['kind'], host['url']))
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    emulator.stop()


if __name__ == '__main__':
    main()
