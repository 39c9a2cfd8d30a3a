#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: idm_repository
short_description: Define the SAP Identity Management SCIM repository of an IPS proxy system and load it
version_added: 0.1.0
description:
  - Ensures a SCIM repository in SAP Identity Management (IDM) 8.0 that reads and writes an SAP S/4HANA Cloud tenant
    through an SAP Identity Provisioning (IPS) proxy system. It can also run the repository's initial load.
  - B(IDM has no API for repositories, constants or jobs.) Its REST interface serves the identity store only. This
    module therefore has two transports, and neither talks to an SAP API.
  - O(transport=file) writes the CSV that the IDM admin UI imports as a SCIM repository. This is the file IPS
    exports for a proxy system, with every constant filled, O(auth_user) and O(auth_password) included. The column
    layout follows a third-party imitation of the IPS export. The exact file that IPS writes is B(UNCONFIRMED). It is
    also B(UNCONFIRMED) whether the IDM import accepts clear text for encrypted constants; C(docs/ips-idm-contract.md)
    says how to check and gives the fallback (O(include_secrets=false)). The initial load is then a manual C(Run now),
    returned as RV(next_step).
  - O(transport=api) uses the collection's own REST contract (C(docs/ips-idm-contract.md)). The module starts the
    initial load, polls it until it ends and reports it. SAP does not offer this API; today only the collection's
    emulator implements it.
  - Constants are built in this order, each step overriding the one before. First the connector defaults
    (C(SCIM_PROTOCOL=https), C(SCIM_PORT=443), C(AUTH_TYPE=oauth), C(SCIM_ASSIGNMENT_METHOD=PATCH), timeouts
    C(60000)). Then the source, O(source_csv) or O(proxy_system). Then O(constants). Last the options named after
    single constants.
