"""Shared pieces of the SAP BTP integration tests: connection options and request counts from the emulator."""

from emulator.demo import DEMO

NEO_TOKEN = 'POST /oauth2/apitoken/v1'
NEO_APP_TOKEN = 'POST /oauth2/api/v1/token'
CF_TOKEN = 'POST /oauth/token'
TOKEN_PATHS = (NEO_TOKEN, NEO_APP_TOKEN, CF_TOKEN)
BTP_HOSTS = ('neo_api', 'neo_configapi', 'neo_oauth', 'cf_uaa', 'cf_destination')


def neo_connection(emulator):
    return {'api_url': emulator.url('neo_api'), 'configapi_url': emulator.url('neo_configapi'),
            'subaccount': DEMO['neo_consumer_subaccount'],
            'platform_client_id': DEMO['neo_platform_client_id'],
            'platform_client_secret': DEMO['neo_platform_client_secret']}


def cf_service_key(emulator, nested=False):
    uaa = {'url': emulator.url('cf_uaa'), 'clientid': DEMO['cf_client_id'], 'clientsecret': DEMO['cf_client_secret'],
           'identityzone': 'emulator', 'tenantmode': 'dedicated'}
    if nested:
        return {'uri': emulator.url('cf_destination'), 'uaa': uaa}
    return dict(uaa, uri=emulator.url('cf_destination'))


def writes(emulator, host):
    """Non-GET requests to host except token requests (those change nothing on the server)."""
    paths = emulator.stats()['hosts'].get(host, {}).get('paths', {})
    return sum(n for key, n in paths.items() if not key.startswith('GET ') and key not in TOKEN_PATHS)


def btp_requests(emulator):
    hosts = emulator.stats()['hosts']
    return sum(hosts.get(h, {}).get('requests', 0) for h in BTP_HOSTS)
