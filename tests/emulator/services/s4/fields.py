"""Field definitions of the three SAP_COM_0A48 services: what the emulated tenant validates writes with and what
its $metadata declares (emulator/odata.py builds both from here, so they cannot disagree).

Property names come from third-party code that copied them from SAP's EDMX (observed); types follow from the
values seen. MaxLength: LogicalSystemID 10 is observed (the LOGSYS domain); arrangement Name 80 is documented for
the BTP extensibility service; every other length is the emulator's own choice, large enough for any sensible
name. Which entity sets SAP declares concurrency-controlled is unconfirmed: ETag enforcement is a switch.
"""

import copy

STR, GUID, BOOL, INT, TIME = 'Edm.String', 'Edm.Guid', 'Edm.Boolean', 'Edm.Int32', 'Edm.DateTimeOffset'
BINARY = 'Edm.Binary'

CHANGED = {'ChangedAt': (TIME, None, ''), 'ChangedBy': (STR, 12, '')}

USER = {'fields': dict({
    'ID': (STR, 12, 'k'), 'Name': (STR, 40, 'c'), 'Type': (STR, 30, 'c'), 'Description': (STR, 80, 'cu'),
    'Password': (STR, 128, 'cuh'), 'IsLocked': (BOOL, None, ''), 'LockStatus': (STR, 30, 'u'),
    'PasswordStatus': (STR, 20, ''),
}, **CHANGED)}

_SYSTEM_STRINGS = (
    'Name', 'Type', 'Description', 'HostName', 'HostNameUI', 'BusinessSystemID', 'SAPClient', 'OwnerContactPersonName',
    'OwnerContactPersonPhone', 'OwnerContactPersonEMail', 'CipherSuites', 'OAuth2IdentityProviderName',
    'OAuth2IdentityProviderUserLogonType', 'OAuth2IdentityProviderCertificateSubject',
    'OAuth2IdentityProviderCertificateIssuer', 'OAuth2IdentityProviderPublicKeyBase64', 'OAuth2AuthorizationEndpoint',
    'OAuth2TokenEndpoint', 'OAuth2MTLSEndpoint', 'OAuth2Audience', 'OAuth2RedirectURI', 'RemoteSQLAdapterName',
    'RemoteSQLAdapterConfiguration', 'SAPCloudConnectorLocationID', 'RFCSAPSystemID', 'RFCSAPSystemNumber',
    'RFCLogonGroup', 'RFCMessageServerTargetHost', 'DestinationServiceName', 'SAMLBearerAssertionProviderName',
    'SAMLBearerAssertionProviderCertificateSubject', 'SAMLBearerAssertionProviderCertificateIssuer',
    'SAMLBearerAssertionProviderPublicKeyBase64', 'SAMLBearerAssertionProviderUserLogonType')
_SYSTEM_FLAGS = (
    'IsOwnSystem', 'IsCipherSuiteDefault', 'IsInboundOnly', 'IsHubSystem', 'IsOAuth2IdentityProviderActive',
    'IsRemoteSQLAccessActive', 'IsSAPCloudConnectorActive', 'IsRFCLoadBalancingActive', 'IsRFCFastSerializationActive',
    'IsDefaultDestinationServiceActive', 'IsSAMLBearerAssertionProviderActive')
SYSTEM = {
    'fields': dict(
        {'UUID': (GUID, None, 'k'), 'ID': (STR, 60, 'c'), 'TCPPort': (INT, None, 'cu'),
         'LogicalSystemID': (STR, 10, 'cu'), 'DestinationServiceUUID': (GUID, None, 'cu')},
        **dict((name, (STR, 255, 'cu')) for name in _SYSTEM_STRINGS),
        **dict((name, (BOOL, None, 'cu')) for name in _SYSTEM_FLAGS), **CHANGED),
    'navs': {'InboundUsers': ('InboundUser', True), 'OutboundUsers': ('OutboundUser', True)},
}
# IsCipherSuiteDefault: documented with the CipherSuites values, sent as boolean by third-party code (observed).
SYSTEM['fields']['IsCipherSuiteDefault'] = (BOOL, None, 'cu')

INBOUND = {'fields': dict({
    'UUID': (GUID, None, 'k'), 'CommunicationSystemUUID': (GUID, None, 'c'), 'CommunicationUserID': (STR, 12, 'cu'),
    'OAuth2ClientID': (STR, 60, 'cu'), 'OAuth2GrantType': (STR, 30, 'cu'), 'IsOAuth2RefreshTokenAllowed': (BOOL, None, 'cu'),
    'OAuth2RefreshTokenExpiryValue': (INT, None, 'cu'), 'OAuth2RefreshTokenExpiryUnit': (STR, 10, 'cu'),
    'AuthenticationMethod': (STR, 20, 'cu'),
}, **CHANGED)}
OUTBOUND = {'fields': dict({
    'UUID': (GUID, None, 'k'), 'CommunicationSystemUUID': (GUID, None, 'c'), 'Name': (STR, 40, 'cu'),
    'OAuth2ClientID': (STR, 60, 'cu'), 'OAuth2ClientAuthenticationMethod': (STR, 20, 'cu'),
    'CertificateID': (STR, 60, 'cu'), 'AuthenticationMethod': (STR, 20, 'cu'), 'Password': (STR, 128, 'cuh'),
}, **CHANGED)}

