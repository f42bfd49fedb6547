from django.urls import path

from civicloop.records import views

app_name = "records"
urlpatterns = [
    path("me/", views.my_hours, name="my_hours"),
    path("me/documents/", views.document_issue, name="document_issue"),
    path("documents/<str:number>/pdf/", views.document_download, name="document_download"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("volunteers/<int:pk>/", views.volunteer_hours, name="volunteer_hours"),
    path("rows/<int:pk>/reverse/", views.record_reverse, name="record_reverse"),
    path("makeup/", views.makeup_list, name="makeup_list"),
    path("makeup/new/", views.makeup_new, name="makeup_new"),
    path("makeup/<int:pk>/", views.makeup_detail, name="makeup_detail"),
    path("makeup/<int:pk>/decide/", views.makeup_decide, name="makeup_decide"),
    path("points/", views.my_points, name="my_points"),
    path("shop/", views.shop_manage, name="shop_manage"),
    path("shop/items/", views.shop_item_create, name="shop_item_create"),
    path("shop/items/<int:pk>/restock/", views.shop_item_restock, name="shop_item_restock"),
    path("shop/items/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("shop/redemptions/<int:pk>/", views.redemption_detail, name="redemption_detail"),
    path("shop/redemptions/<int:pk>/hand-out/", views.hand_out, name="hand_out"),
    path("rankings/", views.rankings, name="rankings"),
    path("top/", views.top, name="top"),
    path("export/", views.export, name="export"),
]
