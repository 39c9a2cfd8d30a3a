#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scp_destination
short_description: Manage SAP BTP destinations (Neo and Cloud Foundry)
version_added: 0.1.0
description:
  - Creates, updates and deletes a destination on SAP BTP, in the Neo environment or in the Cloud Foundry
    Destination service, and compares every property with the server's copy so a second run changes nothing.
  - >-
    B(Cloud Foundry) uses the Destination service REST API as SAP documents it (OpenAPI C(SAP_CP_CF_Connectivity_Destination)):
    GET C(/destination-configuration/v1/subaccountDestinations/<name>) (or C(instanceDestinations)), POST to create
    (a C(409 Duplicate key), for example from a parallel run, is answered by overwriting the destination with a
    PUT, so a create is an upsert as on Neo), PUT to overwrite, DELETE. The GET returns the password in clear, so a changed password is detected; it is
    removed from every return value, diff and message.
  - >-
    B(Neo) uses the configuration service C(https://configapi.<host>/configuration/api/rest). This API is
    B(observed in SAP code) (SAP's archived Neo API client and SAP's Neo migration samples), B(not described in
    SAP's help documentation): a destination is uploaded as a Java C(.properties) document in a
    C(multipart/form-data) part named after it (create and overwrite alike), read back as C(.properties), listed by
    name and deleted. Whether its GET returns the password is B(unconfirmed); when it does not, the password is
    write-only and I(update_password) decides whether it is sent.
  - Check mode makes no write request. With C(--diff) the before and after states are shown with secrets masked.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.common, sapcloud.identity.btp_neo, sapcloud.identity.btp_cf,
  sapcloud.identity.btp_destination, sapcloud.identity.attributes, sapcloud.identity.attributes.group_btp]
options:
  name:
    description:
      - Name of the destination, unique per level. Only letters, digits, C(_) and C(-), at most 200 characters.
      - Checked before any request.
    type: str
    required: true
  state:
    description:
      - C(present) creates or updates the destination, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - Destination type (property C(Type)).
    type: str
    choices: [HTTP, RFC, MAIL, LDAP]
    default: HTTP
  url:
    description:
      - Target URL (property C(URL)). Required for I(type=HTTP) with I(state=present), and then an C(http://) or
        C(https://) URL with a host name.
    type: str
  proxy_type:
    description:
      - Property C(ProxyType).
    type: str
    choices: [Internet, OnPremise, PrivateLink]
    default: Internet
  authentication:
    description:
      - Property C(Authentication), for example C(NoAuthentication), C(BasicAuthentication),
        C(OAuth2ClientCredentials) or C(ClientCertificateAuthentication). Values other than the first two are passed
        through as given; put what they need into I(properties) and I(secret_properties).
      - The known values, those SAP's destination documentation lists, are C(NoAuthentication),
        C(BasicAuthentication), C(ClientCertificateAuthentication), C(PrincipalPropagation), C(AppToAppSSO),
        C(SAPAssertionSSO), C(SAMLAssertion), C(OAuth2ClientCredentials), C(OAuth2Password), C(OAuth2SAMLBearerAssertion),
        C(OAuth2UserTokenExchange), C(OAuth2JWTBearer), C(OAuth2TokenExchange), C(OAuth2RefreshToken),
        C(OAuth2AuthorizationCode) and C(OAuth2TechnicalUserPropagation). Another value fails before any request
        unless I(allow_unknown_authentication=true).
      - When not given, C(NoAuthentication) for I(type=HTTP) and nothing for other types.
      - C(NoAuthentication) removes C(User) and C(Password) from the destination.
    type: str
  allow_unknown_authentication:
    description:
      - Accept an I(authentication) value that is not one of the known values (for example one SAP added later),
        with a warning instead of a failure.
    type: bool
    default: false
  user:
    description:
      - Property C(User). Required with I(authentication=BasicAuthentication).
    type: str
  password:
    description:
      - Property C(Password). Required with I(authentication=BasicAuthentication).
      - Never returned, logged or shown in a diff.
    type: str
  update_password:
    description:
      - When a password that cannot be read back (Neo configuration service without password read-back) is sent.
      - C(on_create) sends it when the destination is created, and with any update made for another property (a
        Neo upload replaces the whole destination, so it is never left out).
      - C(always) sends it on every run, which therefore always reports a change.
      - On Cloud Foundry the password is read back and compared, so this option makes no difference there.
    type: str
    choices: [always, on_create]
    default: on_create
  description:
    description:
      - Property C(Description).
    type: str
  properties:
    description:
      - Additional properties, for example C(sap-client), C(CloudConnectorLocationId), C(Preemptive) or
        C(HTML5.DynamicDestination). Values are sent as strings (C(true)/C(false) for booleans).
      - >-
        When given, the destination holds exactly these additional properties (and those of I(secret_properties)):
        others are removed. When not given, additional properties on the server are left alone.
      - Not for the properties that have their own option.
    type: dict
  secret_properties:
    description:
      - >-
        Additional properties that hold secrets, for example C(clientSecret) or C(tokenServicePassword). They are
        treated like I(password): masked in diffs, never returned, write-only where they cannot be read back.
    type: dict
notes:
  - The destination editor's name rules apply (letters, digits, C(_), C(-), at most 200 characters).
  - The Neo configuration service needs a platform API client with the destination scopes (SAP's code names them
    C(readDestination) and C(manageDestination)); its exact scope strings are not documented.
  - On Neo, an update without I(password) removes the password when the service does not return it. The module
    warns when that would happen.
seealso:
  - module: sapcloud.identity.scp_destination_info
'''

EXAMPLES = r'''
- name: HTTP destination to the S/4HANA Cloud API host (Neo, as the IPS proxy needs it)
  sapcloud.identity.scp_destination:
    platform: neo
    landscape_host: hana.ondemand.com
    subaccount: idmconsumer
    platform_client_id: "{{ neo_platform_client_id }}"
    platform_client_secret: "{{ neo_platform_client_secret }}"
    name: S4HC_MY123456
    url: https://my123456-api.s4hana.ondemand.com
    authentication: BasicAuthentication
    user: "{{ comm_user_name }}"
    password: "{{ comm_user_password }}"
    description: S/4HANA Cloud communication user for IPS
    properties:
      Preemptive: true

- name: The same destination in the Cloud Foundry Destination service
  sapcloud.identity.scp_destination:
    platform: cf
    service_key: "{{ lookup('file', 'destination-key.json') }}"
    name: S4HC_MY123456
    url: https://my123456-api.s4hana.ondemand.com
    authentication: BasicAuthentication
    user: "{{ comm_user_name }}"
    password: "{{ comm_user_password }}"

- name: Remove an instance-level destination
  sapcloud.identity.scp_destination:
    platform: cf
    service_key: "{{ destination_service_key }}"
    level: instance
    name: OLD_DESTINATION
    state: absent
'''

RETURN = r'''
destination:
  description:
    - The destination as it now is, without C(Password) and other secret properties. Absent after a delete.
  returned: state is present
  type: dict
  sample: {"Name": "S4HC_MY123456", "Type": "HTTP", "URL": "https://my123456-api.s4hana.ondemand.com",
           "ProxyType": "Internet", "Authentication": "BasicAuthentication", "User": "COMM_USER"}
changed_properties:
  description:
    - Names of the properties that were (or in check mode would be) created, changed or removed. Secret
      properties are named, their values never shown.
  returned: always
  type: list
  elements: str
  sample: [Description, Password]
actions:
  description: What was done (C(create), C(update), C(delete)).
  returned: always
  type: list
  elements: str
platform:
  description: The platform, as given.
  returned: always
  type: str
level:
  description: The level, as given.
  returned: always
  type: str
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.btp import (
    cf_argument_spec, check_authentication, check_destination_name, check_destination_scope, check_http_url,
    destination_client, destination_scope_argument_spec, neo_argument_spec, public, secret_keys)
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run

# Options that map to one destination property each.
OPTION_PROPERTIES = (('name', 'Name'), ('type', 'Type'), ('url', 'URL'), ('proxy_type', 'ProxyType'),
                     ('authentication', 'Authentication'), ('user', 'User'), ('password', 'Password'),
                     ('description', 'Description'))
STANDARD = set(prop for option, prop in OPTION_PROPERTIES)


def argument_spec():
    spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        type=dict(type='str', default='HTTP', choices=['HTTP', 'RFC', 'MAIL', 'LDAP']),
        url=dict(type='str'),
        proxy_type=dict(type='str', default='Internet', choices=['Internet', 'OnPremise', 'PrivateLink']),
        authentication=dict(type='str'),
        allow_unknown_authentication=dict(type='bool', default=False),
        user=dict(type='str'),
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
        description=dict(type='str'),
        properties=dict(type='dict'),
        secret_properties=dict(type='dict', no_log=True),
    )
    spec.update(destination_scope_argument_spec())
    spec.update(neo_argument_spec())
    spec.update(cf_argument_spec())
    return spec


def as_text(value, option, key):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if value is None or isinstance(value, (dict, list)):
        raise ValidationError('%s.%s must be a string, number or boolean' % (option, key))
    return str(value)


def extra_properties(params, option):
    values = params.get(option)
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if key in STANDARD:
            option_name = [o for o, p in OPTION_PROPERTIES if p == key][0]
            raise ValidationError('%s must not hold %s: use the option %s' % (option, key, option_name))
        if not key or any(c.isspace() for c in key):
            raise ValidationError('%s keys must be non-empty property names without blanks, got %r' % (option, key))
        out[key] = as_text(value, option, key)
    return out


def desired_destination(params):
    """The properties the user asks for (None: not given), validated before any request."""
    check_destination_name(params['name'])
    props = extra_properties(params, 'properties')
    secret_props = extra_properties(params, 'secret_properties')
    if props and secret_props and set(props) & set(secret_props):
        raise ValidationError('properties and secret_properties both name %s' % ', '.join(sorted(set(props) & set(secret_props))))
    desired = dict((prop, params[option]) for option, prop in OPTION_PROPERTIES)
    if desired['Authentication'] is None and desired['Type'] == 'HTTP':
        desired['Authentication'] = 'NoAuthentication'
    if params['state'] == 'present':
        if desired['Type'] == 'HTTP':
            check_http_url(desired['URL'])
        if desired['Authentication'] == 'BasicAuthentication':
            for option in ('user', 'password'):
                if not params[option]:
                    raise ValidationError('%s is required with authentication BasicAuthentication' % option)
        if desired['Authentication'] == 'NoAuthentication' and (params['user'] or params['password']):
            raise ValidationError('user and password need an authentication that uses them, not NoAuthentication')
    return desired, props, secret_props


def target_destination(current, desired, props, secret_props):
    """The whole destination as it should be on the server: current values for what is not specified."""
    target = dict(current or {})
    extras = dict(props or {}, **(secret_props or {}))
    if props is not None or secret_props is not None:
        for key in list(target):
            if key not in STANDARD and key not in extras:
                del target[key]
    target.update((k, v) for k, v in desired.items() if v is not None)
    target.update(extras)
    if target.get('Authentication') == 'NoAuthentication':
        target.pop('User', None)
        target.pop('Password', None)
    return target


def main():
    module = new_module(argument_spec(), supports_check_mode=True)
    run(module, ensure_destination)


def ensure_destination(module):
    params = module.params
    check_destination_scope(params)
    desired, props, secret_props = desired_destination(params)
    check_authentication(desired['Authentication'], params['allow_unknown_authentication'], module.warn)
    given_secrets = [params['password']] + list((secret_props or {}).values())
    client = destination_client(params, secrets=given_secrets)
    current = client.get(params['name'])
    secrets = secret_keys(current, desired) | set(secret_props or {})
    ensure = Ensure(module, secret_fields=secrets)
    scope = dict(platform=params['platform'], level=params['level'])

    if params['state'] == 'absent':
        changed = sorted(current) if ensure.absent(current, lambda cur: client.delete(cur['Name'])) else []
        return ensure.result(changed_properties=changed, **scope)

    def unreadable(current):
        """Secrets the server does not return cannot be compared (Neo without password read-back)."""
        return set(k for k in secrets if params['platform'] == 'neo' and current is not None and k not in current)

    target = target_destination(current, desired, props, secret_props)
    write_only = unreadable(current)
    _dest, changed = ensure.replace(current, target, client.update, write_only, params['update_password'],
                                    create=client.create)
    if changed and 'Password' in write_only and 'Password' not in target and target.get('User'):
        module.warn('%s is uploaded without a password: the configuration service replaces the whole '
                    'destination, so a password it holds is removed' % params['name'])
    return ensure.result(destination=public(target, secrets), changed_properties=changed, **scope)


if __name__ == '__main__':
    main()
