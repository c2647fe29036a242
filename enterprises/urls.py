from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("members/", views.members, name="members"),
    path("members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("advised/", views.advised_enterprises, name="advised_list"),
    path("advised/<int:pk>/", views.advised_enterprise, name="advised_detail"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/submit/", views.need_submit, name="need_submit"),
    path("needs/<int:pk>/withdraw/", views.need_withdraw, name="need_withdraw"),
    path(
        "needs/<int:pk>/revoke/<int:institution_id>/",
        views.need_revoke_access,
        name="need_revoke_access",
    ),
]
