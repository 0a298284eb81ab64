from django.urls import path

from agora.experts import views

urlpatterns = [
    path(
        "people/<int:user_id>/skills/<slug:slug>/",
        views.skill_evidence_page,
        name="skill_evidence",
    ),
    path(
        "people/<int:user_id>/skills/<slug:slug>/endorse/",
        views.endorse,
        name="skill_endorse",
    ),
    path(
        "people/<int:user_id>/skills/<slug:slug>/withdraw/",
        views.withdraw,
        name="skill_endorsement_withdraw",
    ),
    path(
        "people/<int:user_id>/endorsements/<int:endorsement_id>/visibility/",
        views.endorsement_visibility,
        name="endorsement_visibility",
    ),
]
