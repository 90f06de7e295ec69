"""A drag-and-drop stripboard: coloured scene strips with black day-break strips.

Like a paper stripboard (and Movie Magic Scheduling), both scene strips and
day breaks can be dragged (HTML5 drag and drop). Dropping sends the new board
order to Python as ``order`` (tokens ``"s<scene index>"`` and ``"day"``);
Python re-totals the days and sends back ``rows``, which redraws the board.
"""
from __future__ import annotations

import panel as pn
import param

from studio_kit.domain.preproduction import DAY_BREAK_COLOUR, WEEK_BREAK_COLOUR, Schedule, format_eighths


def board_rows(schedule: Schedule, cast_names: dict[int, str] | None = None) -> list[dict]:
    """The rows the widget draws: one per strip, then the day-break strip with the day's totals."""
    lim = schedule.limits
    rows: list[dict] = []
    for n, day in enumerate(schedule.days):
        for s in day.strips:
            number, part = s.scene_number, ""
            if s.source_index is not None and " pt " in number:    # a long scene split into parts: "12 pt 2"
                number, part = number.rsplit(" pt ", 1)
            rows.append({"kind": "strip", "token": f"s{s.scene_index}", "scene": number,
                         "part": f"pt {part}" if part else "",
                         "ie": s.int_ext or "", "dn": "N" if s.night else "D", "set": s.location,
                         "synopsis": s.synopsis, "pages": s.pages, "cast": ", ".join(str(c) for c in s.cast_ids),
                         "colour": s.colour, "site": s.site})
        nxt = schedule.days[n + 1] if n + 1 < len(schedule.days) else None
        over = [what for what, bad in (
            (f"pages {day.pages} > {format_eighths(lim.eighths_per_day)}", day.eighths > lim.eighths_per_day),
            (f"hours {day.hours:g} > {lim.hours_per_day:g}", day.hours > lim.hours_per_day + 1e-9),
            (f"moves {day.company_moves} > {lim.company_moves_per_day}",
             day.company_moves > lim.company_moves_per_day)) if bad]
        rows.append({"kind": "day", "token": "day", "day": day.number,
                     "date": day.date.strftime("%a %d %b %Y") if day.date else "",
                     "pages": day.pages, "eighths": day.eighths, "hours": f"{day.hours:g}",
                     "moves": day.company_moves, "over": ", ".join(over),
                     "week_end": bool(nxt and nxt.week != day.week),
                     "colour": WEEK_BREAK_COLOUR if nxt and nxt.week != day.week else DAY_BREAK_COLOUR,
                     "limit": format_eighths(lim.eighths_per_day)})
    return rows


