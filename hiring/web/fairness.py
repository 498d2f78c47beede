"""The admin Fairness page per role: charts and tables, CSV export and the PDF bias-audit summary.

Admins only: the page shows groups, never a person, and self-identification is never shown
per candidate anywhere.
"""

from datetime import date

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from hiring.fairness import MIN_SHARE, SMALL_SAMPLE_SIZE, monitoring
from hiring.fairness.bias_audit import bias_audit_pdf
from hiring.fairness.chart import impact_chart
from hiring.fairness.dif import ALPHA as DIF_ALPHA
from hiring.fairness.item_review import dif_review
from hiring.fairness.method import method_page
from hiring.fairness.prediction_review import prediction_review
from hiring.reports.errors import ReportError
from hiring.roles import services as roles
from hiring.roles.profiles import feature_names
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.rights import BandCutForm

bp = Blueprint("fairness", __name__, url_prefix="/admin/fairness")


def _report(role_id: int) -> monitoring.FairnessReport:
    """Build the report for the role and band cut in the query string (404 for a bad one)."""
    form = BandCutForm(formdata=request.args)
    if not form.validate():
        abort(400)
    try:
        return monitoring.role_report(
            db(),
            role_id,
            band_cut=form.cut.data,
            questions=current_app.config["SELF_ID"],
            min_cell=current_app.config["FAIRNESS_MIN_CELL"],
        )
    except roles.RoleError:
        abort(404)


def _filename(report: monitoring.FairnessReport, ext: str) -> str:
    return f"{report.role['slug']}-fairness-{date.today().isoformat()}.{ext}"


@bp.route("/")
@roles_required("admin")
def index():
    """List the roles, each linking to its fairness report."""
    return render_template("fairness/index.html", roles=roles.list_roles(db(), include_closed=True))


@bp.route("/method")
@roles_required("admin")
def method():
    """Explain how every figure on the Fairness pages is computed (docs/fairness.md)."""
    return render_template("fairness/method.html", page=method_page())


@bp.route("/<int:role_id>")
@roles_required("admin")
def role(role_id: int):
    """Show every adverse-impact table of one role with a chart each."""
    report = _report(role_id)
    return render_template(
        "fairness/role.html",
        report=report,
        findings=monitoring.findings(report),
        form=BandCutForm(formdata=request.args),
        characteristics=report.characteristics,
        decision_points=monitoring.DECISION_POINTS,
        scoring_point=monitoring.SCORING_POINT,
        incumbent_point=monitoring.INCUMBENT_POINT,
        chart=impact_chart,
        min_share=MIN_SHARE,
        small_sample=SMALL_SAMPLE_SIZE,
        feature_names=feature_names(report.role),
    )


@bp.route("/<int:role_id>/items")
@roles_required("admin")
def items(role_id: int):
    """List the items whose answers differ by group at the same trait level (DIF), for review."""
    try:
        review = dif_review(
            db(), role_id, questions=current_app.config["SELF_ID"],
            min_cell=current_app.config["FAIRNESS_MIN_CELL"],
        )  # fmt: skip
    except roles.RoleError:
        abort(404)
    return render_template("fairness/items.html", review=review, alpha=DIF_ALPHA)


@bp.route("/<int:role_id>/prediction")
@roles_required("admin")
def prediction(role_id: int):
    """Show whether the same fit goes with the same outcome in every group (Cleary)."""
    try:
        review = prediction_review(
            db(), role_id, questions=current_app.config["SELF_ID"],
            min_cell=current_app.config["FAIRNESS_MIN_CELL"],
        )  # fmt: skip
    except roles.RoleError:
        abort(404)
    return render_template("fairness/prediction.html", review=review)


@bp.route("/<int:role_id>/fairness.csv")
@roles_required("admin")
def export_csv(role_id: int):
    """Download every table as one CSV file."""
    report = _report(role_id)
    monitoring.record_export(db(), g.user.username, report, "csv")
    return Response(
        monitoring.csv_text(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )


@bp.route("/<int:role_id>/bias-audit.pdf")
@roles_required("admin")
def export_pdf(role_id: int):
    """Download the PDF bias-audit summary."""
    report = _report(role_id)
    try:
        pdf = bias_audit_pdf(report, page_size=current_app.config["REPORT_PAGE_SIZE"])
    except ReportError as error:
        current_app.logger.warning("bias-audit PDF failed: %s", error.message)
        abort(503)
    monitoring.record_export(db(), g.user.username, report, "pdf")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "pdf")}"'},
    )
