/* Process diagrams with the vendored bpmn-js (global BpmnJS: the modeller or the navigated viewer,
   whichever bundle the page loaded). #bpmn-modeller: open a version, save the edited XML into the form
   (the server checks it like an import). #bpmn-viewer: draw a case's process and mark where it stands. */
(function () {
  "use strict";
  function readJSON(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function status(text) { var el = document.getElementById("bpmn-status"); if (el) { el.textContent = text; } }

  function open(container, onReady) {
    if (typeof window.BpmnJS !== "function") { status("流程图组件未能加载"); return; }
    var viewer = new window.BpmnJS({ container: container });
    viewer.importXML(readJSON("bpmn-xml")).then(function () {
      viewer.get("canvas").zoom("fit-viewport", "auto");
      container.setAttribute("data-ready", "1");
      status("");
      if (onReady) { onReady(viewer); }
    }).catch(function () {
      status("该流程文件没有图形信息（缺少 BPMN DI），无法绘制流程图");
    });
    return viewer;
  }

  var modeller = document.getElementById("bpmn-modeller");
  if (modeller) {
    var m = open(modeller);
    var form = document.getElementById("modeller-form");
    if (form && m) {
      form.addEventListener("submit", function (ev) {
        if (form.getAttribute("data-ready") === "1") { return; }
        ev.preventDefault();
        m.saveXML({ format: true }).then(function (result) {
          document.getElementById("bpmn-xml-field").value = result.xml;
          form.setAttribute("data-ready", "1");
          form.submit();
        });
      });
    }
  }

  var viewerEl = document.getElementById("bpmn-viewer");
  if (viewerEl) {
    open(viewerEl, function (v) {
      var markers = readJSON("bpmn-markers") || {};
      var canvas = v.get("canvas"), registry = v.get("elementRegistry");
      [["completed", "wf-done"], ["current", "wf-current"], ["failed", "wf-failed"]].forEach(function (pair) {
        (markers[pair[0]] || []).forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, pair[1]); } });
      });
    });
  }
})();
