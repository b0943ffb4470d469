"""The public check of a certificate, and the registrant's own download.

The verification page reads the Certificate row (never the PDF) and shows what the certificate
itself shows: the names as printed, the seminar, its date, the CPD hours, the organisations
named, the code and the date of issue; "revoked" when it is. Nothing else about the person. The
code in the URL must have the shape certificate_code_generate() makes (CertificateCodeConverter),
so junk is a 404 before any query (in lower case it is sent to the upper-case address, as
people type codes from paper). A wrong code gets a 404 page saying to check the number printed on
the certificate.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from config.ratelimit import ratelimited

from .certificate_pdf import certificate_context, certificate_file_name, certificate_pdf_cached
from .certificates import certificate_live
from .models import Certificate, Registration


@ratelimited("certificate_verify", methods=("GET", "HEAD"))
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        # Typed from the paper in lower case: the one address of this certificate is upper case.
        return redirect("registrations:certificate_verify", code=code.upper(), permanent=True)
    certificate = (
        Certificate.objects.select_related("registration__seminar").filter(code=code).first()
    )
    if certificate is None:
        return certificate_not_found(request, code)
    context = certificate_context(certificate=certificate)
    response = render(request, "certificates/verify.html", context)
    # A certificate names a person: keep the page out of search engines and shared caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-cache"
    return response


# Its own, small limit: a PDF not yet in the cache takes seconds to draw, and a person
# downloads their own certificate a few times at most.
@ratelimited("certificate_download", methods=("GET", "HEAD"))
def certificate_download(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's live certificate as a PDF; 404 for a wrong link or when none is live."""
    registration = Registration.objects.select_related("seminar").filter(token=token).first()
    certificate = certificate_live(registration=registration) if registration else None
    if certificate is None:
        raise Http404("No certificate for this registration.")
    certificate.registration = registration
    response = HttpResponse(
        certificate_pdf_cached(certificate=certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate_file_name(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def certificate_not_found(request: HttpRequest, code: str) -> HttpResponse:
    """The verification page's own 404: about the number, not the private links' text."""
    response = render(request, "certificates/not_found.html", status=404)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
