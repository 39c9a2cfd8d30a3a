"""integrate.yml as an AWX job: ansible-runner (the engine under AWX) in a private data dir, a project playbook that
imports sapcloud.identity.integrate, an inventory with no secret in it, and every credential injected the way AWX
injects it: the injectors of extensions/awx/credential_types rendered with the credential's inputs into the job's
environment and extra vars. Writes are counted by the emulator, never taken from the job's own report."""

import base64
import glob
import os
import sys

import ansible_runner
import jinja2.sandbox
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'integration'))

from conftest import DEMO, EmulatorProcess, collections_path  # noqa: E402  pylint: disable=wrong-import-position

TYPES = os.path.join(REPO, 'extensions', 'awx', 'credential_types')
TENANT = 's4_t1'
# Token requests and the SOAP worker query are POSTs that change nothing on the server.
READ_POSTS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/querybusinessuserin')


@pytest.fixture(scope='module')
def emulator(tmp_path_factory):
    process = EmulatorProcess(str(tmp_path_factory.mktemp('emulator')), tenants=1)
    yield process
    process.stop()


def credentials(emulator):
    """The job's credentials: type folder -> inputs, as an admin would fill them in."""
    urls = emulator.urls
    return {
        's4hana_cloud': {'api_url': urls[TENANT], 'api_user': DEMO['s4_admin_user'],
                         'api_password': DEMO['s4_admin_password']},
        'btp_neo': {'landscape_host': DEMO['neo_host'], 'subaccount': DEMO['neo_consumer_subaccount'],
                    'provider_subaccount': DEMO['neo_provider_subaccount'],
                    'client_id': DEMO['neo_platform_client_id'], 'client_secret': DEMO['neo_platform_client_secret']},
        'ips_proxy_client': {'client_id': DEMO['neo_oauth_client_id'], 'client_secret': DEMO['neo_oauth_client_secret']},
        'ips_admin': {'admin_url': urls['ips'], 'admin_user': DEMO['ips_admin_user'],
                      'admin_password': DEMO['ips_admin_password']},
        'idm_admin': {'admin_url': urls['idm'], 'admin_user': DEMO['idm_admin_user'],
                      'admin_password': DEMO['idm_admin_password']},
    }


def inject(creds):
    """(env, extra_vars) as AWX builds them: each injector template rendered in a sandbox with the inputs; an
    input not given renders as ''."""
    env, extra_vars = {}, {}
    sandbox = jinja2.sandbox.ImmutableSandboxedEnvironment()
    for folder, inputs in creds.items():
        with open(os.path.join(TYPES, folder, 'inputs.yml')) as handle:
            fields = [field['id'] for field in yaml.safe_load(handle)['fields']]
        with open(os.path.join(TYPES, folder, 'injectors.yml')) as handle:
            injectors = yaml.safe_load(handle)
        namespace = dict((name, inputs.get(name, '')) for name in fields)
        for target, templates in ((env, injectors.get('env', {})), (extra_vars, injectors.get('extra_vars', {}))):
            for name, template in templates.items():
                assert name not in target, 'two credentials inject %s' % name
                target[name] = sandbox.from_string(template).render(**namespace)
    return env, extra_vars


def secrets_of(creds):
    out = []
    for folder, inputs in creds.items():
        with open(os.path.join(TYPES, folder, 'inputs.yml')) as handle:
            secret = [f['id'] for f in yaml.safe_load(handle)['fields'] if f.get('secret')]
        out += [inputs[name] for name in secret if inputs.get(name)]
    return out


def private_data_dir(root, emulator):
    """Project, inventory (URLs and choices only, no secret) and the job's scratch directories."""
    os.makedirs(os.path.join(root, 'project'))
    os.makedirs(os.path.join(root, 'inventory'))
    with open(os.path.join(root, 'project', 'integrate.yml'), 'w') as handle:
        handle.write('---\n- name: Integrate\n  ansible.builtin.import_playbook: sapcloud.identity.integrate\n')
    urls = emulator.urls
    # The tenant's API URL comes from the S/4HANA Cloud credential (SAP_S4_API_URL), for the destination and the
    # proxy system too.
    host = {
        'sapcloud_workers': ['W0001', 'W0002', 'W0003'],
        'sapcloud_neo_api_url': urls['neo_api'], 'sapcloud_neo_configapi_url': urls['neo_configapi'],
        'sapcloud_neo_oauth_url': urls['neo_oauth'], 'sapcloud_ips_proxy_url': urls['ips'],
        'sapcloud_ips_transport': 'api', 'sapcloud_idm_transport': 'api',
        # A persistent volume in a real job: the generated password must outlive the job.
        'sapcloud_secrets_dir': os.path.join(root, 'volume', 'secrets'),
        'sapcloud_output_dir': os.path.join(root, 'volume', 'output'),
    }
    with open(os.path.join(root, 'inventory', 'hosts.yml'), 'w') as handle:
        yaml.safe_dump({'s4_tenants': {'hosts': {TENANT: host}}}, handle)