class StripboardBoard(pn.custom.JSComponent):
    """The stripboard itself; ``order`` is written by the browser after each drop."""

    rows = param.List(default=[], doc="Strips and day breaks to draw (see board_rows).")
    order = param.List(default=[], doc="Board order after the last drop: 's<index>' strips and 'day' breaks.")

    _esm = """
export function render({ model, el }) {
  const head = document.createElement('div');
  head.className = 'bhead';
  head.innerHTML = '<span class="grip"></span><span class="sc">Sc.</span><span class="ie">I/E</span>' +
    '<span class="dn">D/N</span><span class="set">Set · synopsis</span><span class="cast">Cast</span>' +
    '<span class="pg">Pages</span>';
  el.appendChild(head);
  const board = document.createElement('div');
  board.className = 'board';
  el.appendChild(board);
  let dragged = null;
  const clear = () => board.querySelectorAll('.drop-before, .drop-after')
      .forEach(n => n.classList.remove('drop-before', 'drop-after'));
  const esc = (t) => String(t ?? '').replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
  function draw() {
    board.innerHTML = '';
    model.rows.forEach((row, i) => {
      const div = document.createElement('div');
      div.draggable = true;
      div.dataset.token = row.token;
      div.dataset.index = i;
      if (row.kind === 'day') {
        div.className = 'daybreak' + (row.over ? ' over' : '') + (row.week_end ? ' weekbreak' : '');
        div.dataset.day = row.day;
        div.style.background = row.colour;
        div.innerHTML = `<span class="grip">&#8942;&#8942;</span>` +
          `<span class="db-title">End of Day ${row.day}</span>` +
          `<span class="db-date">${esc(row.date)}</span>` +
          `<span class="db-total">${esc(row.pages)} pages</span>` +
          `<span class="db-hours">${esc(row.hours)} h</span>` +
          `<span class="db-moves">${row.moves} company move${row.moves === 1 ? '' : 's'}</span>` +
          (row.over ? `<span class="db-over">over the day limit: ${esc(row.over)}</span>` : '');
      } else {
        div.className = 'strip';
        div.dataset.scene = row.part ? `${row.scene} ${row.part}` : row.scene;
        div.style.background = row.colour;
        div.innerHTML = `<span class="grip">&#8942;&#8942;</span>` +
          `<span class="sc">${esc(row.scene)}${row.part ? `<small class="part">${esc(row.part)}</small>` : ''}</span>` +
          `<span class="ie">${esc(row.ie)}</span>` +
          `<span class="dn">${esc(row.dn)}</span>` +
          `<span class="set"><b>${esc(row.set)}</b><small>${esc(row.synopsis)}</small></span>` +
          `<span class="cast">${esc(row.cast)}</span><span class="pg">${esc(row.pages)}</span>`;
      }
      div.addEventListener('dragstart', (e) => {
        dragged = div;
        div.classList.add('dragging');
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', row.token);
      });
      div.addEventListener('dragend', () => { div.classList.remove('dragging'); clear(); dragged = null; });
      div.addEventListener('dragover', (e) => {
        e.preventDefault();
        if (!dragged || dragged === div) return;
        const r = div.getBoundingClientRect();
        clear();
        div.classList.add(e.clientY > r.top + r.height / 2 ? 'drop-after' : 'drop-before');
      });
      div.addEventListener('drop', (e) => {
        e.preventDefault();
        if (!dragged || dragged === div) { clear(); return; }
        const r = div.getBoundingClientRect();
        const after = e.clientY > r.top + r.height / 2;
        board.insertBefore(dragged, after ? div.nextSibling : div);
        clear();
        model.order = Array.from(board.children).map(n => n.dataset.token);
      });
      board.appendChild(div);
    });
  }
  model.on('rows', draw);
  draw();
}
"""

    _stylesheets = ["""
.bhead { display: flex; align-items: center; gap: 10px; padding: 4px 10px; background: #263238; color: #fff;
         font: 700 11px Helvetica, Arial, sans-serif; text-transform: uppercase; letter-spacing: .05em;
         border-radius: 4px 4px 0 0; }
.bhead .grip { width: 16px; }
.bhead .sc { width: 44px; text-align: right; } .bhead .ie { width: 56px; } .bhead .dn { width: 22px; }
.bhead .set { flex: 1; } .bhead .cast { width: 110px; } .bhead .pg { width: 60px; text-align: right; }
.board { font-family: 'Courier Prime', 'Courier New', monospace; font-size: 13px; border: 1px solid #222;
         border-radius: 0 0 4px 4px; overflow: hidden; user-select: none; }
.strip, .daybreak { display: flex; align-items: center; gap: 10px; padding: 4px 10px; cursor: grab;
                    border-bottom: 1px solid #8a8a8a; min-height: 30px; }
.strip .grip, .daybreak .grip { color: #777; font-size: 14px; width: 16px; flex: none; letter-spacing: -4px; }
.strip .sc { font-weight: 700; width: 44px; text-align: right; font-size: 15px; line-height: 1.05; }
.strip .sc .part { display: block; font-size: 10px; font-weight: 400; white-space: nowrap; }
.strip .ie { width: 56px; font-weight: 700; }
.strip .dn { width: 22px; font-weight: 700; }
.strip .set { flex: 1; display: flex; flex-direction: column; overflow: hidden; }
.strip .set small { color: #333; font-family: Helvetica, Arial, sans-serif; font-size: 11px; white-space: nowrap;
                    overflow: hidden; text-overflow: ellipsis; }
.strip .cast { width: 110px; font-weight: 700; color: #111; }
.strip .pg { width: 60px; text-align: right; font-weight: 700; }
.daybreak { color: #fff; font-family: Helvetica, Arial, sans-serif; font-size: 12px; letter-spacing: .02em;
            min-height: 24px; }
.daybreak .db-title { font-weight: 700; text-transform: uppercase; width: 9em; }
.daybreak .db-date { width: 9.5em; opacity: .85; }
.daybreak .db-total { font-weight: 700; width: 8em; }
.daybreak .db-hours { width: 5em; }
.daybreak .db-over { background: #e53935; padding: 1px 6px; border-radius: 3px; font-weight: 700; }
.daybreak.over { box-shadow: inset 6px 0 0 #e53935; }
.dragging { opacity: .4; }
.drop-before { box-shadow: inset 0 3px 0 #ff6f00; }
.drop-after { box-shadow: inset 0 -3px 0 #ff6f00; }
"""]
