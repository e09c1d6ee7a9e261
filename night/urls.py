"""The event-night pages, mounted at /event/ by config.urls beside the organiser's event pages, in
the same namespace "event-admin"."""

from django.urls import path

from . import document_views, show_views, views

urlpatterns = [
    path("door/", views.door_events, name="door-events"),
    path("door-sw.js", views.door_service_worker, name="door-sw"),
    path("<int:event_id>/running-order/", views.running_order, name="running-order"),
    path("<int:event_id>/running-order/generate/", views.running_order_generate_view, name="running-order-generate"),
    path("<int:event_id>/running-order/add/", views.item_add, name="item-add"),
    path("<int:event_id>/running-order/<int:item_id>/", views.item_edit, name="item-edit"),
    path("<int:event_id>/running-order/<int:item_id>/move/", views.item_move, name="item-move"),
    path("<int:event_id>/running-order/<int:item_id>/remove/", views.item_remove, name="item-remove"),
    path("<int:event_id>/running-order/<int:item_id>/winner/", views.item_winner, name="item-winner"),
    path("<int:event_id>/running-order/<int:item_id>/reveal/", views.item_reveal, name="item-reveal"),
    path("<int:event_id>/compere-script/", views.compere_script, name="compere-script"),
    path("<int:event_id>/tables/", views.tables, name="tables"),
    path("<int:event_id>/tables/set/", views.tables_set_view, name="tables-set"),
    path("<int:event_id>/tables/seat/", views.seating_assign_view, name="seating-assign"),
    path("<int:event_id>/tables/move/", views.guest_move_view, name="guest-move"),
    path("<int:event_id>/door/", views.door, name="door"),
    path("<int:event_id>/door/<int:guest_id>/arrived/", views.door_arrive, name="door-arrive"),
    path("<int:event_id>/door/<int:guest_id>/undo/", views.door_undo, name="door-undo"),
    path("<int:event_id>/door/<int:guest_id>/remove/", views.door_remove, name="door-remove"),
    path("<int:event_id>/door/walk-in/", views.door_walk_in, name="door-walk-in"),
    path("<int:event_id>/door/party/", views.door_party_arrive, name="door-party-arrive"),
    path("<int:event_id>/door/arrivals/", views.door_arrivals, name="door-arrivals"),
    path("<int:event_id>/door/totals/", views.door_totals_json, name="door-totals"),
    path("<int:event_id>/door/guests/", views.door_list_json, name="door-list"),
    path("<int:event_id>/workbook.xlsx", views.workbook, name="workbook"),
    path("<int:event_id>/certificates.xlsx", views.certificates, name="certificates"),
    path("<int:event_id>/own-say/", document_views.own_say, name="own-say"),
    path("<int:event_id>/documents/", document_views.documents, name="documents"),
    path("<int:event_id>/documents/certificates.pdf", document_views.certificates_pdf, name="certificates-pdf"),
    path("<int:event_id>/documents/certificates/send/", document_views.certificates_send_view, name="certificates-send"),
    path("<int:event_id>/documents/certificates/<int:nomination_id>.pdf", document_views.certificate_pdf, name="certificate-pdf"),
    path("<int:event_id>/documents/letters.pdf", document_views.letters_pdf, name="letters-pdf"),
    path("<int:event_id>/documents/letters/send/", document_views.letters_send_view, name="letters-send"),
    path("<int:event_id>/documents/letters/<int:nomination_id>/", document_views.letter_edit, name="letter"),
    path("<int:event_id>/documents/letters/<int:nomination_id>/preview.pdf", document_views.letter_preview, name="letter-preview"),
    path("<int:event_id>/documents/badges.pdf", document_views.print_badges, name="print-badges"),
    path("<int:event_id>/documents/place-cards.pdf", document_views.print_place_cards, name="print-place-cards"),
    path("<int:event_id>/documents/table-cards.pdf", document_views.print_table_cards, name="print-table-cards"),
    path("<int:event_id>/documents/photographer-sheet.pdf", document_views.photographer_sheet, name="photographer-sheet"),
    path(
        "<int:event_id>/documents/certificates/<int:nomination_id>/preview.pdf",
        document_views.certificate_preview, name="certificate-preview",
    ),
]

# Show mode (night.show_views): the controller, the audience screen, the compere and stage views,
# the keys that open a view without signing in, and the show's operators.
urlpatterns += [
    path("<int:event_id>/show/", show_views.controller, name="show-controller"),
    path("<int:event_id>/show/state/", show_views.controller_state, name="show-controller-state"),
    path("<int:event_id>/show/press/", show_views.press, name="show-press"),
    path("<int:event_id>/show/rehearsal/", show_views.rehearsal, name="show-rehearsal"),
    path("<int:event_id>/screen/", show_views.screen, name="show-screen"),
    path("<int:event_id>/screen/state/", show_views.screen_state, name="show-screen-state"),
    path("<int:event_id>/show/compere/", show_views.compere, name="show-compere"),
    path("<int:event_id>/show/compere/state/", show_views.compere_state, name="show-compere-state"),
    path("<int:event_id>/show/stage/", show_views.stage, name="show-stage"),
    path("<int:event_id>/show/stage/state/", show_views.stage_state, name="show-stage-state"),
    path("<int:event_id>/show/access/", show_views.access, name="show-access"),
    path("<int:event_id>/show/keys/", show_views.key_create, name="show-key-create"),
    path("<int:event_id>/show/keys/<int:key_id>/revoke/", show_views.key_revoke, name="show-key-revoke"),
    path("<int:event_id>/show/operators/", show_views.operator_add, name="show-operator-add"),
    path("<int:event_id>/show/operators/<int:operator_id>/remove/", show_views.operator_remove, name="show-operator-remove"),
    path("<int:event_id>/show/open/", show_views.open_with_key, name="show-open"),
]
