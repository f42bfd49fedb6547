"""Names vulture cannot see used: model and schema fields read by templates and the ORM, admin options,
middleware, channels and periodic jobs named in settings, functions the bench calls. Reviewed by hand when it
was made (dead helpers found then were removed); regenerate with `vulture --make-whitelist` only after checking
that each new name is really used.

`track` (stats/services.py) lost its last caller when activities moved onto the workflow engine (the engine keeps
the counters through the stats hooks); the stats branch decides whether it stays.
"""
# ruff: noqa
unit_name  # unused variable (civicloop/activities/api.py:38)
how  # unused variable (civicloop/activities/models.py:122)
decided_at  # unused variable (civicloop/activities/models.py:125)
ip  # unused variable (civicloop/audit/models.py:37)
projects  # unused variable (civicloop/brands/api.py:31)
gaps  # unused variable (civicloop/brands/api.py:38)
IdleTimeoutMiddleware  # unused class (civicloop/core/middleware.py:22)
LanguageMiddleware  # unused class (civicloop/core/middleware.py:44)
NulCharacterMiddleware  # unused class (civicloop/core/middleware.py:69)
abstract  # unused variable (civicloop/core/models.py:28)
Input  # unused class (civicloop/core/pagination.py:19)
Input  # unused class (civicloop/core/pagination.py:28)
status_label  # unused variable (civicloop/core/schemas.py:27)
POSTCODE_RE  # unused variable (civicloop/core/validators.py:12)
confirm  # unused variable (civicloop/core/workflow.py:139)
_.handle_page  # unused method (civicloop/core/workflow.py:485)
_.add_api_steps  # unused method (civicloop/core/workflow.py:525)
_.__annotations__  # unused attribute (civicloop/core/workflow.py:567)
held_reason  # unused variable (civicloop/garden/models.py:70)
hidden_reason  # unused variable (civicloop/garden/models.py:71)
moderated_by  # unused variable (civicloop/garden/models.py:72)
moderated_at  # unused variable (civicloop/garden/models.py:75)
distance  # unused variable (civicloop/matching/api.py:19)
team_name  # unused variable (civicloop/matching/api.py:29)
ring_cells  # unused function (civicloop/matching/geo.py:34)
response_count  # unused variable (civicloop/matching/models.py:27)
refreshed_at  # unused variable (civicloop/matching/models.py:29)
open_tasks  # unused variable (civicloop/matching/selectors.py:123)
recommend_bruteforce  # unused function (civicloop/matching/selectors.py:422)
team_index_sync  # unused function (civicloop/matching/services.py:131)
auto_dispatch_due  # unused function (civicloop/matching/services.py:185)
drafted_from_id  # unused variable (civicloop/needs/api.py:32)
distributed  # unused variable (civicloop/needs/api.py:64)
collected  # unused variable (civicloop/needs/api.py:65)
survey_id  # unused variable (civicloop/needs/api.py:80)
_.label_from_instance  # unused attribute (civicloop/needs/forms.py:62)
order_number  # unused variable (civicloop/needs/forms.py:73)
closed_by  # unused variable (civicloop/needs/models.py:52)
_.target_group_labels  # unused method (civicloop/needs/models.py:65)
visited_resident  # unused variable (civicloop/needs/models.py:110)
resolved_at  # unused variable (civicloop/needs/models.py:133)
_.resolved_at  # unused attribute (civicloop/needs/services.py:272)
_.save_model  # unused method (civicloop/network/admin.py:49)
raw_id_fields  # unused variable (civicloop/network/admin.py:62)
_.save_model  # unused method (civicloop/network/admin.py:68)
_.delete_queryset  # unused method (civicloop/network/admin.py:81)
parent_id  # unused variable (civicloop/network/api.py:35)
contact_phone  # unused variable (civicloop/network/api.py:46)
pages  # unused variable (civicloop/network/api.py:55)
contact_phone  # unused variable (civicloop/network/api.py:67)
node_order_by  # unused variable (civicloop/network/models.py:29)
contact_phone  # unused variable (civicloop/network/models.py:42)
_.subtree_q  # unused method (civicloop/network/models.py:59)
read_at  # unused variable (civicloop/notify/api.py:26)
unread  # unused variable (civicloop/notify/api.py:30)
EmailChannel  # unused class (civicloop/notify/channels.py:22)
LoggingSmsChannel  # unused class (civicloop/notify/channels.py:52)
last_error  # unused variable (civicloop/notify/models.py:28)
read_at  # unused variable (civicloop/notify/models.py:46)
_.last_error  # unused attribute (civicloop/notify/services.py:107)
notify_deliver_pending  # unused function (civicloop/notify/services.py:122)
can_delete  # unused variable (civicloop/orders/admin.py:26)
inlines  # unused variable (civicloop/orders/admin.py:37)
category_label  # unused variable (civicloop/orders/api.py:41)
status_label  # unused variable (civicloop/orders/api.py:44)
requester_phone  # unused variable (civicloop/orders/api.py:118)
timeline  # unused variable (civicloop/orders/api.py:122)
order_title  # unused variable (civicloop/orders/api.py:131)
day_part  # unused variable (civicloop/orders/forms.py:70)
new_name  # unused variable (civicloop/orders/forms.py:99)
new_phone  # unused variable (civicloop/orders/forms.py:100)
new_unit  # unused variable (civicloop/orders/forms.py:101)
_.help_text  # unused attribute (civicloop/orders/forms.py:113)
_.label_from_instance  # unused attribute (civicloop/orders/forms.py:201)
review_due  # unused variable (civicloop/orders/models.py:80)
claim_due  # unused variable (civicloop/orders/models.py:81)
complete_due  # unused variable (civicloop/orders/models.py:82)
reject_reason  # unused variable (civicloop/orders/models.py:92)
check_lat  # unused variable (civicloop/orders/models.py:158)
check_lng  # unused variable (civicloop/orders/models.py:159)
filed_by  # unused variable (civicloop/orders/models.py:173)
rated_by  # unused variable (civicloop/orders/models.py:224)
answered_by  # unused variable (civicloop/orders/models.py:262)
_.filed_by  # unused attribute (civicloop/orders/services.py:723)
_.my_assignment  # unused attribute (civicloop/orders/views.py:383)
TRANSITIONS  # unused variable (civicloop/orders/workflow.py:117)
STAFF_ACTIONS  # unused variable (civicloop/orders/workflow.py:119)
ENDED_STATES  # unused variable (civicloop/orders/workflow.py:126)
fieldsets  # unused variable (civicloop/people/admin.py:28)
_.phone_masked  # unused method (civicloop/people/admin.py:38)
_.get_readonly_fields  # unused method (civicloop/people/admin.py:42)
_.id_masked  # unused method (civicloop/people/admin.py:55)
_.name_masked  # unused method (civicloop/people/admin.py:80)
_.phone_masked  # unused method (civicloop/people/admin.py:84)
_.address_masked  # unused method (civicloop/people/admin.py:88)
entered_by_staff  # unused variable (civicloop/people/api.py:31)
pages  # unused variable (civicloop/people/api.py:38)
pages  # unused variable (civicloop/people/api.py:56)
pages  # unused variable (civicloop/people/api.py:75)
volunteer_number  # unused variable (civicloop/people/api.py:86)
UsernameOrPhoneBackend  # unused class (civicloop/people/backends.py:14)
PASSWORD_TOO_SHORT  # unused variable (civicloop/people/forms.py:24)
confirm  # unused variable (civicloop/people/forms.py:355)
name_initials  # unused variable (civicloop/people/models.py:23)
phone_hash  # unused variable (civicloop/people/models.py:25)
phone_last4  # unused variable (civicloop/people/models.py:26)
name_initials  # unused variable (civicloop/people/models.py:71)
phone_hash  # unused variable (civicloop/people/models.py:73)
phone_last4  # unused variable (civicloop/people/models.py:74)
id_hash  # unused variable (civicloop/people/models.py:76)
_.focus_group_labels  # unused method (civicloop/people/models.py:114)
id_hash  # unused variable (civicloop/people/models.py:131)
_.type_labels  # unused method (civicloop/people/models.py:147)
_.availability_labels  # unused method (civicloop/people/models.py:157)
joined_at  # unused variable (civicloop/people/models.py:205)
token_hash  # unused variable (civicloop/people/models.py:218)
last_used_at  # unused variable (civicloop/people/models.py:221)
_.name_initials  # unused attribute (civicloop/people/services.py:226)
_.name_initials  # unused attribute (civicloop/people/services.py:251)
_.phone_hash  # unused attribute (civicloop/people/services.py:253)
_.phone_last4  # unused attribute (civicloop/people/services.py:254)
volunteer_number  # unused variable (civicloop/records/api.py:29)
stars  # unused variable (civicloop/records/api.py:31)
reverses  # unused variable (civicloop/records/models.py:34)
decided_by  # unused variable (civicloop/records/models.py:82)
decided_at  # unused variable (civicloop/records/models.py:85)
handed_out_by  # unused variable (civicloop/records/models.py:204)
handed_out_at  # unused variable (civicloop/records/models.py:207)
ALLOWED_HOSTS  # unused variable (civicloop/settings.py:51)
CSRF_TRUSTED_ORIGINS  # unused variable (civicloop/settings.py:52)
INSTALLED_APPS  # unused variable (civicloop/settings.py:54)
MIDDLEWARE  # unused variable (civicloop/settings.py:83)
ROOT_URLCONF  # unused variable (civicloop/settings.py:99)
WSGI_APPLICATION  # unused variable (civicloop/settings.py:100)
TEMPLATES  # unused variable (civicloop/settings.py:102)
DEFAULT_AUTO_FIELD  # unused variable (civicloop/settings.py:140)
AUTHENTICATION_BACKENDS  # unused variable (civicloop/settings.py:144)
AUTH_PASSWORD_VALIDATORS  # unused variable (civicloop/settings.py:148)
LOGIN_URL  # unused variable (civicloop/settings.py:154)
LOGIN_REDIRECT_URL  # unused variable (civicloop/settings.py:155)
LOGOUT_REDIRECT_URL  # unused variable (civicloop/settings.py:156)
AXES_FAILURE_LIMIT  # unused variable (civicloop/settings.py:158)
AXES_COOLOFF_TIME  # unused variable (civicloop/settings.py:159)
AXES_LOCKOUT_PARAMETERS  # unused variable (civicloop/settings.py:160)
AXES_RESET_ON_SUCCESS  # unused variable (civicloop/settings.py:161)
AXES_LOCKOUT_TEMPLATE  # unused variable (civicloop/settings.py:162)
AXES_USERNAME_FORM_FIELD  # unused variable (civicloop/settings.py:163)
AXES_ENABLE_ADMIN  # unused variable (civicloop/settings.py:164)
AXES_VERBOSE  # unused variable (civicloop/settings.py:165)
SESSION_COOKIE_AGE  # unused variable (civicloop/settings.py:168)
SESSION_COOKIE_HTTPONLY  # unused variable (civicloop/settings.py:169)
CSRF_COOKIE_HTTPONLY  # unused variable (civicloop/settings.py:170)
LOCALE_PATHS  # unused variable (civicloop/settings.py:175)
TIME_ZONE  # unused variable (civicloop/settings.py:176)
USE_I18N  # unused variable (civicloop/settings.py:177)
USE_TZ  # unused variable (civicloop/settings.py:178)
STATIC_URL  # unused variable (civicloop/settings.py:181)
STATIC_ROOT  # unused variable (civicloop/settings.py:182)
STATICFILES_DIRS  # unused variable (civicloop/settings.py:183)
STORAGES  # unused variable (civicloop/settings.py:192)
TASKS  # unused variable (civicloop/settings.py:207)
EMAIL_BACKEND  # unused variable (civicloop/settings.py:210)
SECURE_PROXY_SSL_HEADER  # unused variable (civicloop/settings.py:220)
SECURE_SSL_REDIRECT  # unused variable (civicloop/settings.py:221)
SESSION_COOKIE_SECURE  # unused variable (civicloop/settings.py:222)
CSRF_COOKIE_SECURE  # unused variable (civicloop/settings.py:223)
SECURE_HSTS_SECONDS  # unused variable (civicloop/settings.py:224)
SECURE_HSTS_INCLUDE_SUBDOMAINS  # unused variable (civicloop/settings.py:225)
SECURE_HSTS_PRELOAD  # unused variable (civicloop/settings.py:226)
SECURE_CONTENT_TYPE_NOSNIFF  # unused variable (civicloop/settings.py:227)
SECURE_REFERRER_POLICY  # unused variable (civicloop/settings.py:228)
X_FRAME_OPTIONS  # unused variable (civicloop/settings.py:229)
LOGGING  # unused variable (civicloop/settings.py:231)
SILENCED_SYSTEM_CHECKS  # unused variable (civicloop/settings.py:247)
ROOT_URLCONF  # unused variable (civicloop/settings_bench.py:6)
ALLOWED_HOSTS  # unused variable (civicloop/settings_bench.py:7)
LOGGING  # unused variable (civicloop/settings_bench.py:8)
_.fill  # unused attribute (civicloop/stats/report.py:36)
_.alignment  # unused attribute (civicloop/stats/report.py:37)
_.freeze_panes  # unused attribute (civicloop/stats/report.py:50)
volunteers_active  # unused variable (civicloop/stats/selectors.py:28)
brand_projects  # unused variable (civicloop/stats/selectors.py:30)
_.volunteers_active  # unused attribute (civicloop/stats/selectors.py:145)
_.brand_projects  # unused attribute (civicloop/stats/selectors.py:154)
track  # unused function (civicloop/stats/services.py:267)
_.site_header  # unused attribute (civicloop/urls.py:12)
_.site_title  # unused attribute (civicloop/urls.py:13)
application  # unused variable (civicloop/wsgi.py:6)
is_known  # the vocabulary test (civicloop/audit/tests/test_actions.py) asks it
credited  # unused variable (civicloop/activities/api.py:164), a schema field or a name read by the framework
volunteer_name  # unused variable (civicloop/activities/api.py:169), a schema field or a name read by the framework
missing_twins  # unused function (civicloop/core/parity.py:139), a schema field or a name read by the framework
operations_without_denial_test  # unused function (civicloop/core/parity.py:198), a schema field or a name read by the framework
imported  # unused variable (civicloop/needs/api.py:235), a schema field or a name read by the framework
answered  # unused variable (civicloop/needs/api.py:266), a schema field or a name read by the framework
by_focus_group  # unused variable (civicloop/needs/api.py:451), a schema field or a name read by the framework
key_hash  # unused variable (civicloop/open311/models.py:14), a schema field or a name read by the framework
issuing_unit_name  # unused variable (civicloop/records/api.py:110), a schema field or a name read by the framework
pdf_url  # unused variable (civicloop/records/api.py:111), a schema field or a name read by the framework
genuine  # unused variable (civicloop/records/api.py:129), a schema field or a name read by the framework
issuing_unit_name  # unused variable (civicloop/records/api.py:133), a schema field or a name read by the framework
median_claim_minutes  # unused variable (civicloop/stats/api.py:58), a schema field or a name read by the framework
median_complete_minutes  # unused variable (civicloop/stats/api.py:59), a schema field or a name read by the framework
managed  # unused variable (civicloop/stats/models.py:66), read by the framework or named in settings
counters_fold  # unused function (civicloop/stats/services.py:286), read by the framework or named in settings
audit_retain  # unused function (civicloop/audit/services.py:78), read by the framework or named in settings
permission_denied  # unused function (civicloop/audit/views.py:32), read by the framework or named in settings
fingerprint  # unused function (civicloop/core/backup.py:138), read by the framework or named in settings
value_to_string  # unused method (civicloop/core/fields.py:69), read by the framework or named in settings
SecurityHeadersMiddleware  # unused class (civicloop/core/headers.py:16), read by the framework or named in settings
new_password1  # unused variable (civicloop/people/account_views.py:125), read by the framework or named in settings
new_password2  # unused variable (civicloop/people/account_views.py:134), read by the framework or named in settings
_registration_limit  # unused function (civicloop/people/api.py:275), read by the framework or named in settings
lockout_response  # unused function (civicloop/people/auth.py:20), read by the framework or named in settings
original_response  # unused variable (civicloop/people/auth.py:21), read by the framework or named in settings
redirect_authenticated_user  # unused variable (civicloop/people/auth.py:31), read by the framework or named in settings
SecondFactorMiddleware  # unused class (civicloop/people/mfa.py:170), read by the framework or named in settings
CharacterClassValidator  # unused class (civicloop/people/passwords.py:36), read by the framework or named in settings
validate  # unused method (civicloop/people/passwords.py:53), read by the framework or named in settings
NotNameOrPhoneValidator  # unused class (civicloop/people/passwords.py:65), read by the framework or named in settings
validate  # unused method (civicloop/people/passwords.py:68), read by the framework or named in settings
AXES_USERNAME_CALLABLE  # unused variable (civicloop/settings.py:187), read by the framework or named in settings
AXES_LOCKOUT_CALLABLE  # unused variable (civicloop/settings.py:188), read by the framework or named in settings
AXES_SENSITIVE_PARAMETERS  # unused variable (civicloop/settings.py:190), read by the framework or named in settings
CACHES  # unused variable (civicloop/settings.py:210), read by the framework or named in settings
OTP_TOTP_ISSUER  # unused variable (civicloop/settings.py:220), read by the framework or named in settings
OTP_TOTP_THROTTLE_FACTOR  # unused variable (civicloop/settings.py:221), read by the framework or named in settings
CONTENT_SECURITY_POLICY  # unused variable (civicloop/settings.py:290), read by the framework or named in settings
handler403  # unused variable (civicloop/urls.py:14), read by the framework or named in settings
town_count  # unused variable (civicloop/network/api.py:232), read by the framework or named in settings
town_rate  # unused variable (civicloop/network/api.py:234), read by the framework or named in settings
village_count  # unused variable (civicloop/network/api.py:235), read by the framework or named in settings
village_rate  # unused variable (civicloop/network/api.py:237), read by the framework or named in settings
book_for  # unused variable (civicloop/network/forms.py:82), read by the framework or named in settings
PARTY_SERVICE  # unused variable (civicloop/network/models.py:107), read by the framework or named in settings
GOV_SERVICE  # unused variable (civicloop/network/models.py:109), read by the framework or named in settings
CULTURE_STATION  # unused variable (civicloop/network/models.py:110), read by the framework or named in settings
CREATIVE_PARK  # unused variable (civicloop/network/models.py:111), read by the framework or named in settings
booked_by  # unused variable (civicloop/network/models.py:181), read by the framework or named in settings
cancelled_at  # unused variable (civicloop/network/models.py:183), read by the framework or named in settings
venue_id  # unused variable (civicloop/network/venue_api.py:25), read by the framework or named in settings
handler_team  # unused variable (civicloop/orders/models.py:278), read by the framework or named in settings
handler_user  # unused variable (civicloop/orders/models.py:281), read by the framework or named in settings
on_time  # unused variable (civicloop/orders/models.py:288), read by the framework or named in settings
updated_by  # unused variable (civicloop/orders/models.py:322), read by the framework or named in settings
updated_by  # unused attribute (civicloop/orders/services.py:1279), read by the framework or named in settings
source_unit_id  # unused variable (civicloop/orders/settings_api.py:21), read by the framework or named in settings
answer_hours  # unused variable (civicloop/orders/whistle_workflow.py:45), read by the framework or named in settings
staff_username  # unused variable (civicloop/orders/whistle_workflow.py:54), read by the framework or named in settings
whistles_escalate_overdue  # unused function (civicloop/orders/whistle_workflow.py:196), read by the framework or named in settings
confirmed_at  # unused attribute (civicloop/people/details.py:225), read by the framework or named in settings
confirmed_at  # unused variable (civicloop/people/models.py:361), read by the framework or named in settings
orders_in_hand  # unused variable (civicloop/people/team_api.py:64), read by the framework or named in settings
process_view  # Django middleware hook (civicloop/core/db_router.py)
claimed_at  # periodic ledger columns, read by the drill and operators (civicloop/core/models.py)
started_at
finished_at
periodic_prune  # a periodic job, named in settings.PERIODIC_JOBS
DATABASE_ROUTERS  # Django settings (civicloop/settings.py)
RQ_QUEUES
SESSION_ENGINE
ReplicaRouter  # settings.DATABASE_ROUTERS; Django calls its methods
db_for_read
db_for_write
allow_relation
allow_migrate
ReplicaRoutingMiddleware  # settings.MIDDLEWARE
command_unit_id  # unused variable (civicloop/campaigns/api.py:43), read by the framework or templates
escalated_to_id  # unused variable (civicloop/campaigns/api.py:79), read by the framework or templates
photo_ids  # unused variable (civicloop/campaigns/api.py:83), read by the framework or templates
rework  # unused variable (civicloop/campaigns/api.py:105), read by the framework or templates
extension  # unused variable (civicloop/campaigns/api.py:106), read by the framework or templates
liaison_id  # unused variable (civicloop/campaigns/api.py:130), read by the framework or templates
image_url  # unused variable (civicloop/campaigns/api.py:156), read by the framework or templates
auto_now_add  # unused attribute (civicloop/campaigns/bulk.py:69), read by the framework or templates
auto_now_add  # unused attribute (civicloop/campaigns/bulk.py:73), read by the framework or templates
recurrence_of  # unused attribute (civicloop/campaigns/bulk.py:122), read by the framework or templates
escalated_due  # unused attribute (civicloop/campaigns/bulk.py:149), read by the framework or templates
escalated_due  # unused attribute (civicloop/campaigns/bulk.py:154), read by the framework or templates
recount  # unused function (civicloop/campaigns/figures.py:80), read by the framework or templates
faces_checked  # unused variable (civicloop/campaigns/forms.py:142), read by the framework or templates
rework  # unused variable (civicloop/campaigns/forms.py:153), read by the framework or templates
extension  # unused variable (civicloop/campaigns/forms.py:154), read by the framework or templates
escalated_due  # unused variable (civicloop/campaigns/models.py:101), read by the framework or templates
done_at  # unused variable (civicloop/campaigns/models.py:102), read by the framework or templates
LITTER  # unused variable (civicloop/campaigns/models.py:206), read by the framework or templates
PARKING  # unused variable (civicloop/campaigns/models.py:207), read by the framework or templates
STALLS  # unused variable (civicloop/campaigns/models.py:208), read by the framework or templates
ADVERTS  # unused variable (civicloop/campaigns/models.py:209), read by the framework or templates
BUILDING  # unused variable (civicloop/campaigns/models.py:210), read by the framework or templates
PILING  # unused variable (civicloop/campaigns/models.py:211), read by the framework or templates
WIRES  # unused variable (civicloop/campaigns/models.py:212), read by the framework or templates
RIVER  # unused variable (civicloop/campaigns/models.py:213), read by the framework or templates
FACADE  # unused variable (civicloop/campaigns/models.py:214), read by the framework or templates
FACILITY  # unused variable (civicloop/campaigns/models.py:215), read by the framework or templates
PUBLICITY  # unused variable (civicloop/campaigns/models.py:216), read by the framework or templates
escalated_due  # unused variable (civicloop/campaigns/models.py:271), read by the framework or templates
recurrence_of  # unused variable (civicloop/campaigns/models.py:272), read by the framework or templates
taken_at  # unused variable (civicloop/campaigns/models.py:308), read by the framework or templates
checks  # unused variable (civicloop/campaigns/models.py:332), read by the framework or templates
extensions  # unused variable (civicloop/campaigns/models.py:334), read by the framework or templates
escalations  # unused variable (civicloop/campaigns/models.py:336), read by the framework or templates
tasks_due  # unused variable (civicloop/campaigns/models.py:337), read by the framework or templates
tasks_done  # unused variable (civicloop/campaigns/models.py:338), read by the framework or templates
proposed_by  # unused variable (civicloop/campaigns/models.py:397), read by the framework or templates
approved_by  # unused variable (civicloop/campaigns/models.py:398), read by the framework or templates
withdrawn_at  # unused variable (civicloop/campaigns/models.py:400), read by the framework or templates
can_view_visit  # unused function (civicloop/campaigns/policies.py:158), read by the framework or templates
visible_exposures  # unused function (civicloop/campaigns/policies.py:169), read by the framework or templates
figures_for  # unused function (civicloop/campaigns/selectors.py:72), read by the framework or templates
campaigns_escalate_overdue  # unused function (civicloop/campaigns/services.py:205), read by the framework or templates
votes  # unused variable (civicloop/contests/api.py:365), read by the framework or templates
discounted  # unused variable (civicloop/contests/api.py:366), read by the framework or templates
minute  # unused variable (civicloop/contests/api.py:453), read by the framework or templates
votes  # unused variable (civicloop/contests/api.py:454), read by the framework or templates
second  # unused variable (civicloop/contests/forms.py:51), read by the framework or templates
third  # unused variable (civicloop/contests/forms.py:52), read by the framework or templates
merit  # unused variable (civicloop/contests/forms.py:53), read by the framework or templates
FIRST  # unused variable (civicloop/contests/models.py:95), read by the framework or templates
SECOND  # unused variable (civicloop/contests/models.py:96), read by the framework or templates
THIRD  # unused variable (civicloop/contests/models.py:97), read by the framework or templates
MERIT  # unused variable (civicloop/contests/models.py:98), read by the framework or templates
taken_at  # unused variable (civicloop/contests/models.py:122), read by the framework or templates
similar_to  # unused variable (civicloop/contests/models.py:125), read by the framework or templates
FIRST  # unused variable (civicloop/contests/models.py:185), read by the framework or templates
SECOND  # unused variable (civicloop/contests/models.py:186), read by the framework or templates
discounted  # unused variable (civicloop/contests/models.py:278), read by the framework or templates
discount_reason  # unused variable (civicloop/contests/models.py:279), read by the framework or templates
handled_at  # unused variable (civicloop/contests/models.py:320), read by the framework or templates
visible_entries  # unused function (civicloop/contests/policies.py:132), read by the framework or templates
can_vote  # unused function (civicloop/contests/policies.py:145), read by the framework or templates
can_nominate  # unused function (civicloop/contests/policies.py:161), read by the framework or templates
taken_at  # unused attribute (civicloop/contests/services.py:380), read by the framework or templates
similar_to  # unused attribute (civicloop/contests/services.py:389), read by the framework or templates
staff_only  # unused function (civicloop/contests/services.py:753), read by the framework or templates
calls_close_due  # unused function (civicloop/contests/services.py:771), read by the framework or templates
edition  # unused variable (civicloop/plans/api.py:77), read by the framework or templates
platform_figure  # unused variable (civicloop/plans/api.py:105), read by the framework or templates
platform_figure  # unused variable (civicloop/plans/api.py:116), read by the framework or templates
edition  # unused variable (civicloop/plans/models.py:91), read by the framework or templates
adopted_at  # unused variable (civicloop/plans/models.py:96), read by the framework or templates
PRACTICAL  # unused variable (civicloop/plans/models.py:187), read by the framework or templates
PILOT  # unused variable (civicloop/plans/models.py:188), read by the framework or templates
BRAND  # unused variable (civicloop/plans/models.py:189), read by the framework or templates
ACTIVITIES  # unused variable (civicloop/plans/models.py:193), read by the framework or templates
HOURS  # unused variable (civicloop/plans/models.py:195), read by the framework or templates
ORDERS_CLOSED  # unused variable (civicloop/plans/models.py:196), read by the framework or templates
VOLUNTEERS  # unused variable (civicloop/plans/models.py:197), read by the framework or templates
BRAND_PROJECTS  # unused variable (civicloop/plans/models.py:199), read by the framework or templates
drop_reason  # unused variable (civicloop/plans/models.py:218), read by the framework or templates
platform_figure  # unused variable (civicloop/plans/models.py:268), read by the framework or templates
PLENARY  # unused variable (civicloop/plans/models.py:299), read by the framework or templates
JOINT  # unused variable (civicloop/plans/models.py:300), read by the framework or templates
done_at  # unused variable (civicloop/plans/models.py:371), read by the framework or templates
edition  # unused attribute (civicloop/plans/workflow.py:80), read by the framework or templates
action_list  # unused variable (civicloop/campaigns/api.py), a response schema field read by ninja
numeric  # unused variable (civicloop/core/figures.py), read by the stats dashboard template
sms_gateway_configured  # registered with Django's system checks (civicloop/notify/checks.py)
app_configs  # the system-check signature Django calls with
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS  # read by django-redis
partition_table  # called by the audit, orders and stats migrations
unpartition_table  # the same migrations' reverse
vendor_sql  # the audit (0006) and records (0007) trigger migrations
used_at  # a model field (civicloop/activities/models.py), the time a card code was used
expires_in  # a response schema field read by ninja (civicloop/activities/api.py)
attended_hours  # unused variable (civicloop/orders/api.py AttendanceOut), an API schema field
suggested_hours  # unused variable (civicloop/orders/api.py AttendanceOut), an API schema field
max_hours  # unused variable (civicloop/orders/api.py AttendanceOut), an API schema field
colour  # unused variable (civicloop/orders/wording.py ResidentView), read by the order templates
rate  # unused variable (civicloop/orders/wording.py ResidentView), read by the order templates
assigned  # a counter column of campaigns figures, written and read by name (civicloop/campaigns/figures.py)
claim_url  # set on each hall card (civicloop/orders/views.py _hall_cards), read by orders/_hall_cards.html
due_cls  # the same, the card's due class
STATS_CACHE_SECONDS  # settings read by space name in civicloop/core/hot.py (<SPACE>_CACHE_SECONDS)
INBOX_CACHE_SECONDS  # the same
HALL_CACHE_SECONDS  # the same
