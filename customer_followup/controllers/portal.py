from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.customer_followup_anomaly import CATEGORIES, OPEN_STATES
from ..models.customer_followup_anomaly_portal import plain_text
from ..models.customer_followup_visit import OPEN_STATES as VISIT_OPEN_STATES

ANOMALY = "customer.followup.anomaly"
VISIT = "customer.followup.visit"
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000
# Rows per page of the lists; every record is on some page.
ITEMS_PER_PAGE = 20
# Records of the last list shown, for the previous / next buttons of a page.
HISTORY_SIZE = 100


class CustomerFollowupPortal(CustomerPortal):
    """The customer's own pages: follow-ups, service issues, complaints, on
    Odoo's portal pattern (``_document_check_access``, access tokens,
    ``portal_pager``).

    Portal users read the follow-ups and anomalies of their customer, public
    fields only (record rules ``customer_followup_*_rule_portal``, README's
    *Customers' portal*): the lists and counters search as the user. A page
    gets its record from ``_document_check_access``, which lets through the
    user's own rights and rules (employees, the customer's portal users) or
    the record's access token (the links of e-mails) and returns it sudoed,
    as Odoo's own portal pages do; only the public part is rendered."""

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def _cf_domain(self):
        """The user's records as a customer (for employees too, who may read
        more): its customer's, or only its own ones when the customer does
        not share them; for portal users, what their record rule gives."""
        return request.env.user.partner_id._followup_portal_domain()

    def _cf_check(self, model_name, document_id, access_token=None):
        """The record, sudoed, if the user or the token may see it; 404
        otherwise, whether it exists or not, so ids cannot be probed."""
        try:
            return self._document_check_access(model_name, document_id, access_token)
        except (AccessError, MissingError):
            raise NotFound() from None

    def _cf_author(self, record_sudo):
        """Who speaks on the record: the logged-in contact, or, through the
        e-mail link, the contact the record is about."""
        user = request.env.user
        if not user._is_public():
            return user.partner_id
        return record_sudo.contact_id or record_sudo.partner_id

    def _cf_page_values(self, record_sudo, access_token, history, **extra):
        values = self._get_page_view_values(
            record_sudo, access_token, self._prepare_portal_layout_values(), history, False
        )
        # The portal chatter reads the public messages through the token: the
        # customer's contacts have no rights on the record itself.
        values["token"] = record_sudo._portal_ensure_token()
        values["access_token"] = access_token
        values.update(extra)
        return values

    def _cf_back(self, record_sudo, access_token, flag):
        query = f"access_token={access_token}&" if access_token else ""
        return request.redirect(f"{record_sudo.access_url}?{query}{flag}")

    # ------------------------------------------------------------------
    # Lists and counters
    # ------------------------------------------------------------------
    def _cf_visit_domain(self):
        return self._cf_domain() + [("state", "!=", "cancelled")]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if request.env.user._is_public():
            return values
        if "followup_visit_count" in counters:
            values["followup_visit_count"] = request.env[VISIT].search_count(
                self._cf_visit_domain()
            )
        if "followup_anomaly_count" in counters:
            values["followup_anomaly_count"] = request.env[ANOMALY].search_count(self._cf_domain())
        return values

    def _cf_list_values(self, model, url, domain, sortings, filters, page, sortby, filterby):
        """One page of a list on Odoo's portal pager: sorted and filtered as
        asked, every record reachable page after page (the orders end on the
        id, so no record falls between two pages)."""
        sortby = sortby if sortby in sortings else next(iter(sortings))
        filterby = filterby if filterby in filters else next(iter(filters))
        domain = domain + filters[filterby]["domain"]
        Model = request.env[model]
        pager = portal_pager(
            url=url,
            total=Model.search_count(domain),
            page=page,
            step=ITEMS_PER_PAGE,
            url_args={"sortby": sortby, "filterby": filterby},
        )
        records = Model.search(
            domain,
            order=sortings[sortby]["order"],
            limit=ITEMS_PER_PAGE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "records": records,
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return values

    # ------------------------------------------------------------------
    # My follow-ups
    # ------------------------------------------------------------------
    def _cf_visit_sortings(self):
        _ = request.env._
        return {
            "date": {"label": _("Newest first"), "order": "scheduled_date desc, id desc"},
            "date_asc": {"label": _("Oldest first"), "order": "scheduled_date asc, id asc"},
            "name": {"label": _("Reference"), "order": "name asc, id asc"},
        }

    def _cf_visit_filters(self):
        _ = request.env._
        return {
            "all": {"label": _("All"), "domain": []},
            "upcoming": {
                "label": _("Upcoming"),
                "domain": [("state", "in", VISIT_OPEN_STATES)],
            },
            "done": {"label": _("Done"), "domain": [("state", "=", "done")]},
        }

    @http.route(
        ["/my/follow-ups", "/my/follow-ups/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_followups(self, page=1, sortby=None, filterby=None, **kw):
        values = self._cf_list_values(
            VISIT,
            "/my/follow-ups",
            self._cf_visit_domain(),
            self._cf_visit_sortings(),
            self._cf_visit_filters(),
            page,
            sortby,
            filterby,
        )
        request.session["my_followups_history"] = values["records"].ids[:HISTORY_SIZE]
        values.update(
            {
                "page_name": "followups",
                "visits": values["records"],
                "open_states": VISIT_OPEN_STATES,
            }
        )
        return request.render("customer_followup.portal_my_followups", values)

    @http.route("/my/follow-ups/<int:visit_id>", type="http", auth="public", website=True)
    def portal_followup(self, visit_id, access_token=None, **kw):
        visit_sudo = self._cf_check(VISIT, visit_id, access_token)
        return self._cf_render_followup(
            visit_sudo, access_token, requested=kw.get("requested"), answered=kw.get("answered")
        )

    def _cf_render_followup(self, visit_sudo, access_token, status=200, **extra):
        values = self._cf_page_values(
            visit_sudo,
            access_token,
            "my_followups_history",
            page_name="followup",
            visit=visit_sudo,
            open_states=VISIT_OPEN_STATES,
            verifies=self._cf_verified_anomaly(visit_sudo),
            **extra,
        )
        return request.render("customer_followup.portal_followup", values, status=status)

    def _cf_verified_anomaly(self, visit_sudo):
        """The closed anomaly this open follow-up verifies, if any."""
        if visit_sudo.state not in VISIT_OPEN_STATES:
            return request.env[ANOMALY]
        # In the follow-up's sudoed environment: only its question is shown.
        return (
            visit_sudo.env[ANOMALY]
            .with_context(active_test=False)
            .search([("verification_visit_id", "=", visit_sudo.id)], limit=1)
        )

    @http.route(
        "/my/follow-ups/<int:visit_id>/another-time",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_followup_another_time(
        self, visit_id, preferred="", message="", access_token=None, **kw
    ):
        visit_sudo = self._cf_check(VISIT, visit_id, access_token)
        if visit_sudo.state not in VISIT_OPEN_STATES:
            raise NotFound()
        preferred = plain_text(preferred)[:200]
        message = plain_text(message)[:MAX_TEXT]
        env = request.env
        if not preferred:
            return self._cf_render_followup(
                visit_sudo,
                access_token,
                status=400,
                error=env._("Say when we may call or visit you instead."),
            )
        author = self._cf_author(visit_sudo)
        note = env._(
            "%(contact)s asks for another time: %(preferred)s. %(message)s",
            contact=author.name,
            preferred=preferred,
            message=message,
        )
        visit_sudo.message_post(
            body=note,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        visit_sudo.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=env._("The customer asks for another time"),
            note=note,
            user_id=(
                visit_sudo.user_id
                or visit_sudo.partner_id.with_company(visit_sudo.company_id).followup_user_id
                or env.ref("base.user_admin")
            ).id,
        )
        return self._cf_back(visit_sudo, access_token, "requested=1")

    @http.route(
        "/my/follow-ups/<int:visit_id>/answer",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_followup_answer(
        self, visit_id, answer="", rating="", comment="", access_token=None, **kw
    ):
        """The verification follow-up of a closed anomaly, answered by the
        customer: still solved, or not (which raises a new anomaly)."""
        visit_sudo = self._cf_check(VISIT, visit_id, access_token)
        anomaly_sudo = self._cf_verified_anomaly(visit_sudo)
        if not anomaly_sudo:
            raise NotFound()
        try:
            anomaly_sudo._answer_verification(
                visit_sudo,
                answer == "solved",
                rating,
                comment[:MAX_TEXT],
                self._cf_author(visit_sudo),
            )
        except (UserError, ValidationError) as error:
            return self._cf_render_followup(
                visit_sudo, access_token, status=400, error=error.args[0]
            )
        return self._cf_back(visit_sudo, access_token, "answered=1")

    # ------------------------------------------------------------------
    # My service issues
    # ------------------------------------------------------------------
    def _cf_categories(self):
        labels = dict(request.env[ANOMALY]._fields["category"]._description_selection(request.env))
        return [(key, labels[key]) for key, _label in CATEGORIES]

    def _cf_issue_sortings(self):
        _ = request.env._
        return {
            "date": {"label": _("Newest first"), "order": "discovered_at desc, id desc"},
            "date_asc": {"label": _("Oldest first"), "order": "discovered_at asc, id asc"},
            "name": {"label": _("Reference"), "order": "name asc, id asc"},
        }

    def _cf_issue_filters(self):
        _ = request.env._
        return {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Being handled"), "domain": [("state", "in", OPEN_STATES)]},
            "confirm": {
                "label": _("Waiting for your confirmation"),
                "domain": [("state", "=", "feedback"), ("customer_confirmation", "=", "pending")],
            },
            "closed": {"label": _("Closed"), "domain": [("state", "=", "closed")]},
        }

    @http.route(
        ["/my/service-issues", "/my/service-issues/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_service_issues(self, page=1, sortby=None, filterby=None, **kw):
        values = self._cf_list_values(
            ANOMALY,
            "/my/service-issues",
            self._cf_domain(),
            self._cf_issue_sortings(),
            self._cf_issue_filters(),
            page,
            sortby,
            filterby,
        )
        request.session["my_service_issues_history"] = values["records"].ids[:HISTORY_SIZE]
        values.update({"page_name": "service_issues", "anomalies": values["records"]})
        return request.render("customer_followup.portal_my_service_issues", values)

    @http.route("/my/service-issues/<int:anomaly_id>", type="http", auth="public", website=True)
    def portal_service_issue(self, anomaly_id, access_token=None, **kw):
        anomaly_sudo = self._cf_check(ANOMALY, anomaly_id, access_token)
        return self._cf_render_issue(
            anomaly_sudo, access_token, created=kw.get("created"), answered=kw.get("answered")
        )

    def _cf_render_issue(self, anomaly_sudo, access_token, status=200, **extra):
        values = self._cf_page_values(
            anomaly_sudo,
            access_token,
            "my_service_issues_history",
            page_name="service_issue",
            anomaly=anomaly_sudo,
            timeline=anomaly_sudo._portal_timeline(),
            promise=anomaly_sudo._portal_promise(),
            categories=dict(self._cf_categories()),
            **extra,
        )
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
        anomaly_sudo = self._cf_check(ANOMALY, anomaly_id, access_token)
        user = request.env.user
        author = anomaly_sudo._customer_recipient() if user._is_public() else user.partner_id
        try:
            if answer == "confirm":
                anomaly_sudo._customer_confirm(rating, comment[:MAX_TEXT], author=author)
            elif answer == "reject":
                anomaly_sudo._customer_reject(rating, comment[:MAX_TEXT], author=author)
            else:
                raise UserError(request.env._("Confirm the result or say it is not solved."))
        except (UserError, ValidationError) as error:
            return self._cf_render_issue(
                anomaly_sudo, access_token, status=400, error=error.args[0]
            )
        return self._cf_back(anomaly_sudo, access_token, f"answered={answer}")

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

    @http.route("/my/service-issues/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_submit(self, category="", description="", impact="", **kw):
        env = request.env
        partner = env.user.partner_id
        customer = partner.commercial_partner_id
        form = {"category": category, "description": description, "impact": impact}
        if env.user._is_internal():
            raise NotFound()
        if env[ANOMALY]._portal_complaints_exceeded(customer):
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
        anomaly = env[ANOMALY]._file_portal_complaint(
            partner,
            {
                "category": category,
                "description": description,
                "production_impact": impact or False,
            },
            contents,
        )
        return request.redirect(f"/my/service-issues/{anomaly.id}?created=1")