# A user's certificates. The read side is documented (keys UserID, SubjectHash, IssuerHash; Issuer, Subject); the
# property a certificate is written with is UNCONFIRMED, so each plausible shape is a tenant variant (s4.py):
# 'binary': Certificate, Edm.Binary (base64 of the DER bytes, as OData JSON writes binary values);
# 'pem': CertificateContent, Edm.String holding the PEM text.
CERTIFICATE_SHAPES = {'binary': ('Certificate', (BINARY, None, 'c')),
                      'pem': ('CertificateContent', (STR, 8000, 'c'))}
CERTIFICATE = {'fields': {
    'UserID': (STR, 12, 'kc'), 'SubjectHash': (STR, 40, 'k'), 'IssuerHash': (STR, 40, 'k'),
    'Subject': (STR, 255, ''), 'Issuer': (STR, 255, ''),
}}

ARRANGEMENT = {
    'fields': dict({
        'UUID': (GUID, None, 'k'), 'CommunicationScenarioID': (STR, 40, 'c'), 'CommunicationSystemID': (STR, 60, 'c'),
        'Name': (STR, 80, 'cu'), 'Description': (STR, 255, 'cu'), 'CreatedAt': (TIME, None, ''),
    }, **CHANGED),
    'navs': {'InboundUser': ('InboundUserBinding', False), 'OutboundUser': ('OutboundUserBinding', False),
             'InboundServices': ('InboundService', True), 'OutboundServices': ('OutboundService', True),
             'Properties': ('Property', True)},
}
INBOUND_BINDING = {'fields': {'CommunicationArrangementUUID': (GUID, None, 'k'),
                              'CommunicationSystemInboundUserUUID': (GUID, None, 'cu')}}
OUTBOUND_BINDING = {'fields': {'CommunicationArrangementUUID': (GUID, None, 'k'),
                               'CommunicationSystemOutboundUserUUID': (GUID, None, 'cu')}}
SERVICE_ITEM = {'fields': {'ID': (STR, 60, 'kc'), 'Status': (STR, 10, 'cu')}}
PROPERTY_ITEM = {'fields': {'Name': (STR, 60, 'kc'), 'Value': (STR, 255, 'cu')}}
# The scenarios the tenant offers, readable like a value help (emulator's assumption: whether the real service
# exposes such a set is unconfirmed; preflight reads one only when the tenant's $metadata declares it).
SCENARIO = {'fields': {'CommunicationScenarioID': (STR, 40, 'k'), 'Description': (STR, 255, '')}}


def services(certificate_shape='binary'):
    """A fresh copy of the three services, keyed by their short name (cu, cs, ca); every type its own copy
    (InboundService and OutboundService share one definition here, not on a tenant that changes one of them).
    certificate_shape: the tenant variant of the Certificates write property (CERTIFICATE_SHAPES)."""
    ns = 'com.sap.gateway.srvd_a2x.aps_com_%s_a4c_odata.v0001'
    certificate = copy.deepcopy(CERTIFICATE)
    field, definition = CERTIFICATE_SHAPES[certificate_shape]
    certificate['fields'][field] = definition
    out = copy.deepcopy({
        'cu': {'namespace': ns % 'cu', 'types': {'CommunicationUser': USER, 'Certificate': certificate},
               'sets': {'CommunicationUsers': 'CommunicationUser', 'Certificates': 'Certificate'}},
        'cs': {'namespace': ns % 'cs',
               'types': {'CommunicationSystem': SYSTEM, 'InboundUser': INBOUND, 'OutboundUser': OUTBOUND},
               'sets': {'CommunicationSystems': 'CommunicationSystem', 'InboundUsers': 'InboundUser',
                        'OutboundUsers': 'OutboundUser'}},
        'ca': {'namespace': ns % 'ca',
               'types': {'CommunicationArrangement': ARRANGEMENT, 'InboundUserBinding': INBOUND_BINDING,
                         'OutboundUserBinding': OUTBOUND_BINDING, 'InboundService': SERVICE_ITEM,
                         'OutboundService': SERVICE_ITEM, 'Property': PROPERTY_ITEM, 'CommunicationScenario': SCENARIO},
               'sets': {'CommunicationArrangements': 'CommunicationArrangement',
                        'CommunicationScenarios': 'CommunicationScenario'}},
    })
    for service in out.values():
        service['types'] = dict((name, copy.deepcopy(t)) for name, t in service['types'].items())
    return out


def changed_services(changes, certificate_shape='binary'):
    """The services with the emulator-only metadata changes applied.

    changes: {'rename': {'Type.Property': 'NewName'}, 'max_length': {'Type.Property': n}, 'drop': ['Type.Property'
    or 'Type.Navigation' or '<service>.<EntitySet>']}. A rename keeps the field's definition under its new name, so
    the tenant then also refuses the old name in writes; a dropped property is neither declared nor accepted.
    """
    out = services(certificate_shape)
    types = dict((name, t) for service in out.values() for name, t in service['types'].items())
    for path in changes.get('drop') or []:
        owner, name = path.split('.', 1)
        if owner in out:
            del out[owner]['sets'][name]
        else:
            target = types[owner]
            del (target['fields'] if name in target['fields'] else target['navs'])[name]
    for path, new in (changes.get('rename') or {}).items():
        type_name, prop = path.split('.', 1)
        fields = types[type_name]['fields']
        fields[new] = fields.pop(prop)
    for path, length in (changes.get('max_length') or {}).items():
        type_name, prop = path.split('.', 1)
        edm, flags = types[type_name]['fields'][prop][0], types[type_name]['fields'][prop][2]
        types[type_name]['fields'][prop] = (edm, int(length), flags)
    return out
