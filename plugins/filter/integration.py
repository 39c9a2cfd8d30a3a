# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the shipped playbooks derive from the inventory, in one place (documented in integration_plan.yml and
integration_values.yml).

integration_plan turns a tenant's sapcloud_* variables (and the environment variables that stand in for them)
into every derived setting: the profile (built-in profiles merged with the inventory's), names, URLs, connections,
transports, hand-off paths, the inputs still missing and the texts of the summary. The playbooks compute it once
per tenant (roles/integration/tasks/main.yml) and read its keys. integration_values and integration_ips_system_id
add what only later tasks know.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml

try:
    from urllib.parse import urlsplit
except ImportError:  # Python 2: the controller never is, but sanity imports it there
    from urlparse import urlsplit

from ansible.errors import AnsibleFilterError

from ansible_collections.sapcloud.identity.plugins.filter.summary import close_steps
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.btp import ips_proxy_url, neo_app_token_url
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError

# Every input a step needs, checked before any request (playbooks/tasks/settings.yml): the variable, the environment
# variable that stands in for it (a module's fallback, or one the plan reads), and the step that needs it.
INPUTS = (
    ('sapcloud_s4_api_url', 'SAP_S4_API_URL', 's4'),
    # Not needed when the bootstrap user logs on with a client certificate (step s4_basic, see certificate_plan).
    ('sapcloud_s4_api_user', 'SAP_S4_API_USER', 's4_basic'),
    ('sapcloud_s4_api_password', 'SAP_S4_API_PASSWORD', 's4_basic'),
    ('sapcloud_neo_landscape_host', 'SAP_NEO_LANDSCAPE_HOST', 'neo'),
    ('sapcloud_neo_consumer_subaccount', 'SAP_NEO_SUBACCOUNT', 'neo'),
    ('sapcloud_neo_provider_subaccount', 'SAP_NEO_PROVIDER_SUBACCOUNT', 'neo'),
    ('sapcloud_neo_platform_client_id', 'SAP_NEO_PLATFORM_CLIENT_ID', 'neo'),
    ('sapcloud_neo_platform_client_secret', 'SAP_NEO_PLATFORM_CLIENT_SECRET', 'neo'),
    ('sapcloud_neo_oauth_client_id', 'SAP_IPS_CLIENT_ID', 'neo'),
    ('sapcloud_neo_oauth_client_secret', 'SAP_IPS_CLIENT_SECRET', 'neo'),
    ('sapcloud_ias_url', 'SAP_IAS_URL', 'sci'),
    ('sapcloud_ias_client_id', 'SAP_IPS_CLIENT_ID', 'sci'),
    ('sapcloud_ias_client_secret', 'SAP_IPS_CLIENT_SECRET', 'sci'),
    ('sapcloud_ips_admin_url', 'SAP_IPS_ADMIN_URL', 'ips_api'),
    ('sapcloud_ips_admin_user', 'SAP_IPS_ADMIN_USER', 'ips_api'),
    ('sapcloud_ips_admin_password', 'SAP_IPS_ADMIN_PASSWORD', 'ips_api'),
    ('sapcloud_idm_admin_url', 'SAP_IDM_ADMIN_URL', 'idm_api'),
    ('sapcloud_idm_admin_user', 'SAP_IDM_ADMIN_USER', 'idm_api'),
    ('sapcloud_idm_admin_password', 'SAP_IDM_ADMIN_PASSWORD', 'idm_api'),
)

# The choices among the settings, with their defaults, and where their allowed values are declared: the role
# option (role, option) the setting feeds, whose argument spec (roles/<role>/meta/argument_specs.yml) lists them,
# or here for a setting no role takes. The profile's choices are the profiles' names.
CHOICES = (
    ('sapcloud_profile', 'guide', None),
    ('sapcloud_infrastructure', 'neo', ('ips_proxy_system', 'ips_proxy_system_infrastructure')),
    ('sapcloud_ips_transport', 'file', ('ips_proxy_system', 'ips_proxy_system_transport')),
    ('sapcloud_idm_transport', 'file', ('idm_repository', 'idm_repository_transport')),
    ('sapcloud_idm_initial_load', 'once', ('idm_repository', 'idm_repository_initial_load')),
    ('sapcloud_preflight', 'first', ('first', 'always', 'never')),
    ('sapcloud_ips_s4_authentication', 'basic', ('basic', 'certificate')),
)
ROLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'roles')
_SPECS = {}


