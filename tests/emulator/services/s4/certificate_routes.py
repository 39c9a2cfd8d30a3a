"""Routes of the Certificates entity set of the communication user service (state and rules in
certificate_model.py). S4Tenant (routes.py) mixes this in."""

from emulator.core import route
from emulator.services.s4.paths import CU

CERTIFICATE_KEY = r"UserID='(?P<user>[^']*)',SubjectHash='(?P<subject>[0-9A-F]*)',IssuerHash='(?P<issuer>[0-9A-F]*)'"


class CertificateRoutes:
    """GET/POST Certificates, GET/DELETE Certificates(<key>)."""

    @route('GET', CU + '/Certificates')
    def certificates_list(self, request):
        return self.collection(request, 'Certificates', 'certificates', list(self.model.certificates().values()))

    @route('GET', CU + r'/Certificates\(%s\)' % CERTIFICATE_KEY)
    def certificate_read(self, request, user, subject, issuer):
        return self.single(request, 'Certificates', 'certificates', self.model.certificate(user, subject, issuer))

    @route('POST', CU + '/Certificates')
    def certificate_create(self, request):
        entry = self.model.create_certificate(self.payload(request, 'cu', 'Certificate', 'c'))
        relative = "Certificates(UserID='%s',SubjectHash='%s',IssuerHash='%s')" % (
            entry['UserID'], entry['SubjectHash'], entry['IssuerHash'])
        return self.created(CU, relative, 'certificates', entry)

    @route('DELETE', CU + r'/Certificates\(%s\)' % CERTIFICATE_KEY)
    def certificate_delete(self, request, user, subject, issuer):
        entry = self.model.certificate(user, subject, issuer)
        self.if_match(request, entry)
        self.model.delete_certificate(entry)
        return self.deleted()