options:
  name:
    description:
      - Repository name, unique in IDM. It identifies the repository. The system privilege is C(PRIV:SYSTEM:<name>).
      - It may not begin with C(=), C(+), C(-), C(@) or a tab (a spreadsheet would run the CSV cell as a formula),
        nor hold double quotes or line breaks.
    type: str
    required: true
  description:
    description:
      - Description of the repository. Taken from O(source_csv) when not given; not compared when neither gives it.
      - In the CSV, a description (or constant value) that begins with C(=), C(+), C(-), C(@) or a tab gets a single
        quote in front, so a spreadsheet shows it as text; reading the file back takes it off. Encrypted constants
        are written as given.
    type: str
  repository_type:
    description:
      - Qualified name of the repository type (C(TypeQN) in the CSV).
    type: str
    default: com.sap.idm.connector.scim:reptype.SCIM
  disabled:
    description:
      - Whether the repository is disabled.
    type: bool
    default: false
  source_csv:
    description:
      - The CSV that IPS exports for the proxy system (C(Export > CSV format)). It is phase two of the file
        hand-off of M(sapcloud.identity.ips_proxy_system). Its constants are the source; its C(Description) is the
        default of O(description).
      - Mutually exclusive with O(proxy_system).
    type: path
  proxy_system:
    description:
      - Build the connection constants from the proxy system instead of a CSV. This sets C(SCIM_PROTOCOL),
        C(SCIM_HOST), C(SCIM_PORT) and C(SCIM_PATH) from the documented proxy URL pattern, and C(AUTH_TYPE=oauth)
        with C(OAUTH_URL) set to the token URL.
      - Mutually exclusive with O(source_csv).
    type: dict
    suboptions:
      system_id:
        description: ID of the proxy system in IPS.
        type: str
        required: true
      infrastructure:
        description: Where the IPS tenant runs (see M(sapcloud.identity.ips_proxy_system)).
        type: str
        choices: [neo, sci]
        default: neo
      proxy_url:
        description: Base URL of the proxy host, for example C(https://ipsproxyabcd1234-idmconsumer.hana.ondemand.com).
        type: str
        required: true
      token_url:
        description:
          - Token URL. Required for V(neo) (C(https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token)); defaults
            to C(<proxy_url>/oauth2/token) for V(sci).
        type: str
  scim_protocol:
    description: Constant C(SCIM_PROTOCOL).
    type: str
    choices: [http, https]
  scim_host:
    description: Constant C(SCIM_HOST), the host of the IPS proxy.
    type: str
  scim_port:
    description: Constant C(SCIM_PORT).
    type: int
  scim_path:
    description: Constant C(SCIM_PATH), for example C(/ipsproxy/api/v1/scim/<system id>).
    type: str
  auth_type:
    description: Constant C(AUTH_TYPE).
    type: str
    choices: [basic, oauth]
  oauth_url:
    description: Constant C(OAUTH_URL), the token URL (required with C(AUTH_TYPE=oauth)).
    type: str
  auth_user:
    description:
      - Constant C(AUTH_USER), the client ID of the Neo OAuth client (neo) or of the IAS administrator of type System
        (sci). The IPS export leaves it empty.
      - If not set, the value of the E(SAP_IPS_CLIENT_ID) environment variable is used. It is the same client, and
        the same variable, as C(client_id) of M(sapcloud.identity.ips_proxy_check).
    type: str
  auth_password:
    description:
      - Constant C(AUTH_PASSWORD), the secret of O(auth_user). Encrypted in IDM and write-only.
      - Required with O(state=present), except with O(transport=file) and O(include_secrets=false).
      - If not set, the value of the E(SAP_IPS_CLIENT_SECRET) environment variable is used.
    type: str
  proxy_host:
    description: Constant C(PROXY_HOST), the outbound HTTP proxy of the IDM dispatcher (not an IPS value).
    type: str
  proxy_port:
    description: Constant C(PROXY_PORT).
    type: int
  proxy_user:
    description: Constant C(PROXY_USER).
    type: str
  proxy_password:
    description: Constant C(PROXY_PASSWORD). Encrypted in IDM and write-only.
    type: str
  truststore:
    description: Constant C(TRUSTSTORE), the Java truststore file with the proxy's server certificate.
    type: str
  truststore_password:
    description: Constant C(TRUSTSTORE_PASSWORD). Encrypted in IDM and write-only.
    type: str
  scim_assignment_method:
    description:
      - Constant C(SCIM_ASSIGNMENT_METHOD). The IPS documentation requires V(PATCH) for the S/4HANA Cloud proxy.
    type: str
    choices: [PATCH, PUT]
    default: PATCH
  constants:
    description:
      - Any other constants, by name (for example C(READ_TIMEOUT), C(SCIM_MODIFY_METHOD)). Values are kept as text.
      - "A name is a column of the CSV header: letters, digits and C(_) only."
      - Not for the constants that have an option of their own, and never for encrypted ones.
      - Constants on the repository that are not listed are kept.
    type: dict
  update_password:
    description:
      - V(on_create) sends the encrypted constants when the repository is created or when it shows them unset.
        V(always) sends them on every run, which then always reports a change (O(transport=api)).
    type: str
    choices: [always, on_create]
    default: on_create
  include_secrets:
    description:
      - With O(transport=file), whether the encrypted constants are written to the CSV in clear text. Set V(false)
        if the IDM import does not take them. The admin then enters them in the IDM UI.
    type: bool
    default: true
  initial_load:
    description:
      - V(once) loads the repository unless a load has ever succeeded. V(always) loads it on every run. V(never)
        does not load it.
      - With O(transport=file) the load is a manual C(Run now) in the IDM UI, returned as RV(next_step).
    type: str
    choices: [once, always, never]
    default: once
  initial_load_timeout:
    description:
      - Seconds to wait for the initial load to end (O(transport=api)). A load that is still running then fails
        the task.
      - V(0) starts the load and returns at once with RV(initial_load.status) V(running). A later run with
        O(initial_load=once) waits for that load instead of starting another. Use it with C(until) to poll.
    type: int
    default: 900
  dest:
    description:
      - CSV file to write with O(transport=file). It gets mode C(0600) because it holds secrets, and it is
        rewritten only when its content would change. It is written to a temporary file in the same directory and
        renamed.
    type: path
extends_documentation_fragment: [sapcloud.identity.hand_off, sapcloud.identity.idm, sapcloud.identity.common,
  sapcloud.identity.attributes, sapcloud.identity.attributes.group_idm]
notes:
  - Encrypted constants are masked in the diff and never returned.
seealso:
  - module: sapcloud.identity.ips_proxy_system
  - module: sapcloud.identity.ips_proxy_check
author: sapcloud.identity contributors (@sapcloud)
'''

EXAMPLES = r'''
- name: CSV for the IDM admin UI, from the CSV that IPS exported
  sapcloud.identity.idm_repository:
    name: S4HC_PROXY
    source_csv: "{{ playbook_dir }}/in/S4HC proxy.csv"
    auth_user: "{{ neo_oauth_client_id }}"
    auth_password: "{{ neo_oauth_client_secret }}"
    transport: file
    dest: "{{ playbook_dir }}/out/idm-S4HC_PROXY.csv"

- name: Repository built from the proxy system, loaded through the collection's REST contract (emulator)
  sapcloud.identity.idm_repository:
    name: S4HC_PROXY
    proxy_system:
      system_id: "{{ proxy.system_id }}"
      infrastructure: neo
      proxy_url: "{{ emulator_urls.ips }}"
      token_url: "{{ emulator_urls.neo_oauth }}/oauth2/api/v1/token"
    auth_user: "{{ emulator_demo.neo_oauth_client_id }}"
    auth_password: "{{ emulator_demo.neo_oauth_client_secret }}"
    initial_load: once
    transport: api
    idm_admin_url: "{{ emulator_urls.idm }}"
    idm_admin_user: "{{ emulator_demo.idm_admin_user }}"
    idm_admin_password: "{{ emulator_demo.idm_admin_password }}"

- name: Start the load without waiting, then poll
  sapcloud.identity.idm_repository:
    name: S4HC_PROXY
    initial_load: once
    initial_load_timeout: 0
    transport: api
  register: repo
  until: repo.initial_load.status != 'running'
  retries: 60
  delay: 10
'''

RETURN = r'''
repository:
  description:
    - The repository as the server holds it (O(transport=api)) or as written to the CSV (O(transport=file)), without
      encrypted values. C(encryptedConstants) lists the names of the encrypted constants that hold a value.
  returned: when O(state=present)
  type: dict
repository_id:
  description: ID of the repository (O(transport=api)).
  returned: with O(transport=api)
  type: int
initial_load:
  description: The initial load, when one ran, runs or would run.
  returned: unless O(initial_load=never)
  type: dict
  contains:
    status:
      description:
        - V(running), V(succeeded) or V(failed); V(would start) in check mode; V(manual) with O(transport=file).
      type: str
    id:
      description: ID of the load job.
      type: str
    startedAt:
      description: When the load started (UTC).
      type: str
    endedAt:
      description: When the load ended (UTC), or V(null) while it runs.
      type: str
    users:
      description: Number of users read.
      type: int
    groups:
      description: Number of groups read.
      type: int
    message:
      description: What happened; on failure, the reason and the constants to check.
      type: str
path:
  description: The CSV written or removed (O(transport=file)).
  returned: with O(transport=file)
  type: str
next_step:
  description: What an admin does by hand next (O(transport=file)).
  returned: with O(transport=file)
  type: str
actions:
  description: What was done or would be done (create, update, delete, initial_load).
  returned: always
  type: list
  elements: str
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import (
    HandOffFile, hand_off_argument_spec)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.idm import (
    IdmAdminClient, idm_argument_spec, render_csv)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.idm_repository_model import (
    CSV_MODE, CSV_WHAT, DesiredRepository, SECRET_FIELDS, csv_view, is_repository_csv, load_failure, running_load,
    server_view, skipped_load, wait_for_load)
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import run_hand_off
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import scrub


def argument_spec():
    spec = dict(
        name=dict(type='str', required=True),
        description=dict(type='str'),
        repository_type=dict(type='str', default=fmt.DEFAULT_REPOSITORY_TYPE),
        disabled=dict(type='bool', default=False),
        source_csv=dict(type='path'),
        proxy_system=dict(type='dict', options=dict(
            system_id=dict(type='str', required=True),
            infrastructure=dict(type='str', default='neo', choices=['neo', 'sci']),
            proxy_url=dict(type='str', required=True),
            token_url=dict(type='str', no_log=False),
        )),
        scim_protocol=dict(type='str', choices=['http', 'https']),
        scim_host=dict(type='str'),
        scim_port=dict(type='int'),
        scim_path=dict(type='str'),
        auth_type=dict(type='str', choices=list(fmt.AUTH_TYPES)),
        oauth_url=dict(type='str'),
        # The same client as the sapcloud.identity.ips.proxy fragment's client_id/client_secret, so the same variables.
        auth_user=env_option('SAP_IPS_CLIENT_ID'),
        auth_password=env_option('SAP_IPS_CLIENT_SECRET', no_log=True),
        proxy_host=dict(type='str'),
        proxy_port=dict(type='int'),
        proxy_user=dict(type='str'),
        proxy_password=dict(type='str', no_log=True),
        truststore=dict(type='str'),
        truststore_password=dict(type='str', no_log=True),
        scim_assignment_method=dict(type='str', default='PATCH', choices=list(fmt.ASSIGNMENT_METHODS)),
        constants=dict(type='dict'),
        include_secrets=dict(type='bool', default=True, no_log=False),
        initial_load=dict(type='str', default='once', choices=['once', 'always', 'never']),
        initial_load_timeout=dict(type='int', default=900),
    )
    spec.update(hand_off_argument_spec())
    spec.update(idm_argument_spec())
    return spec


def apply_api(module, desired):
    p = module.params
    client = IdmAdminClient(p)
    current = client.find(p['name'])
    ensure = Ensure(module, SECRET_FIELDS)
    if p['state'] == 'absent':
        client.absent(ensure, current, server_view)
        return ensure.result(repository_id=current['id'] if current else None)

    repo = client.ensure_document(ensure, current, desired, server_view, SECRET_FIELDS, desired.password_policy(current))
    load = initial_load(module, client, repo, ensure, desired) if p['initial_load'] != 'never' else None
    return ensure.result(repository=repo, repository_id=repo.get('id'), initial_load=load)


def initial_load(module, client, repo, ensure, desired):
    """Start the load when the input asks for one, wait for it within the timeout and report it."""
    p = module.params
    job = running_load(repo)
    if job is None:
        skipped = skipped_load(repo, p['initial_load'])
        if skipped:
            return skipped
        view = ensure.outcome(server_view(repo))
        job = ensure.write('initial_load', view, view, client.start_initial_load, repo['id'])
        if job is None:  # check mode
            return {'status': 'would start'}
    job_id = job['id']
    job = wait_for_load(job, lambda: client.job(repo['id'], job_id), p['initial_load_timeout'])
    reason = load_failure(job, p['initial_load_timeout'])
    if reason:
        result = ensure.result(repository=repo, repository_id=repo.get('id'), initial_load=job)
        module.fail_json(msg=scrub('initial load of repository %r failed: %s' % (p['name'], reason),
                                   desired.secrets().values()), **result)
    return job


def apply_file(module, desired):
    p = module.params
    ensure = Ensure(module, SECRET_FIELDS)
    hand_off = HandOffFile(p['dest'], CSV_MODE, csv_view, is_repository_csv, CSV_WHAT, p['force'])
    if p['state'] == 'absent':
        hand_off.absent(ensure)
        return ensure.result(path=p['dest'], next_step='Delete the repository %r in the IDM admin UI by hand (IDM has '
                                                       'no API for it).' % p['name'])
    hand_off.ensure(ensure, render_csv(p['name'], desired.description() or '', p['repository_type'], p['disabled'],
                                       desired.file_constants()))
    return ensure.result(path=p['dest'], repository=desired.file_document(),
                         next_step=desired.file_next_step(ensure.has_planned('update')),
                         initial_load={'status': 'manual'} if p['initial_load'] != 'never' else None)


def main():
    run_hand_off(argument_spec(), DesiredRepository, apply_api, apply_file)


if __name__ == '__main__':
    main()