def run_job(root, ident, env, extra_vars):
    job_env = dict(env, ANSIBLE_COLLECTIONS_PATH=collections_path(),
                   SAPCLOUD_TOKEN_CACHE_DIR=os.path.join(root, 'token-cache'),
                   ANSIBLE_LOCAL_TEMP=os.path.join(root, 'tmp'), ANSIBLE_NOCOLOR='1')
    return ansible_runner.run(private_data_dir=root, ident=ident, playbook='integrate.yml',
                              inventory=os.path.join(root, 'inventory', 'hosts.yml'), envvars=job_env,
                              extravars=extra_vars, quiet=True)


def writes(emulator):
    return sum(n for host in emulator.stats()['hosts'].values() for call, n in host['paths'].items()
               if not call.startswith('GET ') and not call.endswith(READ_POSTS))


def job_summary(job):
    """changed per host, the tasks that reported a change, and the set_stats data, from the job events."""
    events = list(job.events)
    stats = [e for e in events if e['event'] == 'playbook_on_stats']
    assert len(stats) == 1
    changed_tasks = [e['event_data']['task'] for e in events
                     if e['event'] == 'runner_on_ok' and e['event_data'].get('res', {}).get('changed')]
    return stats[0]['event_data'], changed_tasks


def test_integrate_as_an_awx_job(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv('PATH', os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    for name in [n for n in os.environ if n.startswith(('SAP_', 'SAPCLOUD_'))]:
        monkeypatch.delenv(name)  # the job sees only what the credentials inject
    root = str(tmp_path / 'job')
    private_data_dir(root, emulator)
    creds = credentials(emulator)
    env, extra_vars = inject(creds)
    assert {'SAP_S4_API_PASSWORD', 'SAP_NEO_PLATFORM_CLIENT_SECRET', 'SAP_IPS_CLIENT_SECRET'} <= set(env)

    emulator.reset_stats()
    first = run_job(root, 'job-1', env, extra_vars)
    assert (first.status, first.rc) == ('successful', 0), first.stdout.read()[-4000:]
    stats, changed_tasks = job_summary(first)
    assert stats['changed'].get(TENANT, 0) == len(changed_tasks) > 0
    assert not stats['failures'] and not stats['dark']
    assert writes(emulator) > 0
    summary = stats['artifact_data']['sapcloud_identity']
    assert [t['host'] for t in summary['tenants']] == [TENANT]
    assert summary['tenants'][0]['values']['S/4HANA Cloud API URL'] == emulator.urls[TENANT]
    assert summary['totals']['created'] > 0 and not summary['failed']

    emulator.reset_stats()
    again = run_job(root, 'job-2', env, extra_vars)
    assert (again.status, again.rc) == ('successful', 0), again.stdout.read()[-4000:]
    stats, changed_tasks = job_summary(again)
    assert stats['changed'].get(TENANT, 0) == 0 and changed_tasks == []
    assert writes(emulator) == 0, emulator.stats()
    summary = stats['artifact_data']['sapcloud_identity']
    assert summary['totals']['created'] == summary['totals']['changed'] == 0
    assert summary['totals']['unchanged'] > 0

    # No secret in what the jobs left: runner artifacts (events, stdout) and the collection's output files. The
    # generated password is in its 0600 file in the secrets volume, and nowhere else. Left out: ansible-runner's
    # `command` file, its own record of the environment it was given (AWX keeps that as the job's masked env).
    generated = [open(path).read().strip() for path in glob.glob(os.path.join(root, 'volume', 'secrets', '*', '*'))]
    assert generated
    secrets = secrets_of(creds) + generated
    users = [DEMO['s4_admin_user'], DEMO['neo_platform_client_id'], DEMO['neo_oauth_client_id'],
             DEMO['ips_admin_user'], DEMO['idm_admin_user']]
    scanned = 0
    for top in ('artifacts', os.path.join('volume', 'output')):
        for folder, _dirs, files in os.walk(os.path.join(root, top)):
            for name in files:
                if name == 'command' and top == 'artifacts':
                    continue
                with open(os.path.join(folder, name), 'rb') as handle:
                    text = handle.read().decode('utf-8', 'replace')
                scanned += 1
                for secret in secrets:
                    assert secret not in text, (name, 'plain')
                    assert base64.b64encode(secret.encode()).decode() not in text, (name, 'base64')
                    for user in users:
                        basic = base64.b64encode(('%s:%s' % (user, secret)).encode()).decode()
                        assert basic not in text, (name, 'basic auth')
    assert scanned > 20
