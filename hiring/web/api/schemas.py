"""The API's request and response shapes (marshmallow), which the OpenAPI document shows."""

import base64
import binascii
from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import fields, validate

from hiring.accounts.api_keys import SCOPES

MAX_LIMIT = 200
ID = "int(min=1, max=9223372036854775807)"  # a row id that SQLite can hold; others are 404
SLUG = "string(maxlength=100)"


class UtcDateTime(fields.DateTime):
    """A time stored as ISO 8601 text, sent as ISO 8601 in UTC (``2030-06-01T09:30:00Z``)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return stamp.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Cursor(fields.String):
    """An opaque page position: where the previous page ended."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            number = int(base64.urlsafe_b64decode(text.encode() + b"==").decode())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ma.ValidationError("Not a cursor this API gave out.") from None
        if not 0 <= number < 2**63:
            raise ma.ValidationError("Not a cursor this API gave out.")
        return number


def make_cursor(last_id: int) -> str:
    """Return the cursor of the page after the row ``last_id``."""
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


class PageQuery(ma.Schema):
    """Cursor pagination: ``limit`` rows after ``cursor``."""

    cursor = Cursor(
        metadata={"description": "The `next_cursor` of the previous page; omit for the first."}
    )
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"Rows per page, 1 to {MAX_LIMIT}."},
    )


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """Return a schema for one page of ``item_schema`` rows."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(
                required=True,
                allow_none=True,
                metadata={"description": "Pass as `cursor` for the next page; null on the last."},
            ),
        },
        name=name,
    )


class AssessmentSchema(ma.Schema):
    """An assessment (a "test" to an ATS): the questionnaire a role's candidates take."""

    id = fields.String(required=True, metadata={"description": "The questionnaire's id."})
    version = fields.String(required=True)
    title = fields.String(required=True)
    scales = fields.List(fields.String(), required=True, metadata={"description": "Trait scales."})
    sjt_competencies = fields.List(
        fields.String(), required=True, metadata={"description": "Situational-judgement areas."}
    )


class RoleSchema(ma.Schema):
    """A job role candidates are invited to."""

    slug = fields.String(required=True, metadata={"description": "The role's id in the API."})
    title = fields.String(required=True)
    location = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["open", "closed"]))
    created_at = UtcDateTime(required=True, allow_none=True)
    assessment = fields.Nested(AssessmentSchema, required=True)


class RoleQuery(PageQuery):
    """Filters of the role list."""

    status = fields.String(validate=validate.OneOf(["open", "closed"]))


class CandidateSchema(ma.Schema):
    """A candidate's place in the process (no scores: see the results)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "The role's slug."})
    status = fields.String(
        required=True,
        metadata={
            "description": "invited, started, completed, shortlisted, interviewed, offered, "
            "hired or rejected."
        },
    )
    invited_at = UtcDateTime(required=True)
    started_at = UtcDateTime(required=True, allow_none=True)
    submitted_at = UtcDateTime(required=True, allow_none=True)
    decided_at = UtcDateTime(required=True, allow_none=True)
    link_expires_at = UtcDateTime(required=True, allow_none=True)
    results_url = fields.String(
        required=True, allow_none=True, metadata={"description": "Set once results exist."}
    )


class CandidateQuery(PageQuery):
    """Filters of the candidate list."""

    role = fields.String(metadata={"description": "A role's slug."})
    status = fields.String(validate=validate.Length(max=20))


class InvitationIn(ma.Schema):
    """Who to invite, and to which role."""

    role = fields.String(required=True, validate=validate.Length(1, 100))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    email = fields.String(required=True, validate=validate.Length(3, 254))


class InvitationSchema(CandidateSchema):
    """A new invitation: the candidate and the link to send them (shown only now)."""

    link = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The candidate's assessment link, given only in this response; null "
            "when the site's public address (HIRING_BASE_URL) is not set."
        },
    )


class ScoreSchema(ma.Schema):
    """One scale or SJT competency against the role's target range."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True, allow_none=True)
    target_low = fields.Float(required=True)
    target_high = fields.Float(required=True)
    position = fields.String(
        required=True, metadata={"description": "below, within or above target, or not scored."}
    )


class ProbabilitySchema(ma.Schema):
    """The calibrated probability of high performance, with its interval."""

    value = fields.Float(required=True)
    interval_low = fields.Float(required=True, allow_none=True)
    interval_high = fields.Float(required=True, allow_none=True)
    base_rate = fields.Float(required=True, allow_none=True)
    meaning = fields.String(required=True, metadata={"description": "The figures in words."})


