from django.urls import path

from agora.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification_open"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path(
        "settings/notifications/", views.notification_preferences, name="notification_preferences"
    ),
]
