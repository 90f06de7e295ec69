# ---
# jupyter:
#   jupytext:
#     formats: notebooks///ipynb,notebook_sources/notebooks///py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Studio operations: roles, reviews, the calendar and the audit trail
# Who may do what on a project, the review loop that gates each step, the production calendar
# with slippage, and an audit log nobody can quietly edit. Every call goes through
# `studio_kit.platform`, the same services the CLI (`studio members|review|milestones|audit|inbox`)
# and the Studio Ops dashboard use. Runs offline in seconds.

# %%
import os, tempfile, datetime as dt
os.environ["STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-ops-")
os.environ.pop("STUDIO_DATABASE_URL", None)
from studio_kit.config import reset_settings
reset_settings()
from studio_kit.store import open_store
from studio_kit.platform import audit, members, milestones, notify, permissions, reviews
store = open_store()
olive = store.project("acme", "night-shift", user="olive", title="Night Shift")   # the creator owns it
as_ = lambda user: store.project("acme", "night-shift", user=user)

# %% [markdown]
# ## The team
# Roles and permissions are data (`studio_kit/data/platform/permissions.yaml`, overridable per
# organization). An invitation is a single-use token with an expiry; only its hash is stored.

# %%
for user, role in {"pat": "producer", "dee": "director", "vic": "viewer"}.items():
    members.add_member(olive, user, role)
token, invite = members.invite(olive, "writer", invitee="wes", days=7)
members.accept(as_("wes"), token)
print([(m.user, m.role) for m in members.list_members(olive)])
for user in ("pat", "vic"):
    print(user, "may see the budget:", permissions.can(as_(user), "see_budget"))
try:
    members.remove(olive, "olive")
except Exception as exc:
    print("Refused:", exc.message)

# %% [markdown]
# ## A script through review
# Request → comments anchored to a scene or timecode → changes requested → approved. A viewer
# cannot approve: the service says which role lacks which permission.

# %%
wes, dee, pat, vic = as_("wes"), as_("dee"), as_("pat"), as_("vic")
draft = wes.put_asset(b"INT. DINER - NIGHT\n\nMara waits.", kind="script", name="pilot.fountain")
milestones.add(pat, "script-lock", "Script lock", "development", dt.date.today() + dt.timedelta(days=20),
               subjects=["script:pilot.fountain"])
reviews.request(wes, draft.id, reviewers=["dee"], due=dt.date.today() + dt.timedelta(days=7))
reviews.comment(dee, draft.id, "Name the diner, @wes.", anchor="scene:1")
reviews.request_changes(dee, draft.id, "Name the diner.")
try:
    reviews.approve(vic, draft.id)
except Exception as exc:
    print("Refused:", exc.message)
v2 = wes.put_asset(b"INT. JOE'S DINER - NIGHT\n\nMara waits.", kind="script", name="pilot.fountain")
reviews.request(wes, v2.id, reviewers=["dee"])
item = reviews.approve(dee, v2.id, note="Lovely.")
print(item.subject, item.state, "by", item.approved_by, f"({item.approved_role})")
print("wes's inbox:", [m.kind for m in notify.inbox(wes)])
print("breakdown may lock:", reviews.require_gate(pat, "breakdown.lock", v2.id).subject)

# %% [markdown]
# ## The calendar
# Milestones with dependencies; moving one pushes what follows and shows the slip. `.ics` opens in
# any calendar app.

# %%
today = dt.date.today()
milestones.add(pat, "prep", "Prep", "prep", today + dt.timedelta(days=60), start=today + dt.timedelta(days=21),
               depends_on=["script-lock"])
milestones.move(pat, "script-lock", today + dt.timedelta(days=30))
for v in milestones.list_milestones(pat):
    print(f"{v.name:12} {v.start} → {v.due}  slip {v.slip_days:+d} d  {v.status}")
ics = milestones.export_milestones(pat, os.path.join(os.environ["STUDIO_HOME"], "night-shift.ics"))
print(ics.read_text().splitlines()[:3])

# %% [markdown]
# ## The Studio Ops dashboard
# The same data as the producer sees it (`studio serve studio_ops`): Gantt chart with today's line,
# review queue, team, budget summary (hidden from viewers and artists) and audit trail.

# %%
import panel as pn
pn.extension("tabulator")
from studio_kit.ui.studio_ops import StudioOps
StudioOps(ctx=pat)

# %% [markdown]
# ## The audit trail
# Every write is an entry that commits to the previous entry's hash. Edit one row behind the
# store's back and `verify` names it.

# %%
print(audit.verify(pat).summary())
from sqlalchemy import text
with store.engine.begin() as conn:
    conn.execute(text("UPDATE audit_entry SET actor = 'mallory' WHERE action = 'review.approve'"))
print(audit.verify(pat).summary())
