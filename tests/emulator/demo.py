"""Credentials and names of the emulated landscape's manual prerequisites (demo and tests only).

These stand for what an admin creates by hand on a real landscape (the SAP_COM_0A48 bootstrap user, the Neo
platform API client, the Neo OAuth client registration, the IAS administrator, ...). They exist only inside the
emulator and are published to playbooks through <state-dir>/vars.json as `emulator_demo`.
"""

DEMO = {
    # S/4HANA Cloud: the communication user of the hand-made SAP_COM_0A48 arrangement, on every tenant.
    's4_admin_user': 'COMM_0A48_ADMIN',
    's4_admin_password': 'Emulator-0A48-Bootstrap-Pass1!',
    # SAP BTP Neo: landscape host, subaccounts, the platform API client, the OAuth client registered for ipsproxy.
    'neo_host': 'hana.ondemand.com',
    'neo_provider_subaccount': 'ipsprovider',
    'neo_consumer_subaccount': 'idmconsumer',
    'neo_platform_client_id': 'platform-api-client',
    'neo_platform_client_secret': 'Emulator-Platform-Secret-1',
    'neo_oauth_client_id': 'idm-ipsproxy-client',
    'neo_oauth_client_secret': 'Emulator-OAuth-Client-Secret-1',
    # SAP BTP Cloud Foundry: the destination service key (URLs are added from the running emulator).
    'cf_client_id': 'sb-destination-emulator!b1',
    'cf_client_secret': 'Emulator-CF-Client-Secret-1',
    'cf_subaccount_id': '5d6f2a3e-7c41-4a8e-9d0b-1f2e3c4d5a6b',
    # SAP Cloud Identity Services: the IAS administrator of type System with "Access Proxy System API".
    'ias_client_id': 'idm-proxy-system-admin',
    'ias_client_secret': 'Emulator-IAS-Admin-Secret-1',
    # IPS and IDM administration through the collection's own REST contract (emulator only).
    'ips_admin_user': 'ips-admin',
    'ips_admin_password': 'Emulator-IPS-Admin-Pass-1',
    'idm_admin_user': 'idm-admin',
    'idm_admin_password': 'Emulator-IDM-Admin-Pass-1',
}

# Which demo credentials each kind of host takes, for people starting `make emulator` (label, user, secret).
CREDENTIALS = {
    's4': [('SAP_COM_0A48 user', 's4_admin_user', 's4_admin_password')],
    'neo_api': [('platform API client', 'neo_platform_client_id', 'neo_platform_client_secret')],
    'neo_configapi': [('platform API client (token from neo_api)', 'neo_platform_client_id', 'neo_platform_client_secret')],
    'neo_oauth': [('OAuth client of IDM', 'neo_oauth_client_id', 'neo_oauth_client_secret')],
    'cf_uaa': [('destination service key client', 'cf_client_id', 'cf_client_secret')],
    'cf_destination': [('destination service key client (token from cf_uaa)', 'cf_client_id', 'cf_client_secret')],
    'ips': [('IPS admin (emulator-only contract)', 'ips_admin_user', 'ips_admin_password')],
    'ias': [('IAS administrator of type System', 'ias_client_id', 'ias_client_secret'),
            ('IPS admin (emulator-only contract)', 'ips_admin_user', 'ips_admin_password')],
    'idm': [('IDM admin (emulator-only contract)', 'idm_admin_user', 'idm_admin_password')],
}
