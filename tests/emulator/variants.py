"""Tenant variants: each one plausible answer a real system could give where docs/support-matrix.md marks a fact
unconfirmed or tenant-dependent (emulator-only; no SAP system has such a switch).

A variant is a named set of switches for one kind of host. The emulator applies variants per host (the
`--variant HOST=NAME` flag, or `POST /_emulator/variants {"host", "names"}`); a host's model asks
`self.switch(name)` where the variant changes its behaviour. Without a variant every switch is off and the host
behaves as the base emulator (tests/emulator/README.md).

Each entry: the kind of host it applies to, the fact it stands for, its switches, and for `make variants`
(tests/variants/run.py): `extra`, settings the landscape runs with (for a variant that only matters with them),
and `fix`, the settings that serve such a tenant (given by the runner after a stop that names one of them; a
variant without `fix` must complete as it is). Add a variant with one entry here and, for a new switch, the few
lines in the model that consult it.
"""

# The three services' optional item properties the modules send only when asked to (the integration never does).
ITEM_PROPERTIES = ['InboundService.Status', 'OutboundService.ID', 'OutboundService.Status', 'Property.Name',
                   'Property.Value']
ITEM_NAVIGATIONS = ['CommunicationArrangement.InboundServices', 'CommunicationArrangement.OutboundServices',
                    'CommunicationArrangement.Properties']
# The scenarios the base emulator offers, without SAP_COM_0066 (the guide profile's second scenario).
WITHOUT_0066 = ['SAP_COM_0A48', 'SAP_COM_0093', 'SAP_COM_0193', 'SAP_COM_0465', 'SAP_COM_0008']


def variant(kind, fact, switches, extra=None, fix=None):
    return {'kind': kind, 'fact': fact, 'switches': switches, 'extra': extra or {}, 'fix': fix or {}}


VARIANTS = {
    # ---- S/4HANA Cloud, SAP_COM_0A48 $metadata ----
    's4_no_item_properties': variant(
        's4', '$metadata declares the arrangement navigations but not the item properties of services and '
        'properties (InboundServices/Status, OutboundServices/ID,Status, Properties/Name,Value)',
        {'metadata_drop': ITEM_PROPERTIES}),
    's4_no_item_navigations': variant(
        's4', '$metadata declares no InboundServices, OutboundServices or Properties navigation on arrangements',
        {'metadata_drop': ITEM_NAVIGATIONS}),
    's4_no_max_length': variant(
        's4', '$metadata declares no MaxLength at all (the tenant still limits lengths on write)',
        {'metadata_no_max_length': True}),
    's4_short_user_name': variant(
        's4', 'CommunicationUser.Name is limited to 12 characters (shorter than IDM_IPS_PROXY_A)',
        {'max_length': {'CommunicationUser.Name': 12}}, fix={'sapcloud_comm_user_name': 'IDM_PROXY'}),
    's4_short_system_id': variant(
        's4', 'CommunicationSystem.ID is limited to 8 characters (shorter than IPS_PROXY)',
        {'max_length': {'CommunicationSystem.ID': 8}}, fix={'sapcloud_comm_system_id': 'IDMPROXY'}),
    's4_etag_required': variant(
        's4', 'every entity set is concurrency-controlled: PATCH and DELETE need If-Match (428 without)',
        {'etag_required': True}),
    's4_no_scenario_list': variant(
        's4', 'the arrangement service has no scenario value help (CommunicationScenarios not declared)',
        {'no_scenario_list': True}),
    's4_scenario_missing': variant(
        's4', 'SAP_COM_0066 (the guide profile) is not offered on the tenant',
        {'offered_scenarios': WITHOUT_0066}, fix={'sapcloud_profile': 'api_v1'}),
    # ---- S/4HANA Cloud, requests ----
    's4_sap_client_required': variant(
        's4', 'the API host needs the sap-client query parameter (HTTP 400 naming it without)',
        {'sap_client_required': '100'}, fix={'sapcloud_s4_sap_client': '100'}),
    's4_password_patch_refused': variant(
        's4', 'a communication user password cannot be changed by PATCH (HTTP 400)',
        {'password_patch_refused': True}),
    's4_delete_refused': variant(
        's4', 'DELETE of communication users, systems and arrangements is refused (HTTP 405)',
        {'delete_refused': True}),
    's4_0066_no_outbound_user': variant(
        's4', 'SAP_COM_0066 needs no outbound user (the base emulator requires one, CM_APS_CA/027)',
        {'outbound_user_required': []}),
    's4_0066_outbound_user_refused': variant(
        's4', 'SAP_COM_0066 refuses an outbound user (the guide\'s dummy user is not accepted)',
        {'outbound_user_required': [], 'outbound_user_refused': ['SAP_COM_0066']}),
    's4_deep_insert_accepted': variant(
        's4', 'a system created with InboundUsers inline is accepted (the base emulator refuses it, CM_APS_CS/026)',
        {'deep_insert_accepted': True}),
    's4_unbound_user_403': variant(
        's4', 'a user bound to no arrangement gets HTTP 403 instead of the 401 logon page',
        {'unbound_status': 403}),
    's4_logon_page_200': variant(
        's4', 'a failed logon (wrong password, locked or unbound user) answers HTTP 200 with an HTML logon page',
        {'logon_page_status': 200}),
    's4_csrf_every_write': variant(
        's4', 'the CSRF token expires after every write (the next write gets 403 x-csrf-token: Required)',
        {'csrf_expire_after_write': True}),
    's4_soap_scs_only': variant(
        's4', 'QueryBusinessUserIn and ManageBusinessUserIn are served only under /sap/bc/srt/scs/ (not scs_ext)',
        {'soap_endpoint': 'scs'}),
    # ---- S/4HANA Cloud, certificates (issue 19; services/s4/certificate_model.py) ----
    's4_certificate_pem': variant(
        's4', 'a certificate is written as PEM text in CertificateContent (Edm.String), not base64 of DER in '
        'Certificate (Edm.Binary)', {'certificate_shape': 'pem'}),
    's4_one_certificate': variant(
        's4', 'a communication user holds at most one certificate', {'max_certificates': 1}),
    's4_password_required': variant(
        's4', 'a communication user cannot be created without a password', {'password_required': True}),
    # ---- SAP BTP Neo ----
    'neo_destination_password': variant(
        'neo_configapi', 'the configuration service returns Password when a destination is read',
        {'return_password': True}),
    'neo_oauth_x509': variant(
        'neo_oauth', 'the app token endpoint (oauthasservices) accepts X.509 client authentication: a client '
        'registered with a certificate sends its client id in the form body and its certificate, no secret',
        {'x509_client_auth': True}),
    # ---- IPS proxy ----
    'ips_backend_502': variant(
        'ips', 'the proxy answers HTTP 502 (not 500) when the S/4HANA Cloud back end fails',
        {'backend_failure_status': 502}),
}


def get(name):
    if name not in VARIANTS:
        raise KeyError('unknown tenant variant %s (known: %s)' % (name, ', '.join(sorted(VARIANTS))))
    return VARIANTS[name]


def switches(names, kind):
    """The switches of the named variants for a host of this kind (later names win)."""
    out = {}
    for name in names:
        entry = get(name)
        if entry['kind'] != kind:
            raise ValueError('tenant variant %s is for %s hosts, not %s' % (name, entry['kind'], kind))
        out.update(entry['switches'])
    return out
