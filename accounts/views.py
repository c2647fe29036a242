from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from .permissions import is_enterprise_member, is_government, is_officer


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def home(request):
    """Send each person to the home page of their role."""
    user = request.user
    if is_enterprise_member(user):
        return redirect("enterprises:home")
    if is_officer(user):
        return redirect("banks:home")
    if is_government(user):
        return redirect("matchmaking:office_home")
    return render(request, "accounts/no_role.html", status=403)
