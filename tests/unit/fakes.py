"""Stand-ins the unit tests share."""


class FakeModule:
    """What the engine (state.Ensure) uses of an AnsibleModule: check_mode and warn()."""

    def __init__(self, check_mode):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


def repository_params(**overrides):
    """The parameters of idm_repository as AnsibleModule fills them, with overrides."""
    params = dict(name='REPO', description=None, repository_type='com.sap.idm.connector.scim:reptype.SCIM',
                  disabled=False, source_csv=None, proxy_system=None, scim_protocol='https', scim_host='h',
                  scim_port=443, scim_path='/scim', auth_type='oauth', oauth_url='https://t.example.com',
                  auth_user='u', auth_password='secret-1', proxy_host=None, proxy_port=None, proxy_user=None,
                  proxy_password=None, truststore=None, truststore_password=None, scim_assignment_method='PATCH',
                  constants=None, update_password='on_create', include_secrets=True, initial_load='once',
                  initial_load_timeout=900, transport='api', dest=None, state='present',
                  idm_admin_url='https://idm.example.com', idm_admin_user='a', idm_admin_password='b')
    params.update(overrides)
    return params
