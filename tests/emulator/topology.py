"""The emulated landscape: which hosts run, under which names. One S/4HANA Cloud tenant per s4_tN host."""


def default_topology(tenants=3):
    hosts = [{'name': 's4_t%d' % i, 'kind': 's4'} for i in range(1, tenants + 1)]
    hosts += [
        {'name': 'neo_api', 'kind': 'neo_api'},              # api.<host>: platform tokens, authorization mgmt
        {'name': 'neo_configapi', 'kind': 'neo_configapi'},  # configapi.<host>: destinations
        {'name': 'neo_oauth', 'kind': 'neo_oauth'},          # oauthasservices-<consumer>.<host>: app tokens
        {'name': 'cf_uaa', 'kind': 'cf_uaa'},                # XSUAA token endpoint of a service key
        {'name': 'cf_destination', 'kind': 'cf_destination'},
        {'name': 'ips', 'kind': 'ips'},                      # IPS on Neo: systems and the proxy SCIM API
        {'name': 'ias', 'kind': 'ias'},                      # IPS on SAP Cloud Identity Services
        {'name': 'idm', 'kind': 'idm'},
    ]
    return hosts
