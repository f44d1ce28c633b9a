from django.urls import path

from .views import actions, create, export, preferences, search, zoom

app_name = "tickets"

urlpatterns = [
    path("", search.ticket_list, name="list"),
    path("export/", export.ticket_export, name="export"),
    path("new/phone/", create.ticket_new_phone, name="new-phone"),
    path("new/email/", create.ticket_new_email, name="new-email"),
    path("new/options/", create.ticket_new_options, name="new-options"),
    path("new/contact/<key:customer_id>/", create.contact_new, name="new-contact"),
    path("preferences/", preferences.my_queues, name="preferences"),
    path("attachments/<int:pk>/", zoom.attachment_download, name="attachment"),
    path("<key:number>/", zoom.ticket_detail, name="detail"),
    path("<key:number>/articles/<int:pk>/html/", zoom.article_html, name="article-html"),
    path("<key:number>/reply/", actions.ticket_reply, name="reply"),
    path("<key:number>/note/", actions.ticket_note, name="note"),
    path("<key:number>/state/", actions.ticket_state, name="set-state"),
    path("<key:number>/time/", actions.ticket_time, name="add-time"),
    path("<key:number>/lock/", actions.ticket_lock_toggle, name="lock"),
    path("<key:number>/update/", actions.ticket_fields, name="update"),
]
