"""SOAP 1.1 for emulated services (S/4HANA Cloud's business user services, the IPS proxy's calls to them):
reading elements by local name, envelopes and faults."""

from xml.sax.saxutils import escape

from emulator.core import HttpError, text_response

SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/'


def local(tag):
    return tag.rsplit('}', 1)[-1]


def children(node, name):
    return [c for c in list(node) if local(c.tag) == name]


def text_of(node, name):
    found = children(node, name) if node is not None else []
    return (found[0].text or '').strip() if found else None


def soap_envelope(body_xml):
    return ('<soap-env:Envelope xmlns:soap-env="%s"><soap-env:Header/><soap-env:Body>%s</soap-env:Body>'
            '</soap-env:Envelope>' % (SOAP_ENV, body_xml))


def soap_fault(status, text, code='soap-env:Client'):
    body = soap_envelope('<soap-env:Fault><faultcode>%s</faultcode><faultstring xml:lang="en">%s</faultstring>'
                         '</soap-env:Fault>' % (code, escape(text)))
    return HttpError(text_response(status, body, 'text/xml; charset=utf-8'))


def element(name, value):
    return '<%s>%s</%s>' % (name, escape(str(value)), name) if value not in (None, '') else ''