def role_choices(role, option):
    """The choices the role's argument spec declares for option (its main entry point)."""
    if role not in _SPECS:
        with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as handle:
            _SPECS[role] = yaml.safe_load(handle)['argument_specs']['main']['options']
    return tuple(_SPECS[role][option]['choices'])


def allowed_values(declared, profiles):
    if declared is None:
        return tuple(profiles)
    if len(declared) == 2 and declared[1].startswith(declared[0] + '_'):
        return role_choices(*declared)
    return declared


# Values a profile's proxy property may take from the settings: '{name}' in the profile data.
PLACEHOLDER = re.compile(r'^\{([a-z0-9_]+)\}$')


def text(value):
    """A property value as IPS keeps it: booleans lower-case, everything a string."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '' if value is None else str(value)


def truthy(value):
    return value is True or str(value).strip().lower() in ('1', 'true', 'yes', 'on', 'y')


def merge(base, override):
    """base with override merged in, dict by dict (an inventory's profile changes one key and keeps the rest)."""
    out = dict(base)
    for key, value in (override or {}).items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


class Inputs:
    """The sapcloud_* variables of one tenant, with the environment variables that stand in for some of them."""

    def __init__(self, variables, env):
        self.variables = variables or {}
        self.env = os.environ if env is None else env

    def get(self, name, default=None):
        value = self.variables.get(name)
        return default if value is None else value

    def given(self, name, env_name=None, default=None):
        """The variable when set and non-empty, else its environment variable when set and non-empty, else default."""
        value = self.variables.get(name)
        if value in (None, '') and env_name:
            value = self.env.get(env_name)
        return default if value in (None, '') else value


def non_empty(**values):
    """Only the values that are set: the modules fall back to their environment variables for the others."""
    return dict((k, v) for k, v in values.items() if v not in (None, '', [], {}))


def profiles_of(builtin, inventory):
    """The built-in profiles with the inventory's sapcloud_profiles merged in (new profiles added)."""
    out = dict((name, merge(profile, (inventory or {}).get(name))) for name, profile in (builtin or {}).items())
    out.update((name, profile) for name, profile in (inventory or {}).items() if name not in out)
    return out


def proxy_properties(profiles, name, inputs, values):
    """The profile's proxy properties with their placeholders filled in and the names the settings rename; the
    other profiles' property names (and the names a setting renamed) set to None, which removes them from a proxy
    system that had them."""
    def own(profile):
        renames = dict((prop, inputs.get(setting)) for prop, setting in (profile.get('renamed_by') or {}).items()
                       if inputs.get(setting))
        out = {}
        for prop, value in (profile.get('ips_properties') or {}).items():
            match = PLACEHOLDER.match(value) if isinstance(value, str) else None
            if match and match.group(1) not in values:
                raise AnsibleFilterError('profile %s: property %s names an unknown value %s (known: %s)'
                                         % (name, prop, value, ', '.join(sorted(values))))
            out[renames.get(prop, prop)] = text(values[match.group(1)] if match else value)
        return out
    removed = dict((prop, None) for other in profiles.values()
                   for prop in list(other.get('ips_properties') or {}) + list(own(other)))
    removed.update(own(profiles[name]))
    return removed


def neo_urls(inputs, consumer, provider, host):
    """(proxy URL, token URL) on Neo, from btp's one builder of each; empty while a part is missing (the settings
    check names it)."""
    params = {'landscape_host': host, 'subaccount': consumer, 'provider_subaccount': provider,
              'oauth_url': inputs.get('sapcloud_neo_oauth_url'), 'proxy_url': inputs.get('sapcloud_ips_proxy_url')}
    try:
        proxy = ips_proxy_url(params) if (consumer and provider) or params['proxy_url'] else ''
        token = neo_app_token_url(params) if consumer or params['oauth_url'] else ''
    except ValidationError as exc:
        if host or params['proxy_url'] or params['oauth_url']:
            raise AnsibleFilterError('Neo URL: %s' % exc)
        return '', ''
    return proxy, token


def problems(choices, profiles, missing, host, infrastructure, ips_transport, idm_transport):
    """What the settings check (playbooks/tasks/settings.yml) reports before any request: a wrong choice, then
    every input the chosen infrastructure and transports need, each with the environment variable that can stand
    in for it."""
    out = []
    for name, _default, declared in CHOICES:
        allowed = allowed_values(declared, profiles)
        if choices[name] not in allowed:
            out.append('%s must be one of: %s, got: %s.' % (name, ', '.join(allowed), choices[name]))
    if missing:
        out.append('Missing for %s (%s, IPS transport %s, IDM transport %s): %s. Set each variable in the inventory '
                   'or its environment variable (docs/runbook.md lists them); nothing was requested yet.'
                   % (host, infrastructure, ips_transport, idm_transport,
                      ', '.join('%s (or environment variable %s)' % (m['var'], m['env']) for m in missing)))
    return out


def certificate_plan(inputs, choices, tenant_output_dir, host, ips_system_name):
    """Certificate authentication (issue 19): how IPS logs on to S/4HANA Cloud, the file of the certificate IPS
    generated (a manual download), the bootstrap user's client certificate, and the problem that stops a run before
    any request while the IPS certificate file is missing."""
    auth = choices['sapcloud_ips_s4_authentication']
    certificate_file = inputs.get('sapcloud_ips_certificate_file', os.path.join(tenant_output_dir, 'ips-certificate.pem'))
    bootstrap = non_empty(api_client_cert=inputs.get('sapcloud_s4_api_client_cert'),
                          api_client_key=inputs.get('sapcloud_s4_api_client_key'),
                          api_client_key_passphrase=inputs.get('sapcloud_s4_api_client_key_passphrase'))
    problems = []
    if auth == 'certificate' and not os.path.isfile(certificate_file):
        problems.append(
            'Certificate authentication for %s: %s does not exist. Manual step (IPS has no API for it): in the '
            'Identity Provisioning admin console open Proxy Systems, %s (or any system of the tenant), tab '
            'Certificate, choose Generate, then Download, and save the PEM file as %s (or set '
            'sapcloud_ips_certificate_file to where it is). Then run again; nothing was requested or written yet.'
            % (host, certificate_file, ips_system_name, certificate_file))
    return dict(ips_s4_auth=auth, ips_certificate_file=certificate_file, s4_client_certificate=bootstrap,
                s4_by_certificate=bool(inputs.given('sapcloud_s4_api_client_cert', 'SAP_S4_API_CLIENT_CERT')),
                certificate_problems=problems)


def integration_plan(variables, tenant, builtin_profiles, env=None):
    """Every setting the playbooks derive from one tenant's sapcloud_* variables (see integration_plan.yml);
    tenant is the inventory host, the tenant's name unless sapcloud_tenant is set."""
    inventory_host = tenant
    inputs = Inputs(variables, env)
    choices = dict((name, inputs.get(name, default)) for name, default, _allowed in CHOICES)
    profiles = profiles_of(builtin_profiles, inputs.get('sapcloud_profiles'))
    profile_name = choices['sapcloud_profile']
    infrastructure = choices['sapcloud_infrastructure']
    ips_transport, idm_transport = choices['sapcloud_ips_transport'], choices['sapcloud_idm_transport']
    tenant = inputs.get('sapcloud_tenant', tenant)

    secrets_root = os.path.realpath(inputs.get('sapcloud_secrets_dir', 'secrets'))
    output_dir = os.path.realpath(inputs.get('sapcloud_output_dir', 'output'))
    s4_api_url = inputs.given('sapcloud_s4_api_url', 'SAP_S4_API_URL', '')
    s4_roles_url = inputs.get('sapcloud_s4_roles_url', re.sub(r'-api\.', '.', s4_api_url))
    host = inputs.given('sapcloud_neo_landscape_host', 'SAP_NEO_LANDSCAPE_HOST', '')
    consumer = inputs.given('sapcloud_neo_consumer_subaccount', 'SAP_NEO_SUBACCOUNT', '')
    provider = inputs.given('sapcloud_neo_provider_subaccount', 'SAP_NEO_PROVIDER_SUBACCOUNT', '')
    ias_url = inputs.given('sapcloud_ias_url', 'SAP_IAS_URL', '')
    if infrastructure == 'neo':
        proxy_url, token_url = neo_urls(inputs, consumer, provider, host)
        client_var, secret_var = 'sapcloud_neo_oauth_client_id', 'sapcloud_neo_oauth_client_secret'
    else:
        proxy_url, token_url = ias_url, (ias_url.rstrip('/') + '/oauth2/token') if ias_url else ''
        client_var, secret_var = 'sapcloud_ias_client_id', 'sapcloud_ias_client_secret'
    proxy_url = inputs.get('sapcloud_ips_proxy_url', proxy_url)
    token_url = inputs.get('sapcloud_ips_token_url', token_url)
    client_id = inputs.given(client_var, 'SAP_IPS_CLIENT_ID', '')

    profile = profiles.get(profile_name) or {}
    values = {'s4_roles_url': s4_roles_url, 'hr_switch': truthy(inputs.get('sapcloud_hr_switch', True)),
              'guide_client': inputs.get('sapcloud_guide_client', '100')}
    tenant_output_dir = os.path.join(output_dir, tenant)
    certificate = certificate_plan(inputs, choices, tenant_output_dir, inventory_host,
                                   inputs.get('sapcloud_ips_system_name', 'S4HANA Cloud ' + tenant))
    steps_run = ['s4', infrastructure] + (['ips_api'] if ips_transport == 'api' else []) + (
        ['idm_api'] if idm_transport == 'api' else []) + ([] if certificate['s4_by_certificate'] else ['s4_basic'])
    missing = [{'var': var, 'env': env_name} for var, env_name, step in INPUTS
               if step in steps_run and not inputs.given(var, env_name)]
    comm_user_base = inputs.get('sapcloud_comm_user_name', 'IDM_IPS_PROXY')
    comm_system_id = inputs.get('sapcloud_comm_system_id', 'IPS_PROXY')
    plan = dict(
        tenant=tenant, profile=profile_name, infrastructure=infrastructure, choices=choices,
        problems=problems(choices, profiles, missing, inventory_host, infrastructure, ips_transport, idm_transport)
        + certificate['certificate_problems'],
        profiles=profiles,
        scenarios=profile.get('scenarios') or [],
        all_scenarios=sorted(set(s['id'] for p in profiles.values() for s in p.get('scenarios') or [])),
        worker_check_api=profile.get('worker_check_api', 'none'),
        ips_properties=proxy_properties(profiles, profile_name, inputs, values) if profile else {},
        secrets_dir=os.path.join(secrets_root, tenant), output_dir=output_dir, tenant_output_dir=tenant_output_dir,
        s4_api_url=s4_api_url, s4_roles_url=s4_roles_url,
        s4=dict(non_empty(api_url=s4_api_url, api_user=inputs.get('sapcloud_s4_api_user'),
                          api_password=inputs.get('sapcloud_s4_api_password'),
                          sap_client=inputs.get('sapcloud_s4_sap_client')), **certificate['s4_client_certificate']),
        ips_s4_auth=certificate['ips_s4_auth'], ips_certificate_file=certificate['ips_certificate_file'],
        comm_user_base=comm_user_base, comm_system_id=comm_system_id,
        destination_name=inputs.get('sapcloud_destination_name', 'S4HC_' + tenant.upper()),
        ips_system_name=inputs.get('sapcloud_ips_system_name', 'S4HANA Cloud ' + tenant),
        idm_repository_name=inputs.get('sapcloud_idm_repository_name', 'S4HC_' + tenant.upper()),
        neo_provider=provider,
        neo=non_empty(landscape_host=host, subaccount=consumer, api_url=inputs.get('sapcloud_neo_api_url'),
                      configapi_url=inputs.get('sapcloud_neo_configapi_url'),
                      oauth_url=inputs.get('sapcloud_neo_oauth_url'),
                      platform_client_id=inputs.get('sapcloud_neo_platform_client_id'),
                      platform_client_secret=inputs.get('sapcloud_neo_platform_client_secret')),
        proxy_url=proxy_url, proxy_host=urlsplit(proxy_url or '').hostname or '', token_url=token_url,
        client_id=client_id, client_secret=inputs.given(secret_var, 'SAP_IPS_CLIENT_SECRET', ''),
        ips_transport=ips_transport, idm_transport=idm_transport,
        ips_admin=non_empty(ips_admin_url=inputs.get('sapcloud_ips_admin_url'),
                            ips_admin_user=inputs.get('sapcloud_ips_admin_user'),
                            ips_admin_password=inputs.get('sapcloud_ips_admin_password')),
        idm_admin=non_empty(idm_admin_url=inputs.get('sapcloud_idm_admin_url'),
                            idm_admin_user=inputs.get('sapcloud_idm_admin_user'),
                            idm_admin_password=inputs.get('sapcloud_idm_admin_password')),
        ips_file=os.path.join(tenant_output_dir, 'ips-proxy-system.json'),
        idm_file=os.path.join(tenant_output_dir, 'idm-repository.csv'),
        idm_initial_load=choices['sapcloud_idm_initial_load'], preflight_mode=choices['sapcloud_preflight'],
        inputs_missing=missing,
        settings={'connector profile': profile_name, 'IPS infrastructure': infrastructure,
                  'IPS transport': ips_transport, 'IDM transport': idm_transport, 'password files': secrets_root,
                  'IPS -> S/4HANA Cloud authentication': certificate['ips_s4_auth']},
        teardown_manual=teardown_steps(infrastructure, ips_transport, idm_transport, client_id,
                                       truthy(inputs.get('sapcloud_teardown_shared', False))),
        preflight_scenarios=[s['id'] for s in profile.get('scenarios') or []],
        preflight_alternatives=dict((name, [s['id'] for s in p.get('scenarios') or []])
                                    for name, p in profiles.items()),
    )
    return plan


def integration_manual(plan, registration_verified=False):
    """The manual objects of the landscape that no task creates, for the summary; registration_verified: the OAuth
    client step holds a token issued to IDM's client (btp_oauth_client_result.registration_verified)."""
    out = ['SAP_COM_0A48 bootstrap in every tenant (communication user, system, arrangement; Fiori apps, by hand): '
           'the user this run called S/4HANA Cloud with.']
    if plan['infrastructure'] == 'neo':
        out += ['Neo platform API client (cockpit, Security > OAuth > Platform API) with the Authorization '
                'Management and destination scopes.',
                'Neo OAuth client %s registered for %s/ipsproxy (cockpit, Security > OAuth > Clients; no API); %s'
                % (plan['client_id'], plan['neo_provider'],
                   'the run verified it: it holds a token issued to that client (requested now or cached earlier).'
                   if truthy(registration_verified) else 'not verified by this run.')]
    else:
        out.append('IAS administrator of type System with Access Proxy System API and its secret (admin console; '
                   'no API).')
    if plan.get('ips_s4_auth') == 'certificate':
        out.append('The certificate of IPS (Certificate tab, Generate, Download) in %s, uploaded to the communication '
                   'user by this run.' % plan['ips_certificate_file'])
    if plan['ips_transport'] == 'file':
        out.append('IPS proxy systems imported from files stay in the IPS console until deleted there.')
    if plan['idm_transport'] == 'file':
        out.append('IDM repositories imported from files stay in IDM until deleted in the admin UI.')
    return out


def teardown_steps(infrastructure, ips_transport, idm_transport, client_id, teardown_shared):
    """What a teardown leaves for the admin besides the landscape's manual prerequisites."""
    out = []
    if infrastructure == 'neo' and not teardown_shared:
        out.append('The role IPS_PROXY_USER of oauth_client_%s (shared by every tenant): run again with -e '
                   'sapcloud_teardown_shared=true when no tenant needs it any more.' % client_id)
    if ips_transport == 'file':
        out.append('The proxy systems imported into the IPS console: delete them there (only the import files were '
                   'removed).')
    if idm_transport == 'file':
        out.append('The repositories imported into IDM: delete them in the admin UI (only the CSV files were '
                   'removed).')
    return out


def integration_ips_system_id(plan, ips_result, given_id='', check_mode=False):
    """The proxy system's ID: from the api transport's result, else the one the admin gave after the IPS file
    import; in check mode a system that would be created has none yet, and a placeholder lets the IDM step report
    what it would do."""
    found = (ips_result or {}).get('system_id') or given_id or ''
    if not found and check_mode and plan['ips_transport'] == 'api':
        return '(new system)'
    return found


def integration_values(plan, results, ips_system_id='', user_name=''):
    """The values the admin needs next, per tenant (no secrets: the password is in its file, named here).
    results: the steps' results by name (s4_communication, ips_proxy_system, idm_repository, btp_oauth_client)."""
    s4, ips, idm, oauth = (results.get(name) or {} for name in (
        's4_communication', 'ips_proxy_system', 'idm_repository', 'btp_oauth_client'))
    user = s4.get('user_name') or user_name
    password_file = os.path.join(plan['secrets_dir'], user)
    by_certificate = plan.get('ips_s4_auth') == 'certificate'

    def with_id(name, ident):
        return '%s (%s)' % (name, ident) if ident else name
    return {
        'S/4HANA Cloud API URL': plan['s4_api_url'] or '',
        'communication user': with_id(user, s4.get('user_id')),
        # Named only when it is on disk (a stopped tenant or a check-mode run has not written it).
        'password file of the communication user': password_file if os.path.isfile(password_file)
        and not by_certificate else '',
        'certificate of the communication user': plan['ips_certificate_file'] if by_certificate else '',
        'communication system': with_id(plan['comm_system_id'], s4.get('system_uuid')),
        'Neo destination': plan['destination_name'] if plan['infrastructure'] == 'neo' else '',
        'IPS proxy system ID': ips_system_id if ips_system_id != '(new system)' else '',
        'proxy SCIM URL': ips.get('scim_url') or '',
        'IPS import file': ips.get('path', '') if plan['ips_transport'] == 'file' else '',
        'IDM repository': plan['idm_repository_name'],
        'IDM import file': idm.get('path', '') if plan['idm_transport'] == 'file' else '',
        'token URL (OAUTH_URL)': oauth.get('token_url') or plan['token_url'],
        'client ID (AUTH_USER)': oauth.get('client_id') or plan['client_id'],
    }


def integration_entries(plan, reports, ips_system_id='', given_system_id='', idm_imported=False, host=''):
    """What integrate.yml reports: the steps' entries (reports), the file hand-offs the run can see done closed, and
    an IDM entry waiting for the admin's IPS import when that import is what the IDM step waits for. IPS gave the
    import an ID, which the admin passed in (given_system_id) and the IDM step used; the IDM import and load only
    the admin can confirm (idm_imported)."""
    reports = list(reports or [])
    objects = set(entry.get('object') for entry in reports)
    closed = {}
    if given_system_id and 'SCIM repository (%s)' % plan['idm_transport'] in objects:
        closed['proxy system (file)'] = ('imported: sapcloud_ips_system_id is %s, the ID IPS gave the import, and '
                                         'the IDM step used it' % given_system_id)
    if truthy(idm_imported):
        closed['SCIM repository (file)'] = ('the admin confirmed the import and the initial load '
                                            '(sapcloud_idm_repository_imported: true)')
    hints = {'SCIM repository (file)': 'When done, set sapcloud_idm_repository_imported to true for %s: the run '
                                       'cannot see into IDM, so this closes the step in the summary.' % host}
    entries = close_steps(reports, closed, hints)
    if plan['ips_transport'] == 'file' and not ips_system_id and 'proxy system (file)' in objects:
        entries.append({
            'system': 'SAP Identity Management', 'object': 'SCIM repository (%s)' % plan['idm_transport'],
            'name': plan['idm_repository_name'], 'changed': False, 'actions': [], 'outcome': 'waiting',
            'next_step': 'After the IPS import, set sapcloud_ips_system_id for %s to the ID IPS gave the proxy '
                         'system and run again: the IDM repository needs it (SCIM_PATH).' % host})
    return entries


class FilterModule(object):
    def filters(self):
        return {'integration_plan': integration_plan, 'integration_values': integration_values,
                'integration_ips_system_id': integration_ips_system_id, 'integration_entries': integration_entries,
                'integration_manual': integration_manual}
