"""Admin: the organization's projects, members and roles, API keys (create — shown once — and revoke),
usage per day and backend, invoices, quotas with their use and the job queue (`studio serve admin`;
?org= or the picker at the top choose the organization). The acting user is the one the server
authenticated (pn.state.user), else STUDIO_USER; only an organization admin creates or revokes keys
and sees invoices."""
import panel as pn

from studio_kit.ui.admin import AdminDashboard
from studio_kit.ui.project_picker import (
    ProjectPicker,
    configure,
    current_project,
    current_user,
)

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

pn.template.FastListTemplate(
    title="studio_kit · Admin",
    main=[ProjectPicker(current="admin"), AdminDashboard(org=current_project()[0], user=current_user())],
    accent="#8b1e3f",
).servable()
