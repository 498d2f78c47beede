"""The API's OpenAPI document and its browsable page, both open to anyone (no data in them)."""

from flask import Blueprint, current_app, jsonify, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.route("/openapi.json")
def openapi_json():
    """Serve the OpenAPI 3.1 document."""
    from hiring.web.api import document

    return jsonify(document(current_app))


@bp.route("/docs")
def docs_page():
    """Show every operation, schema, error and security scheme as one page."""
    from hiring.web.api import document

    return render_template("api/docs.html", spec=document(current_app))
