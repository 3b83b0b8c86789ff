"""Downloads: a case's referral for the authorities (NCMEC CyberTipline XML, the UK NCA package)
once a second specialist approved it, sealed evidence bundles, and the transparency report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from childsafe.cases import queries
from childsafe.cases.actions import ActionRefused, check_exportable
from childsafe.cases.evidence import bundle_zip
from childsafe.console.auditing import Seen, records_view
from childsafe.console.params import Exporter, ExportPeriod, FiguresViewer
from childsafe.console.web import (
    DOCUMENT_SECURITY_POLICY,
    PREFIX,
    ConsolePageError,
    ConsoleRoute,
    database_of,
)
from childsafe.referrals import nca, ncmec
from childsafe.store.tables.cases import EvidenceBundle
from childsafe.transparency import dsa, report
from childsafe.transparency.figures import compute_figures

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _check_exportable(request: Request, case_id: str) -> None:
    with database_of(request).session() as session:
        try:
            check_exportable(session, case_id)
        except ActionRefused as refusal:
            raise ConsolePageError(refusal.status, refusal.message) from refusal


@router.get("/cases/{case_id}/referral/ncmec.xml")
@records_view(lambda case_id, **_: Seen("referral.exported.ncmec", "case", case_id))
def ncmec_xml(request: Request, case_id: str, viewer: Exporter) -> Response:
    _check_exportable(request, case_id)
    with database_of(request).session() as session:
        xml = ncmec.export_case(session, case_id)
    return Response(xml, media_type="application/xml", headers=_attachment(f"ncmec-{case_id}.xml"))


@router.get("/cases/{case_id}/referral/nca.{fmt}")
@records_view(lambda case_id, fmt, **_: Seen(f"referral.exported.nca-{fmt}", "case", case_id))
def nca_package(request: Request, case_id: str, fmt: str, viewer: Exporter) -> Response:
    if fmt not in ("json", "html"):
        raise ConsolePageError(404, "The NCA package comes as .json or .html.")
    _check_exportable(request, case_id)
    with database_of(request).session() as session:
        package = nca.build_package(session, case_id)
    if fmt == "json":
        return Response(
            nca.to_json(package),
            media_type="application/json",
            headers=_attachment(f"nca-{case_id}.json"),
        )
    return Response(
        nca.to_html(package),
        media_type="text/html",
        headers={"Content-Security-Policy": DOCUMENT_SECURITY_POLICY},
    )


def evidence_bundle(request: Request, bundle_id: str) -> EvidenceBundle:
    with database_of(request).session() as session:
        bundle = queries.evidence_bundle(session, bundle_id)
    if bundle is None:
        raise ConsolePageError(404, f"There is no evidence bundle {bundle_id}.")
    return bundle


@router.get("/evidence/{bundle_id}.zip")
@records_view(
    lambda bundle, **_: Seen(
        "evidence.downloaded", "case", bundle.case_id, {"bundle_id": bundle.id}
    )
)
def evidence_zip(
    request: Request,
    viewer: Exporter,
    bundle: Annotated[EvidenceBundle, Depends(evidence_bundle)],
) -> Response:
    return Response(
        bundle_zip(bundle), media_type="application/zip", headers=_attachment(f"{bundle.id}.zip")
    )


@router.get("/transparency/report.{fmt}")
@records_view(lambda fmt, period, **_: Seen(f"transparency.exported.{fmt}", "report", str(period)))
def transparency_download(
    request: Request, fmt: str, viewer: FiguresViewer, period: ExportPeriod
) -> Response:
    start, end = period.start, period.end
    with database_of(request).session() as session:
        if fmt == "dsa-sor":
            body = "".join(dsa.batch_line(b) + "\n" for b in dsa.batches(session, start, end))
            return Response(
                body,
                media_type="application/x-ndjson",
                headers=_attachment(f"dsa-statements-{start}-{end}.jsonl"),
            )
        figures = compute_figures(session, start, end)
    name = f"transparency-{start}-{end}.{fmt}"
    if fmt == "html":
        return Response(
            report.to_html(figures),
            media_type="text/html",
            headers={"Content-Security-Policy": DOCUMENT_SECURITY_POLICY},
        )
    if fmt == "csv":
        return Response(report.to_csv(figures), media_type="text/csv", headers=_attachment(name))
    if fmt == "json":
        return Response(report.to_json(figures), media_type="application/json")
    if fmt == "pdf":
        return Response(
            report.to_pdf(figures), media_type="application/pdf", headers=_attachment(name)
        )
    raise ConsolePageError(404, "Reports come as .html, .pdf, .csv, .json or .dsa-sor.")