class ResultsSchema(ma.Schema):
    """A candidate's results, as the staff candidate page shows them."""

    candidate_id = fields.Integer(required=True)
    status = fields.String(required=True)
    scored_at = UtcDateTime(required=True, allow_none=True)
    questionnaire = fields.String(required=True, allow_none=True)
    scales = fields.List(
        fields.Nested(ScoreSchema),
        required=True,
        metadata={"description": "Trait scale means (1 to the scale's points)."},
    )
    sjt = fields.List(
        fields.Nested(ScoreSchema),
        required=True,
        metadata={"description": "Situational-judgement competencies, 0 to 100."},
    )
    sjt_total = fields.Float(required=True, allow_none=True)
    band = fields.String(required=True, allow_none=True)
    band_basis = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "probability (calibrated model), minimum or profile alone."},
    )
    fit_probability = fields.Nested(ProbabilitySchema, required=True, allow_none=True)
    percentile = fields.Float(
        required=True, allow_none=True, metadata={"description": "Among incumbents, 0 to 100."}
    )
    evidence_notes = fields.List(
        fields.String(), required=True, metadata={"description": "Cautions to read first."}
    )
    quality_flags = fields.List(fields.String(), required=True)
    model_version = fields.String(
        required=True, allow_none=True, metadata={"description": "The model that scored this."}
    )
    reports = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "PDF report URLs by variant (fit, onboarding), for this key."},
    )


class ReportQuery(ma.Schema):
    """Which report to download."""

    variant = fields.String(load_default="fit", validate=validate.OneOf(["fit", "onboarding"]))


class DecisionIn(ma.Schema):
    """A decision on a candidate."""

    status = fields.String(
        required=True,
        validate=validate.OneOf(
            ["completed", "shortlisted", "interviewed", "offered", "hired", "rejected"]
        ),
    )
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "Needed to reject, and to advance a low or knock-out fit."},
    )
    override = fields.Boolean(
        load_default=False, metadata={"description": "The decision goes against the fit score."}
    )


class DecisionSchema(ma.Schema):
    """A recorded status change."""

    id = fields.Integer(required=True)
    candidate_id = fields.Integer(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    reason = fields.String(required=True)
    override = fields.Boolean(required=True)
    at = UtcDateTime(required=True)


class IncumbentsIn(ma.Schema):
    """Incumbents' scores and outcomes as CSV text (format in profiles/README.md)."""

    csv = fields.String(required=True, validate=validate.Length(1, 8 * 1024 * 1024))
    outcome = fields.String(load_default="high_performer", validate=validate.Length(1, 100))
    rule = fields.String(
        load_default="binary", validate=validate.OneOf(["binary", "threshold", "top_share"])
    )
    threshold = fields.Float(allow_none=True, load_default=None)
    share = fields.Float(allow_none=True, load_default=None)
    lower_is_better = fields.Boolean(load_default=False)


class IncumbentsSchema(ma.Schema):
    """What an import stored."""

    role = fields.String(required=True)
    imported = fields.Integer(required=True)
    high_performers = fields.Integer(required=True)
    replaced = fields.Integer(required=True, metadata={"description": "Incumbents replaced."})
    criterion = fields.String(required=True, metadata={"description": "Who counts as high."})
    notices = fields.List(fields.String(), required=True)


class CalibrationIn(ma.Schema):
    """How to fit the model."""

    method = fields.String(
        load_default="logistic", validate=validate.OneOf(["logistic", "boosting"])
    )


class CalibrationSchema(ma.Schema):
    """A calibration job on the task queue."""

    id = fields.Integer(required=True)
    role = fields.String(required=True)
    status = fields.String(
        required=True, metadata={"description": "running (queued or being fitted), done or failed."}
    )
    method = fields.String(required=True)
    message = fields.String(required=True, allow_none=True)
    model_version_id = fields.Integer(required=True, allow_none=True)
    started_at = UtcDateTime(required=True, allow_none=True)
    finished_at = UtcDateTime(required=True, allow_none=True)


class FairnessQuery(ma.Schema):
    """Which band counts as passing for the band table."""

    band_cut = fields.String(
        load_default="good",
        validate=validate.OneOf(["knock-out", "low", "moderate", "good", "strong"]),
    )


class FairnessSchema(ma.Schema):
    """A role's adverse-impact tables, one row per group (aggregates only)."""

    role = fields.String(required=True)
    generated_at = UtcDateTime(required=True)
    band_cut = fields.String(required=True)
    completed = fields.Integer(required=True)
    min_cell = fields.Integer(
        required=True, metadata={"description": "Groups smaller than this are counted, not shown."}
    )
    rows = fields.List(
        fields.Dict(),
        required=True,
        metadata={"description": "The rows of the Fairness page's CSV export, as objects."},
    )


class AuditQuery(PageQuery):
    """Filters of the audit log."""

    actor = fields.String(validate=validate.Length(max=100))
    action = fields.String(validate=validate.Length(max=100))


class AuditEventSchema(ma.Schema):
    """One audit-log event."""

    id = fields.Integer(required=True)
    at = UtcDateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    target_type = fields.String(required=True, allow_none=True)
    target_id = fields.String(required=True, allow_none=True)
    detail = fields.Dict(required=True)


SCOPE_NAMES = tuple(SCOPES)
