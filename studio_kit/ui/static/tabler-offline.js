/* Point Bokeh's Tabler icon view at the icon font shipped in studio_kit (no cdn.jsdelivr.net).
   Loaded right after Bokeh, before any view is built. See studio_kit/ui/offline.py. */
(function () {
  var base = new URL('tabler', document.currentScript.src).href;   // .../static/tabler
  function patch() {
    if (!window.Bokeh || !Bokeh.Models) { return false; }
    var Icon;
    try { Icon = Bokeh.Models.get('TablerIcon'); } catch (e) { return false; }
    if (!Icon) { return false; }
    var View = Icon.prototype.default_view;
    View._url = base;
    View._fonts.replace('@font-face{font-family:"tabler-icons";font-style:normal;font-weight:400;' +
                        'src:url("' + base + '/fonts/tabler-icons.woff2") format("woff2");}');
    return true;
  }
  if (!patch()) {
    document.addEventListener('DOMContentLoaded', patch);
  }
})();
