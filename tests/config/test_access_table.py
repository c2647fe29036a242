"""The access table: every door of the portal, tried by every persona, against one explicit table.

The routes come from the URL resolver, so a new route is tried as soon as it exists, and
``test_every_route_is_in_the_table`` fails until its lines are in ``ACCESS_TABLE``: the failure
prints the lines to paste, with what each persona got (check each value before pasting). A route
with parameters first needs an entry in ``URL_KWARGS`` (which scenario object it shows; add the
object to ``tests/access_scenario.py`` if it is new) and, if its form needs data, in ``POST_DATA``.
A variant (``name[variant]`` in ``URL_KWARGS``) is the same route on another object or action.

Each persona GETs every page and POSTs every door (with a CSRF token, real ids and plausible data)
and gets exactly its cell of the table:

- ``200`` ``400`` ``403`` ``404`` ``405``: the status code;
- ``>name``: a redirect to the page named ``name`` (the URL name, with its namespace only where the
  bare name is ambiguous, e.g. ``>banks:home``); ``>login`` is the login page;
- a trailing ``*``: the request wrote to the database (INSERT, UPDATE or DELETE on a portal table,
  read from the SQL sent). A cell without it must write nothing, so a refusal that redirects with a
  message (``>officer_list`` for an officer who is not the admin) is told from a success
  (``>officer_list*``). The log of who opened a need is a read and does not count.

Besides that: a refused request (403, 404, 405, a redirect to the login page) shows nothing of the
enterprise (name, credit code, phone, purposes, amounts, contract number); the outsiders
(anonymous, another enterprise, an unrelated bank) see none of it on any page at all, and the rival
bank never sees the agreement another bank signed nor a product under review.

The scenario is built once for the module; every request runs in a savepoint rolled back after it.
The admin is covered by a simpler rule: only staff get in.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from tests import access_scenario
from tests.access_scenario import PERSONAS, Scenario
from tests.factories import UserFactory
from tests.refusals import PORTAL_APPS, fingerprint

# fmt: off
ACCESS_TABLE = """
# route[variant]                    method  anon                  member                ent_admin             other_ent             holder                holder_admin          rival                 stranger              bureau                 finance
home                                GET     >login                >enterprises:home     >enterprises:home     >enterprises:home     >banks:home           >banks:home           >banks:home           >banks:home           >office_home           >office_home
home                                POST    >login                >enterprises:home     >enterprises:home     >enterprises:home     >banks:home           >banks:home           >banks:home           >banks:home           >office_home           >office_home
accounts:login                      GET     200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
accounts:login                      POST    200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
accounts:logout                     GET     >login                405                   405                   405                   405                   405                   405                   405                   405                    405
accounts:logout                     POST    >login                >login                >login                >login                >login                >login                >login                >login                >login                 >login
accounts:notices                    GET     >login                200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:notices                    POST    >login                200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:notices_read               GET     >login                405                   405                   405                   405                   405                   405                   405                   405                    405
accounts:notices_read               POST    >login                >notices*             >notices*             >notices*             >notices*             >notices*             >notices*             >notices*             >notices*              >notices*
accounts:preferences                GET     >login                200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:preferences                POST    >login                >preferences*         >preferences*         >preferences*         >preferences*         >preferences*         >preferences*         >preferences*         >preferences*          >preferences*
accounts:password_change            GET     >login                200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_change            POST    >login                200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_reset             GET     200                   200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_reset             POST    >password_reset_done  >password_reset_done  >password_reset_done  >password_reset_done  >password_reset_done  >password_reset_done  >password_reset_done  >password_reset_done  >password_reset_done   >password_reset_done
accounts:password_reset_done        GET     200                   200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_reset_done        POST    405                   405                   405                   405                   405                   405                   405                   405                   405                    405
accounts:password_reset_confirm     GET     200                   200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_reset_confirm     POST    200                   200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_reset_complete    GET     200                   200                   200                   200                   200                   200                   200                   200                   200                    200
accounts:password_reset_complete    POST    405                   405                   405                   405                   405                   405                   405                   405                   405                    405
enterprises:home                    GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:home                    POST    >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:register                GET     200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
enterprises:register                POST    200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
enterprises:invitation_accept       GET     200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
enterprises:invitation_accept       POST    200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
enterprises:profile_edit            GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:profile_edit            POST    >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:members                 GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:members                 POST    >login                404                   >members*             >members*             403                   403                   403                   403                   403                    403
enterprises:member_remove           GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:member_remove           POST    >login                >members              >members*             404                   403                   403                   403                   403                   403                    403
enterprises:projects                GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:projects                POST    >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:project_create          GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:project_create          POST    >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:project_edit            GET     >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:project_edit            POST    >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:project_archive         GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:project_archive         POST    >login                >projects*            >projects*            404                   403                   403                   403                   403                   403                    403
enterprises:need_list               GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:need_list               POST    >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:need_create             GET     >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:need_create             POST    >login                200                   200                   200                   403                   403                   403                   403                   403                    403
enterprises:need_edit               GET     >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_edit               POST    >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_submit             GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:need_submit             POST    >login                >enterprises:need_detail*         >enterprises:need_detail*         404                   403                   403                   403                   403                   403                    403
enterprises:need_withdraw           GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:need_withdraw           POST    >login                >enterprises:need_detail*         >enterprises:need_detail*         404                   403                   403                   403                   403                   403                    403
enterprises:need_revoke_access      GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:need_revoke_access      POST    >login                >enterprises:need_detail*         >enterprises:need_detail*         404                   403                   403                   403                   403                   403                    403
enterprises:need_detail             GET     >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_detail             POST    >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_detail[signed]     GET     >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_detail[signed]     POST    >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_after_declines     GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:need_after_declines     POST    >login                >enterprises:need_detail          >enterprises:need_detail          404                   403                   403                   403                   403                   403                    403
enterprises:need_matches            GET     >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_matches            POST    >login                200                   200                   404                   403                   403                   403                   403                   403                    403
enterprises:need_reply              GET     >login                405                   405                   405                   403                   403                   403                   403                   403                    403
enterprises:need_reply              POST    >login                400                   400                   404                   403                   403                   403                   403                   403                    403
banks:home                          GET     >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:home                          POST    >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:lead_list                     GET     >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:lead_list                     POST    >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:lead_detail                   GET     >login                403                   403                   403                   200                   200                   404                   404                   403                    403
banks:lead_detail                   POST    >login                403                   403                   403                   200                   200                   404                   404                   403                    403
banks:lead_detail[closed]           GET     >login                403                   403                   403                   404                   404                   200                   404                   403                    403
banks:lead_detail[closed]           POST    >login                403                   403                   403                   404                   404                   200                   404                   403                    403
banks:lead_detail[rival_lead]       GET     >login                403                   403                   403                   404                   404                   200                   404                   403                    403
banks:lead_detail[rival_lead]       POST    >login                403                   403                   403                   404                   404                   200                   404                   403                    403
banks:lead_detail[signed]           GET     >login                403                   403                   403                   200                   200                   404                   404                   403                    403
banks:lead_detail[signed]           POST    >login                403                   403                   403                   200                   200                   404                   404                   403                    403
banks:lead_claim                    GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_claim                    POST    >login                403                   403                   403                   >banks:lead_detail          >banks:lead_detail          404                   404                   403                    403
banks:lead_claim[rival_lead]        GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_claim[rival_lead]        POST    >login                403                   403                   403                   404                   404                   >banks:lead_detail*         404                   403                    403
banks:lead_assign                   GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_assign                   POST    >login                403                   403                   403                   >banks:lead_detail*         >banks:lead_detail*         404                   404                   403                    403
banks:lead_decline                  GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_decline                  POST    >login                403                   403                   403                   >banks:lead_list*           >banks:lead_list*           404                   404                   403                    403
banks:lead_sign                     GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_sign                     POST    >login                403                   403                   403                   400                   400                   404                   404                   403                    403
banks:agreement_correction_request  GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:agreement_correction_request  POST    >login                403                   403                   403                   400                   400                   404                   404                   403                    403
banks:lead_step                     GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_step                     POST    >login                403                   403                   403                   400                   400                   404                   404                   403                    403
banks:lead_step[approve]            GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_step[approve]            POST    >login                403                   403                   403                   400                   400                   404                   404                   403                    403
banks:lead_step[request_info]       GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_step[request_info]       POST    >login                403                   403                   403                   >banks:lead_detail*         >banks:lead_detail*         404                   404                   403                    403
banks:lead_step[review]             GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_step[review]             POST    >login                403                   403                   403                   >banks:lead_detail*         >banks:lead_detail*         404                   404                   403                    403
banks:lead_step[rival_lead]         GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_step[rival_lead]         POST    >login                403                   403                   403                   404                   404                   400                   404                   403                    403
banks:lead_step[unknown]            GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:lead_step[unknown]            POST    >login                403                   403                   403                   404                   404                   404                   404                   403                    403
banks:matched_needs                 GET     >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:matched_needs                 POST    >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:need_take                     GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:need_take                     POST    >login                403                   403                   403                   >banks:lead_detail*         >banks:lead_detail*         >matched_needs        >matched_needs        403                    403
banks:product_list                  GET     >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:product_list                  POST    >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:product_create                GET     >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:product_create                POST    >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:product_edit                  GET     >login                403                   403                   403                   200                   200                   404                   404                   403                    403
banks:product_edit                  POST    >login                403                   403                   403                   200                   200                   404                   404                   403                    403
banks:product_submit                GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:product_submit                POST    >login                403                   403                   403                   >product_list*        >product_list*        404                   404                   403                    403
banks:product_retire                GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:product_retire                POST    >login                403                   403                   403                   >product_list*        >product_list*        404                   404                   403                    403
banks:officer_list                  GET     >login                403                   403                   403                   200                   200                   200                   200                   403                    403
banks:officer_list                  POST    >login                403                   403                   403                   404                   >officer_list*        404                   404                   403                    403
banks:officer_role                  GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:officer_role                  POST    >login                403                   403                   403                   >officer_list         >officer_list*        404                   404                   403                    403
banks:officer_remove                GET     >login                403                   403                   403                   405                   405                   405                   405                   403                    403
banks:officer_remove                POST    >login                403                   403                   403                   >officer_list         >officer_list*        404                   404                   403                    403
banks:invitation_accept             GET     200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
banks:invitation_accept             POST    200                   >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
catalogue                           GET     200                   200                   200                   200                   200                   200                   200                   200                   200                    200
catalogue                           POST    200                   200                   200                   200                   200                   200                   200                   200                   200                    200
office:office_home                  GET     >login                403                   403                   403                   403                   403                   403                   403                   200                    200
office:office_home                  POST    >login                403                   403                   403                   403                   403                   403                   403                   200                    200
office:verification_queue           GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:verification_queue           POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:verification_detail          GET     >login                403                   403                   403                   403                   403                   403                   403                   200                    200
office:verification_detail          POST    >login                403                   403                   403                   403                   403                   403                   403                   200                    >verification_queue
office:project_key_flag             GET     >login                403                   403                   403                   403                   403                   403                   403                   405                    405
office:project_key_flag             POST    >login                403                   403                   403                   403                   403                   403                   403                   >verification_detail*  >verification_detail*
office:scoring_policy               GET     >login                403                   403                   403                   403                   403                   403                   403                   403                    200
office:scoring_policy               POST    >login                403                   403                   403                   403                   403                   403                   403                   403                    200
office:product_review_queue         GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:product_review_queue         POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:product_review               GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:product_review               POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >product_review_queue*
office:audit_log                    GET     >login                403                   403                   403                   403                   403                   403                   403                   200                    200
office:audit_log                    POST    >login                403                   403                   403                   403                   403                   403                   403                   200                    200
office:agreement_corrections        GET     >login                403                   403                   403                   403                   403                   403                   403                   403                    200
office:agreement_corrections        POST    >login                403                   403                   403                   403                   403                   403                   403                   403                    200
office:agreement_correction_decide  GET     >login                403                   403                   403                   403                   403                   403                   403                   403                    405
office:agreement_correction_decide  POST    >login                403                   403                   403                   403                   403                   403                   403                   403                    >agreement_corrections*
set_language                        GET     >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
set_language                        POST    >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                 >home                  >home
favicon                             GET     >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico   >/static/favicon.ico
favicon                             POST    >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico  >/static/favicon.ico   >/static/favicon.ico
accounts:accessibility              GET     200                   200                   200                   200                   200                   200                   200                   200                   200                   200
accounts:accessibility              POST    200                   200                   200                   200                   200                   200                   200                   200                   200                   200
enterprises:advised_list            GET     >login                403                   403                   403                   200                   200                   200                   200                   200                   200
enterprises:advised_list            POST    >login                403                   403                   403                   200                   200                   200                   200                   200                   200
enterprises:advised_detail          GET     >login                403                   403                   403                   200                   404                   404                   404                   404                   404
enterprises:advised_detail          POST    >login                403                   403                   403                   200                   404                   404                   404                   404                   404
banks:disbursement_record           GET     >login                403                   403                   403                   405                   405                   405                   405                   403                   403
banks:disbursement_record           POST    >login                403                   403                   403                   >banks:lead_detail*   >banks:lead_detail*   404                   404                   403                   403
banks:sign_venues                   GET     >login                403                   403                   403                   200                   200                   200                   200                   403                   403
banks:sign_venues                   POST    >login                403                   403                   403                   200                   200                   200                   200                   403                   403
office:dashboard                    GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:dashboard                    POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:funnel                       GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:funnel                       POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:annual_targets               GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:annual_targets               POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   >annual_targets*
office:monthly_report               GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:monthly_report               POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_report               GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_report               POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_report_export        GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_report_export        POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_board_link           GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_board_link           POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_board_rotate         GET     >login                403                   403                   403                   403                   403                   403                   403                   405                   405
office:meeting_board_rotate         POST    >login                403                   403                   403                   403                   403                   403                   403                   >meeting_board_link   >meeting_board_link*
office:meeting_board_screen         GET     200                   200                   200                   200                   200                   200                   200                   200                   200                   200
office:meeting_board_screen         POST    200                   200                   200                   200                   200                   200                   200                   200                   200                   200
office:meeting_board_live           GET     200                   200                   200                   200                   200                   200                   200                   200                   200                   200
office:meeting_board_live           POST    200                   200                   200                   200                   200                   200                   200                   200                   200                   200
office:meeting_follow_up            GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_follow_up            POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_talks                GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_talks                POST    >login                403                   403                   403                   403                   403                   403                   403                   400                   >meeting_talks*
office:meeting_talk_add             GET     >login                403                   403                   403                   403                   403                   403                   403                   405                   405
office:meeting_talk_add             POST    >login                403                   403                   403                   403                   403                   403                   403                   400                   400
office:meeting_talk_move            GET     >login                403                   403                   403                   403                   403                   403                   403                   405                   405
office:meeting_talk_move            POST    >login                403                   403                   403                   403                   403                   403                   403                   >meeting_talks        >meeting_talks*
office:meeting_talk_remove          GET     >login                403                   403                   403                   403                   403                   403                   403                   405                   405
office:meeting_talk_remove          POST    >login                403                   403                   403                   403                   403                   403                   403                   >meeting_talks        >meeting_talks*
office:unserved_needs               GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:unserved_needs               POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:unserved_push                GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:unserved_push                POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >unserved_needs*
office:league_table                 GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:league_table                 POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:share_link_create            GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:share_link_create            POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >league_table*
office:share_link_revoke            GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:share_link_revoke            POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >league_table*
office:league_shared                GET     200                   200                   200                   200                   200                   200                   200                   200                   200                   200
office:league_shared                POST    200                   200                   200                   200                   200                   200                   200                   200                   200                   200
office:recommendations              GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:recommendations              POST    >login                403                   403                   403                   403                   403                   403                   403                   >recommendations*     >recommendations
office:recommendation_withdraw      GET     >login                403                   403                   403                   403                   403                   403                   403                   405                   405
office:recommendation_withdraw      POST    >login                403                   403                   403                   403                   403                   403                   403                   >recommendations*     >recommendations
office:advisers                     GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:advisers                     POST    >login                403                   403                   403                   403                   403                   403                   403                   >advisers             >advisers*
office:adviser_end                  GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:adviser_end                  POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >advisers*
office:enterprise_list              GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:enterprise_list              POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:need_list                    GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:need_list                    POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:need_detail                  GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:need_detail                  POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:lead_list                    GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:lead_list                    POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:lead_detail                  GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:lead_detail                  POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:agreement_list               GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:agreement_list               POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_list                 GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_list                 POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_create               GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:meeting_create               POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:series_create                GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:series_create                POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:series_detail                GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:series_detail                POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_detail               GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_detail               POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_edit                 GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:meeting_edit                 POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:meeting_cancel               GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:meeting_cancel               POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:meeting_invite               GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:meeting_invite               POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:invitation_withdraw          GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:invitation_withdraw          POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:venue_create                 GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:venue_create                 POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:venue_edit                   GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   200
office:venue_edit                   POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:venue_delete                 GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:venue_delete                 POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:presented_add                GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:presented_add                POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:presented_remove             GET     >login                403                   403                   403                   403                   403                   403                   403                   403                   405
office:presented_remove             POST    >login                403                   403                   403                   403                   403                   403                   403                   403                   >meeting_detail*
office:meeting_reminders            GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_reminders            POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   >meeting_reminders*
office:meeting_checkin              GET     >login                403                   403                   403                   403                   403                   403                   403                   200                   200
office:meeting_checkin              POST    >login                403                   403                   403                   403                   403                   403                   403                   200                   200
meetings:my_meetings                GET     >login                200                   200                   200                   200                   200                   200                   200                   200                   200
meetings:my_meetings                POST    >login                200                   200                   200                   200                   200                   200                   200                   200                   200
meetings:detail                     GET     >login                200                   200                   404                   200                   200                   404                   404                   404                   404
meetings:detail                     POST    >login                >detail*              >detail*              404                   >detail*              >detail*              404                   404                   404                   404
meetings:talk_interest              GET     >login                405                   405                   405                   405                   405                   405                   405                   405                   405
meetings:talk_interest              POST    >login                >detail               >detail               404                   >detail*              >detail*              404                   404                   404                   404
meetings:answer_by_link             GET     200                   200                   200                   200                   200                   200                   200                   200                   200                   200
meetings:answer_by_link             POST    200*                  200*                  200*                  200*                  200*                  200*                  200*                  200*                  200*                  200*
meetings:invitation_portal          GET     >login                200                   404                   404                   404                   404                   404                   404                   404                   404
meetings:invitation_portal          POST    >login                200                   404                   404                   404                   404                   404                   404                   404                   404
meetings:invitation_portal[holder]  GET     >login                404                   404                   404                   200                   404                   404                   404                   404                   404
meetings:invitation_portal[holder]  POST    >login                404                   404                   404                   200                   404                   404                   404                   404                   404
"""
# fmt: on

# Outcomes that refuse: the request must change nothing and show nothing of the enterprise.
REFUSED = {"403", "404", "405", ">login"}
# Personas with no business with the enterprise at all: nothing of it on any page they get.
OUTSIDERS = {"anon", "other_ent", "stranger"}
# What the rival bank (another lead on the same need) must never see: the agreement 城东 signed
# and 城东's product still under review.
RIVAL_SECRETS = (
    "the agreement's amount",
    "the contract number",
    "the holder bank's product under review",
)
# Pages that show the enterprise's name to whoever holds the link's token (an invitee).
TOKEN_PAGES = {("enterprises:invitation_accept", "anon")}
# Pages that publish a figure which, in this one-agreement district, equals a secret: the shared
# league table shows each institution's signed total, and 城东's only agreement makes its total
# the agreement's amount. The enterprise itself (name, purpose, contract) still must not show.
AGGREGATES = {"office:league_shared": {"the agreement's amount"}}
# The consent log records each officer's read of a need: a read, whatever the method.
READ_LOG = {"enterprises.NeedAccessLog"}
SKIPPED_NAMESPACES = ("admin",)

# The module's scenario, built once (see tests/access_scenario.py).
scenario = access_scenario.scenario


def _kw(**values):
    """URL kwargs taken from the scenario: ``_kw(pk="lead.pk")`` reads ``scenario.lead.pk``."""

    def resolve_values(s: Scenario):
        out = {}
        for key, path in values.items():
            if callable(path):
                out[key] = path(s)
                continue
            if not isinstance(path, str) or "." not in path:
                out[key] = path
                continue
            obj = s
            for part in path.split("."):
                obj = getattr(obj, part)
            out[key] = obj
        return out

    return resolve_values


# Which object each route with parameters shows. A variant ("name[variant]") is the same route
# on another object or action; it has its own lines in the table.
URL_KWARGS = {
    "accounts:password_reset_confirm": _kw(uidb64="MQ", token="set-password"),
    "enterprises:invitation_accept": _kw(token="enterprise_invitation.token"),
    "enterprises:member_remove": _kw(user_id="colleague.pk"),
    "enterprises:project_edit": _kw(pk="project.pk"),
    "enterprises:project_archive": _kw(pk="project.pk"),
    "enterprises:need_edit": _kw(pk="draft_need.pk"),
    "enterprises:need_submit": _kw(pk="draft_need.pk"),
    "enterprises:need_withdraw": _kw(pk="need.pk"),
    "enterprises:need_revoke_access": _kw(pk="need.pk", institution_id="holder_institution.pk"),
    "enterprises:need_detail": _kw(pk="need.pk"),
    "enterprises:need_detail[signed]": _kw(pk="signed_need.pk"),
    "enterprises:need_after_declines": _kw(pk="need.pk"),
    "enterprises:need_matches": _kw(pk="need.pk"),
    "enterprises:need_reply": _kw(pk="need.pk", lead_pk="lead.pk"),
    "banks:invitation_accept": _kw(token="officer_invitation.token"),
    "banks:lead_detail": _kw(pk="lead.pk"),
    "banks:lead_detail[rival_lead]": _kw(pk="rival_lead.pk"),
    "banks:lead_detail[signed]": _kw(pk="signed_lead.pk"),
    "banks:lead_detail[closed]": _kw(pk="rival_closed_lead.pk"),
    "banks:lead_claim": _kw(pk="lead.pk"),
    "banks:lead_claim[rival_lead]": _kw(pk="rival_lead.pk"),
    "banks:lead_assign": _kw(pk="lead.pk"),
    "banks:lead_decline": _kw(pk="lead.pk"),
    "banks:lead_sign": _kw(pk="lead.pk"),
    "banks:agreement_correction_request": _kw(pk="signed_lead.pk"),
    "banks:lead_step": _kw(pk="lead.pk", action="contact"),
    "banks:lead_step[request_info]": _kw(pk="lead.pk", action="request_info"),
    "banks:lead_step[review]": _kw(pk="lead.pk", action="review"),
    "banks:lead_step[approve]": _kw(pk="lead.pk", action="approve"),
    "banks:lead_step[rival_lead]": _kw(pk="rival_lead.pk", action="contact"),
    "banks:lead_step[unknown]": _kw(pk="lead.pk", action="nonsense"),
    "banks:need_take": _kw(need_id="open_need.pk"),
    "banks:product_edit": _kw(pk="product.pk"),
    "banks:product_submit": _kw(pk="product.pk"),
    "banks:product_retire": _kw(pk="product.pk"),
    "banks:officer_role": _kw(pk="holder_colleague.pk"),
    "banks:officer_remove": _kw(pk="holder_colleague.pk"),
    "office:verification_detail": _kw(pk="enterprise.pk"),
    "office:project_key_flag": _kw(pk="project.pk"),
    "office:product_review": _kw(pk="submitted_product.pk"),
    "office:agreement_correction_decide": _kw(pk="correction.pk"),
    "enterprises:advised_detail": _kw(pk="enterprise.pk"),
    "banks:disbursement_record": _kw(pk="signed_lead.pk"),
    "office:meeting_report": _kw(pk="meeting.pk"),
    "office:meeting_report_export": _kw(pk="meeting.pk"),
    "office:meeting_board_link": _kw(pk="meeting.pk"),
    "office:meeting_board_rotate": _kw(pk="meeting.pk"),
    "office:meeting_board_screen": _kw(token="meeting.board_token"),
    "office:meeting_board_live": _kw(token="meeting.board_token"),
    "office:meeting_follow_up": _kw(pk="meeting.pk"),
    "office:meeting_talks": _kw(pk="meeting.pk"),
    "office:meeting_talk_add": _kw(pk="meeting.pk"),
    "office:meeting_talk_move": _kw(pk="meeting.pk", slot_pk="talk_slot.pk"),
    "office:meeting_talk_remove": _kw(pk="meeting.pk", slot_pk="talk_slot.pk"),
    "office:unserved_push": _kw(pk="unserved_need.pk"),
    "office:share_link_revoke": _kw(pk="share_link.pk"),
    "office:league_shared": _kw(token="share_link.token"),
    "office:recommendation_withdraw": _kw(pk="recommendation.pk"),
    "office:adviser_end": _kw(pk="adviser.pk"),
    "office:need_detail": _kw(pk="need.pk"),
    "office:lead_detail": _kw(pk="lead.pk"),
    "office:series_detail": _kw(pk="series.pk"),
    "office:meeting_detail": _kw(pk="meeting.pk"),
    "office:meeting_edit": _kw(pk="meeting.pk"),
    "office:meeting_cancel": _kw(pk="meeting.pk"),
    "office:meeting_invite": _kw(pk="meeting.pk"),
    "office:invitation_withdraw": _kw(pk="meeting.pk", invitation_pk="colleague_invitation.pk"),
    "office:venue_create": _kw(pk="meeting.pk"),
    "office:venue_edit": _kw(pk="meeting.pk", venue_pk="side_venue.pk"),
    "office:venue_delete": _kw(pk="meeting.pk", venue_pk="side_venue.pk"),
    "office:presented_add": _kw(pk="meeting.pk"),
    "office:presented_remove": _kw(pk="meeting.pk", item_pk="presented_item.pk"),
    "office:meeting_reminders": _kw(pk="meeting.pk"),
    "office:meeting_checkin": _kw(pk="meeting.pk"),
    "meetings:detail": _kw(pk="meeting.pk"),
    "meetings:talk_interest": _kw(pk="meeting.pk", enterprise_id="enterprise.pk"),
    "meetings:answer_by_link": _kw(token=lambda s: s.answer_token),
    "meetings:invitation_portal": _kw(pk="member_invitation.pk"),
    "meetings:invitation_portal[holder]": _kw(pk="holder_invitation.pk"),
}


def _local(when):
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def _today(s):
    return timezone.localdate().isoformat()


# What each door is sent on POST (plausible data for its form); a callable reads the scenario.
POST_DATA = {
    "accounts:login": {"username": "acc_member", "password": "not-the-password"},
    "accounts:password_reset": {"email": "acc_member@example.cn"},
    "accounts:preferences": {"email": "prefs@example.cn", "lead_email": "daily"},
    "set_language": {"language": "zh-hans", "next": "/"},
    "enterprises:members": {"email": "newcolleague@example.cn"},
    "enterprises:need_withdraw": {"reason": "已从其他渠道解决"},
    "enterprises:need_after_declines": {"answer": "release"},
    "enterprises:need_reply": {"text": "财务报表已上传"},
    "banks:lead_assign": lambda s: {"assignee": s.holder_colleague.pk},
    "banks:lead_decline": {"reason": "collateral", "note": ""},
    "banks:lead_sign": lambda s: {
        "amount": "735",
        "rate": "3.65",
        "term_months": "24",
        "signed_on": _today(s),
        "contract_number": "QXCD-2026-0999",
    },
    "banks:agreement_correction_request": {"kind": "correct", "rate": "3.50", "reason": "利率录错"},
    "banks:lead_step": {"note": "请补充近三年财务报表"},
    "banks:officer_list": {"email": "newofficer2@example.cn", "role": "officer"},
    "banks:officer_role": {"role": "admin"},
    "office:verification_detail": {"decision": "approve"},
    "office:project_key_flag": {"is_key": "1"},
    "office:product_review": {"decision": "publish", "note": ""},
    "office:agreement_correction_decide": {"decision": "approve", "note": "同意作废"},
    "banks:disbursement_record": lambda s: {"amount": "100", "disbursed_on": _today(s)},
    "office:annual_targets": lambda s: {"year": timezone.localdate().year, "amount": "60000"},
    "office:meeting_edit": lambda s: {
        "title": "第四季度政银企对接会（改期）",
        "kind": "matchmaking",
        "starts_at": _local(s.meeting.starts_at),
        "ends_at": _local(s.meeting.ends_at),
        "location": "区行政中心三楼",
        "organiser_department": "finance_office",
    },
    "office:meeting_cancel": {"reason": "台风预警"},
    "office:meeting_invite": lambda s: {"institutions": [s.rival_institution.pk]},
    "office:venue_create": {"venue-name": "第三分会场", "venue-position": "3"},
    "office:venue_edit": {"venue-name": "第二分会场（东厅）", "venue-position": "2"},
    "office:presented_add": lambda s: {"need": s.open_need.pk},
    "office:meeting_talks": lambda s: {
        "starts_at": _local(s.meeting.starts_at),
        "ends_at": _local(s.meeting.ends_at),
        "slot_minutes": "15",
        "institution_capacity": "4",
        "enterprise_capacity": "4",
    },
    "office:meeting_talk_add": lambda s: {
        "institution": s.holder_institution.pk,
        "enterprise": s.enterprise.pk,
        "starts_at": _local(s.meeting.starts_at + dt.timedelta(minutes=40)),
    },
    "office:meeting_talk_move": lambda s: {
        "starts_at": _local(s.meeting.starts_at + dt.timedelta(minutes=60)),
    },
    "office:unserved_push": lambda s: {"institutions": [s.stranger_institution.pk]},
    "office:share_link_create": {"days": "7", "note": "区政府办"},
    "office:recommendations": lambda s: {"enterprise": s.other_enterprise.pk, "reason": "新认定"},
    "office:advisers": lambda s: {
        "enterprise": s.other_enterprise.pk,
        "user": s.user("stranger").pk,
        "since": _today(s),
    },
    "meetings:detail": {"answer": "attend"},
    "meetings:talk_interest": {"interested": "1"},
    "meetings:answer_by_link": {"answer": "attend"},
}


# --- The table and the routes ----------------------------------------------------------------


def parse_table(text: str) -> dict[tuple[str, str], dict[str, str]]:
    table = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, method, *answers = line.split()
        assert len(answers) == len(PERSONAS), f"ACCESS_TABLE line {number}: {len(answers)} answers"
        assert (key, method) not in table, f"ACCESS_TABLE line {number}: {key} {method} twice"
        table[key, method] = dict(zip(PERSONAS, answers, strict=True))
    return table


TABLE = parse_table(ACCESS_TABLE)


def routed_names() -> list[tuple[str, URLPattern]]:
    """(name, pattern) for every named URL outside the admin, from the resolver."""

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = ":".join(n for n in (namespace, p.namespace) if n)
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p

    return list(walk(get_resolver().url_patterns, ""))


def table_keys() -> list[str]:
    """Every key the table must have: each route, then each variant of it."""
    keys = []
    for name, pattern in routed_names():
        if not pattern.pattern.converters or name in URL_KWARGS:
            keys.append(name)
        keys += sorted(k for k in URL_KWARGS if k.startswith(f"{name}["))
    return keys


def url_for(key: str, s: Scenario) -> str:
    name = key.split("[")[0]
    kwargs = URL_KWARGS[key](s) if key in URL_KWARGS else {}
    return reverse(name, kwargs=kwargs)


def post_data(key: str, s: Scenario) -> dict:
    data = POST_DATA.get(key, POST_DATA.get(key.split("[")[0], {}))
    return dict(data(s) if callable(data) else data)


def _unique_url_names() -> set[str]:
    names = [name.split(":")[-1] for name, _pattern in routed_names()]
    return {n for n in names if names.count(n) == 1}


def outcome(response) -> str:
    """``200``, ``404``...; a redirect as ``>`` and the target's URL name (with its namespace
    when the bare name is ambiguous, e.g. ``>banks:home``)."""
    if response.status_code in (301, 302, 303):
        path = urlparse(response["Location"]).path
        try:
            match = resolve(path)
        except Resolver404:
            return ">" + path
        unique = match.url_name in _unique_url_names()
        return ">" + (match.url_name if unique else match.view_name)
    return str(response.status_code)


# --- Requests in savepoints ----------------------------------------------------------------------

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _portal_tables() -> dict[str, str]:
    return {
        m._meta.db_table: m._meta.label
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in PORTAL_APPS
    }


class WriteRecorder:
    """Every portal table a request wrote to (INSERT, UPDATE or DELETE), read from the SQL the
    database was actually sent: a refused request must not write at all."""

    def __init__(self):
        self.tables = _portal_tables()
        self.written: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1) in self.tables:
            self.written.add(self.tables[match.group(1)])
        return execute(sql, params, many, context)


CSRF_SECRET = "a" * 32  # a CSRF secret the test sets as the cookie and sends with each form


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


def send(client: Client, method: str, url: str, data: dict):
    """One request in a savepoint rolled back after it (the client's cookies too); returns the
    response and the portal tables it wrote to."""
    cookies = copy.deepcopy(client.cookies)
    recorder = WriteRecorder()
    savepoint = transaction.savepoint()
    try:
        with connection.execute_wrapper(recorder):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, {**data, "csrfmiddlewaretoken": CSRF_SECRET})
    finally:
        transaction.savepoint_rollback(savepoint)
        client.cookies = cookies
    return response, recorder.written


def try_door(client, persona, key, method, s):
    """Send the request; return (outcome with ``*`` if it wrote, problems with what it showed)."""
    url = url_for(key, s)
    response, written = send(client, method, url, post_data(key, s) if method == "POST" else {})
    got = outcome(response)
    written -= READ_LOG
    if written:
        got += "*"
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")
    if got.rstrip("*") in REFUSED or (persona in OUTSIDERS and (key, persona) not in TOKEN_PAGES):
        secrets = s.secrets
    elif persona == "rival":
        secrets = {k: s.secrets[k] for k in RIVAL_SECRETS}
    else:
        secrets = {}
    shown = [
        what
        for what, text in secrets.items()
        if text in body and what not in AGGREGATES.get(key, ())
    ]
    problems = []
    if shown:
        problems.append(f"{method} {url} ({key}) as {persona} ({got}) shows {', '.join(shown)}")
    return got, problems


# --- The tests ---------------------------------------------------------------------------------


def _line(key, method, answers: dict[str, str]) -> str:
    return f"{key:<34}  {method:<6}  " + "  ".join(f"{answers[p]:<20}" for p in PERSONAS)


def test_every_route_is_in_the_table(scenario, db):
    """A route (or a variant) with no line in ACCESS_TABLE fails here, naming the lines to add."""
    missing_kwargs = [
        (name, list(pattern.pattern.converters))
        for name, pattern in routed_names()
        if pattern.pattern.converters and name not in URL_KWARGS
    ]
    assert not missing_kwargs, (
        "These routes have parameters: say in URL_KWARGS (tests/config/test_access_table.py) "
        "which scenario object each shows (add it to tests/access_scenario.py if it is new), "
        "and in POST_DATA what its form is sent if it takes one. Lines to complete:\n"
        + "\n".join(
            f'    "{name}": _kw('
            + ", ".join(f'{param}="<scenario attribute>.pk"' for param in params)
            + "),"
            for name, params in missing_kwargs
        )
    )
    lines = []
    clients = {persona: browser(scenario.user(persona)) for persona in PERSONAS}
    for key in table_keys():
        for method in ("GET", "POST"):
            if (key, method) in TABLE:
                continue
            answers = {
                persona: try_door(clients[persona], persona, key, method, scenario)[0]
                for persona in PERSONAS
            }
            lines.append(_line(key, method, answers))
    assert not lines, (
        "Routes missing from ACCESS_TABLE (tests/config/test_access_table.py). Add these lines, "
        "after checking that each persona SHOULD get what it got here:\n" + "\n".join(lines)
    )
    stale = sorted({key for key, _method in TABLE} - set(table_keys()))
    assert not stale, f"ACCESS_TABLE names routes that no longer exist: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_table(persona, scenario, db):
    client = browser(scenario.user(persona))
    before = fingerprint()
    wrong, problems = [], []
    for key in table_keys():
        for method in ("GET", "POST"):
            expected = TABLE.get((key, method), {}).get(persona)
            if expected is None:
                continue  # reported by test_every_route_is_in_the_table
            got, found = try_door(client, persona, key, method, scenario)
            problems += found
            if got != expected:
                wrong.append(f"{key} {method}: expected {expected}, got {got}")
    assert not wrong, f"As {persona} (a * marks a request that wrote to the database):\n" + (
        "\n".join(wrong)
    )
    assert not problems, "\n".join(problems)
    assert fingerprint() == before, "a request's changes outlived its savepoint"


def _admin_urls():
    urls = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "admin"
    )
    for route in walk(resolver.url_patterns, "/admin/"):
        if route.startswith("^") or "(?P" in route:
            continue  # the catch-all regex patterns
        path = route
        for converter in ("<path:object_id>", "<id>", "<int:pk>"):
            path = path.replace(converter, "1")
        if "<" in path:
            path = path.split("<")[0]
        urls.append(path)
    return sorted(set(urls))


# The admin is tried by the anonymous visitor and the most trusted personas who are not staff.
ADMIN_PERSONAS = ("anon", "ent_admin", "holder_admin", "finance")


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_admin_is_for_staff_only(persona, scenario, db):
    """Every admin page sends a non-staff persona to a login page and writes nothing; forms
    (add, change, delete) are tried with POST too."""
    client = browser(scenario.user(persona))
    wrong = []
    # The portal's login middleware sends anonymous visitors to its own login first.
    logins = {reverse("admin:login"), reverse("accounts:login")}
    for url in _admin_urls():
        if url in (reverse("admin:login"), reverse("admin:logout")):
            continue
        methods = ("GET", "POST") if url.endswith(("/add/", "/change/", "/delete/")) else ("GET",)
        for method in methods:
            response, written = send(client, method, url, {})
            target = urlparse(response.get("Location", "")).path
            if response.status_code != 302 or target not in logins or written:
                wrong.append(f"{method} {url}: {response.status_code} {target} {written or ''}")
    assert not wrong, "\n".join(wrong)


def test_admin_opens_for_staff(scenario, db):
    """The rule above is not a broken admin: a superuser gets its pages."""
    staff = UserFactory(username="acc_staff", is_staff=True, is_superuser=True)
    client = browser(staff)
    for url in (reverse("admin:index"), reverse("admin:enterprises_enterprise_changelist")):
        assert client.get(url).status_code == 200, url


def test_the_secrets_are_on_the_pages_they_belong_to(scenario, db):
    """The body checks above look for these exact strings: each is shown, as written, to someone
    entitled to it (else a change of format would make those checks pass vacuously)."""
    s = scenario
    holder, finance = browser(s.user("holder")), browser(s.user("finance"))
    pages = {
        "lead": holder.get(url_for("banks:lead_detail", s)),
        "signed lead": holder.get(url_for("banks:lead_detail[signed]", s)),
        "signed need": browser(s.user("ent_admin")).get(
            url_for("enterprises:need_detail[signed]", s)
        ),
        "review": finance.get(url_for("office:product_review", s)),
    }
    assert all(page.status_code == 200 for page in pages.values())
    shown = "".join(page.content.decode() for page in pages.values())
    missing = [what for what, text in s.secrets.items() if text not in shown]
    assert not missing, f"never shown: {missing}"
