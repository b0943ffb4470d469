"""The public check of a certificate, and the registrant's own download.

The verification page reads the Certificate row (never the PDF) and shows what the certificate
itself shows: the names as printed, the seminar, its date, the CPD hours, the organisations
named, the code and the date of issue; "revoked" when it is. Nothing else about the person. The
code in the URL must have the shape certificate_code_generate() makes (CertificateCodeConverter),
so junk is a 404 before any query, and a wrong code is the same 404 as a revoked one is not.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from config.ratelimit import ratelimited

from .certificate_pdf import certificate_context, certificate_file_name, certificate_pdf
from .certificates import certificate_live
from .models import Certificate, Registration


@ratelimited("certificate_verify", methods=("GET", "HEAD"))
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = (
        Certificate.objects.select_related("registration__seminar").filter(code=code).first()
    )
    if certificate is None:
        raise Http404("No certificate with this code.")
    context = certificate_context(certificate=certificate)
    response = render(request, "certificates/verify.html", context)
    # A certificate names a person: keep the page out of search engines and shared caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-cache"
    return response


@ratelimited("manage", methods=("GET", "HEAD"))
def certificate_download(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's live certificate as a PDF; 404 for a wrong link or when none is live."""
    registration = Registration.objects.select_related("seminar").filter(token=token).first()
    certificate = certificate_live(registration=registration) if registration else None
    if certificate is None:
        raise Http404("No certificate for this registration.")
    certificate.registration = registration
    response = HttpResponse(
        certificate_pdf(certificate=certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate_file_name(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
