from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.customer_followup_anomaly import CATEGORIES, OPEN_STATES
from ..models.customer_followup_anomaly_customer import plain_text
from ..models.customer_followup_visit import OPEN_STATES as VISIT_OPEN_STATES

ANOMALY = "customer.followup.anomaly"
VISIT = "customer.followup.visit"
# Complaints one customer may file per hour from the portal, unless the
# system parameter below says otherwise.
RATE_LIMIT_PARAM = "customer_followup.portal_complaints_per_hour"
RATE_LIMIT_DEFAULT = 5
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000


class CustomerFollowupPortal(CustomerPortal):
    """The customer's own pages: follow-ups, service issues, complaints.
    Portal users get no ORM access to these models: every record is read
    with sudo after checking it belongs to the user's customer (or through
    the access token of the e-mail link), and only the public fields are
    rendered."""

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _cf_domain(self):
        user = request.env.user
        if user._is_public():
            return [(0, "=", 1)]
        return user.partner_id._followup_portal_domain()

    def _cf_record(self, model, record_id, access_token=None):
        """The record if it is the current customer's (or the token is its
        own), sudoed; 404 otherwise, whether it exists or not, so ids
        cannot be probed."""
        record = request.env[model].sudo().with_context(active_test=False).browse(record_id)
        record = record.exists()
        if not record:
            raise NotFound()
        if record.filtered_domain(self._cf_domain()):
            return record
        token = record.access_token if "access_token" in record._fields else False
        if access_token and token and consteq(token, access_token):
            return record
        raise NotFound()

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "followup_visit_count" in counters:
            values["followup_visit_count"] = (
                request.env[VISIT]
                .sudo()
                .search_count(self._cf_domain() + [("state", "!=", "cancelled")])
            )
        if "followup_anomaly_count" in counters:
            values["followup_anomaly_count"] = (
                request.env[ANOMALY].sudo().search_count(self._cf_domain())
            )
        return values

    def _cf_categories(self):
        labels = dict(request.env[ANOMALY]._fields["category"]._description_selection(request.env))
        return [(key, labels[key]) for key, _label in CATEGORIES]

    # ------------------------------------------------------------------
    # My follow-ups
    # ------------------------------------------------------------------
    @http.route("/my/follow-ups", type="http", auth="user", website=True)
    def portal_my_followups(self, **kw):
        return self._cf_render_followups(requested=kw.get("requested"), answered=kw.get("answered"))

    def _cf_render_followups(self, status=200, **extra):
        Visit = request.env[VISIT].sudo()
        domain = self._cf_domain()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "followups",
                "past_visits": Visit.search(domain + [("state", "=", "done")], limit=50),
                "upcoming_visits": Visit.search(
                    domain + [("state", "in", VISIT_OPEN_STATES)], order="scheduled_date asc"
                ),
            }
        )
        values.update(extra)
        return request.render("customer_followup.portal_my_followups", values, status=status)

    @http.route(
        "/my/follow-ups/<int:visit_id>/another-time",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_followup_another_time(self, visit_id, preferred="", message="", **kw):
        visit = self._cf_record(VISIT, visit_id)
        if visit.state not in VISIT_OPEN_STATES:
            raise NotFound()
        preferred = plain_text(preferred)[:200]
        message = plain_text(message)[:MAX_TEXT]
        if not preferred:
            return self._cf_render_followups(
                status=400, error=request.env._("Say when we may call or visit you instead.")
            )
        env = request.env
        note = env._(
            "%(contact)s asks for another time: %(preferred)s. %(message)s",
            contact=env.user.partner_id.name,
            preferred=preferred,
            message=message,
        )
        visit.message_post(
            body=note,
            author_id=env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        visit.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=env._("The customer asks for another time"),
            note=note,
            user_id=(
                visit.user_id
                or visit.partner_id.with_company(visit.company_id).followup_user_id
                or env.ref("base.user_admin")
            ).id,
        )
        return request.redirect("/my/follow-ups?requested=1")

    @http.route(
        "/my/follow-ups/<int:visit_id>/answer",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_followup_answer(self, visit_id, answer="", rating="", comment="", **kw):
        """The verification follow-up of a closed anomaly, answered by the
        customer: still solved, or not (which raises a new anomaly)."""
        visit = self._cf_record(VISIT, visit_id)
        anomaly = request.env[ANOMALY].sudo().search([("verification_visit_id", "=", visit.id)])
        if visit.state not in VISIT_OPEN_STATES or not anomaly:
            raise NotFound()
        try:
            anomaly[:1]._answer_verification(
                visit, answer == "solved", rating, comment, request.env.user.partner_id
            )
        except (UserError, ValidationError) as error:
            return self._cf_render_followups(status=400, error=error.args[0])
        return request.redirect("/my/follow-ups?answered=1")

    # ------------------------------------------------------------------
    # My service issues
    # ------------------------------------------------------------------
    @http.route("/my/service-issues", type="http", auth="user", website=True)
    def portal_my_service_issues(self, **kw):
        Anomaly = request.env[ANOMALY].sudo()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "service_issues",
                "anomalies": Anomaly.search(self._cf_domain(), limit=200),
                "open_states": OPEN_STATES,
            }
        )
        return request.render("customer_followup.portal_my_service_issues", values)

    @http.route("/my/service-issues/<int:anomaly_id>", type="http", auth="public", website=True)
    def portal_service_issue(self, anomaly_id, access_token=None, **kw):
        anomaly = self._cf_record(ANOMALY, anomaly_id, access_token)
        return self._cf_render_issue(
            anomaly, access_token, created=kw.get("created"), answered=kw.get("answered")
        )

    def _cf_render_issue(self, anomaly, access_token, status=200, **extra):
        anomaly._portal_ensure_token()
        values = self._prepare_portal_layout_values()
        values = self._get_page_view_values(
            anomaly, access_token, values, "my_service_issues_history", False
        )
        values.update(
            {
                "page_name": "service_issue",
                "anomaly": anomaly,
                "timeline": anomaly._portal_timeline(),
                "promise": anomaly._portal_promise(),
                # the portal chatter reads the public messages through it
                "token": anomaly.access_token,
                "access_token": access_token,
                "categories": dict(self._cf_categories()),
            }
        )
        values.update(extra)
        return request.render("customer_followup.portal_service_issue", values, status=status)

    @http.route(
        "/my/service-issues/<int:anomaly_id>/answer",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_service_issue_answer(
        self, anomaly_id, answer="", rating="", comment="", access_token=None, **kw
    ):
        anomaly = self._cf_record(ANOMALY, anomaly_id, access_token)
        user = request.env.user
        author = anomaly._customer_recipient() if user._is_public() else user.partner_id
        query = f"access_token={access_token}&" if access_token else ""
        try:
            if answer == "confirm":
                anomaly._customer_confirm(rating, comment[:MAX_TEXT], author=author)
            elif answer == "reject":
                anomaly._customer_reject(rating, comment[:MAX_TEXT], author=author)
            else:
                raise UserError(request.env._("Confirm the result or say it is not solved."))
        except (UserError, ValidationError) as error:
            return self._cf_render_issue(anomaly, access_token, status=400, error=error.args[0])
        return request.redirect(f"/my/service-issues/{anomaly.id}?{query}answered={answer}")

    # ------------------------------------------------------------------
    # Online complaint form
    # ------------------------------------------------------------------
    def _cf_complaint_values(self, **extra):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "complaint", "categories": self._cf_categories()})
        values.update(extra)
        return values

    @http.route("/my/service-issues/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_complaint_form(self, **kw):
        return request.render(
            "customer_followup.portal_complaint_form", self._cf_complaint_values(form={})
        )

    def _cf_rate_limited(self, customer):
        limit = int(
            request.env["ir.config_parameter"]
            .sudo()
            .get_param(RATE_LIMIT_PARAM, RATE_LIMIT_DEFAULT)
        )
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = (
            request.env[ANOMALY]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("partner_id", "=", customer.id),
                    ("source", "=", "online"),
                    ("create_date", ">=", since),
                ]
            )
        )
        return recent >= limit

    @http.route("/my/service-issues/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_submit(self, category="", description="", impact="", **kw):
        env = request.env
        partner = env.user.partner_id
        customer = partner.commercial_partner_id
        form = {"category": category, "description": description, "impact": impact}
        if env.user._is_internal():
            raise NotFound()
        if self._cf_rate_limited(customer):
            values = self._cf_complaint_values(
                form=form,
                error=env._(
                    "You have filed several complaints within the last hour. Please wait "
                    "a little, or call us: we are already working on them."
                ),
            )
            return request.render("customer_followup.portal_complaint_form", values, status=429)
        description = plain_text(description)[:MAX_TEXT]
        impact = plain_text(impact)[:MAX_TEXT]
        files = [f for f in request.httprequest.files.getlist("attachments") if f.filename]
        error = None
        if category not in dict(CATEGORIES):
            error = env._("Choose what the complaint is about.")
        elif not description:
            error = env._("Describe the problem.")
        elif len(files) > MAX_ATTACHMENTS:
            error = env._("Attach at most %(count)s files.", count=MAX_ATTACHMENTS)
        contents = []
        for upload in files if not error else []:
            data = upload.read(MAX_ATTACHMENT_BYTES + 1)
            if len(data) > MAX_ATTACHMENT_BYTES:
                error = env._("%(file)s is larger than 10 MB.", file=upload.filename)
                break
            contents.append((upload.filename, data))
        if error:
            return request.render(
                "customer_followup.portal_complaint_form",
                self._cf_complaint_values(form=form, error=error),
                status=400,
            )
        company = customer.company_id or env.user.company_id
        Anomaly = env[ANOMALY].sudo().with_company(company)
        anomaly = Anomaly.create(
            {
                "partner_id": customer.id,
                "contact_id": partner.id if partner != customer else False,
                "company_id": company.id,
                "source": "online",
                "category": category,
                "description": description,
                "production_impact": impact or False,
                "user_id": customer.with_company(company).followup_user_id.id or False,
            }
        )
        attachments = (
            env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "res_model": ANOMALY,
                        "res_id": anomaly.id,
                    }
                    for name, data in contents
                ]
            )
        )
        anomaly.message_subscribe(partner_ids=partner.ids)
        anomaly.message_post(
            body=env._("Complaint filed online: %(description)s", description=description),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )
        return request.redirect(f"/my/service-issues/{anomaly.id}?created=1")
