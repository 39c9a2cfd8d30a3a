"""The tenants of a benchmark run: an inventory file with hosts s4_t1..s4_t<n> in group s4_tenants (added to
playbooks/inventory/emulator, which holds their variables), and the --limit that runs exactly these.

    python tests/benchmark/hosts.py 10 /tmp/hosts.yml    # writes the file, prints s4_t1,...,s4_t10
"""

import sys


def tenants(count):
    return ['s4_t%d' % index for index in range(1, count + 1)]


def write_hosts(path, count):
    """Write the inventory of count tenants to path; return the --limit value for them."""
    names = tenants(count)
    with open(path, 'w') as handle:
        handle.write('s4_tenants:\n  hosts:\n' + ''.join('    %s:\n' % name for name in names))
    return ','.join(names)


if __name__ == '__main__':
    print(write_hosts(sys.argv[2], int(sys.argv[1])))
