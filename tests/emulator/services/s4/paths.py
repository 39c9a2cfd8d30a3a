"""Base paths of the services an S/4HANA Cloud tenant serves (SAP's own paths, see tests/emulator/README.md)."""

CU = '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001'
CS = '/sap/opu/odata4/sap/aps_com_cs_a4c_odata/srvd_a2x/sap/aps_com_cs_a4c_odata/0001'
CA = '/sap/opu/odata4/sap/aps_com_ca_a4c_odata/srvd_a2x/sap/aps_com_ca_a4c_odata/0001'

BUSINESS_USER_SOAP = ['/sap/bc/srt/scs_ext/sap/querybusinessuserin', '/sap/bc/srt/scs_ext/sap/managebusinessuserin',
                      '/sap/bc/srt/scs/sap/querybusinessuserin', '/sap/bc/srt/scs/sap/managebusinessuserin']
QUERY_PATH = r'/sap/bc/srt/(?:scs|scs_ext)/sap/querybusinessuserin'
MANAGE_PATH = r'/sap/bc/srt/(?:scs|scs_ext)/sap/managebusinessuserin'
BP = '/sap/opu/odata/sap/API_BUSINESS_PARTNER'
SCIM = '/sap/bc/http/sap/aps_iam_api_scim'
