/* Forms rendered by digigov.support.forms.render: repeating groups (add / remove items) and conditional
   visibility. Conditions arrive as parse trees the server built (data-hide), so nothing is parsed or
   eval'ed here; the server re-checks visibility on submit whatever this script did. */
(function () {
  "use strict";
  function kind(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return "bool";
    if (typeof v === "number") return "num";
    if (typeof v === "string") return "str";
    return "other";
  }
  function evaluate(node, lookup) {
    switch (node[0]) {
      case "lit": return node[1];
      case "name": { var v = lookup(node[1]); return v === "" ? null : v; }
      case "not": { var x = evaluate(node[1], lookup); return typeof x === "boolean" ? !x : null; }
      case "and": case "or": {
        var vals = node.slice(1).map(function (n) { return evaluate(n, lookup); });
        if (node[0] === "and") {
          if (vals.indexOf(false) >= 0) return false;
          return vals.every(function (v) { return v === true; }) ? true : null;
        }
        if (vals.indexOf(true) >= 0) return true;
        return vals.every(function (v) { return v === false; }) ? false : null;
      }
      case "cmp": {
        var op = node[1], a = evaluate(node[2], lookup), b = evaluate(node[3], lookup), ka = kind(a), kb = kind(b);
        if (op === "=" || op === "!=") {
          var same;
          if (ka === "null" || kb === "null") same = ka === kb;
          else if (ka !== kb) return null;
          else same = a === b;
          return op === "=" ? same : !same;
        }
        if (ka !== kb || (ka !== "num" && ka !== "str")) return null;
        return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
      }
    }
    return null;
  }
  function valueOf(root, prefix, path) {
    var els = root.querySelectorAll('[name="' + prefix + "-" + path + '"]');
    if (!els.length) return undefined;
    var first = els[0];
    if (first.type === "radio") {
      for (var i = 0; i < els.length; i++) if (els[i].checked) return els[i].value;
      return null;
    }
    if (first.type === "checkbox") {
      if (els.length === 1 && first.value === "1" && !first.closest(".choices")) return first.checked ? true : null;
      var out = [];
      for (var j = 0; j < els.length; j++) if (els[j].checked) out.push(els[j].value);
      return out;
    }
    var v = first.value;
    if (first.type === "number" && v !== "" && !isNaN(Number(v))) return Number(v);
    return v;
  }
  function refresh(form) {
    var prefix = form.getAttribute("data-dg-form");
    form.querySelectorAll("[data-hide]").forEach(function (el) {
      var tree;
      try { tree = JSON.parse(el.getAttribute("data-hide")); } catch (e) { return; }
      var item = el.parentElement && el.parentElement.closest(".dg-repeat-item");
      var itemBase = "";
      if (item) {
        var rep = item.closest(".dg-repeat");
        itemBase = rep.getAttribute("data-path") + "." + item.getAttribute("data-index") + ".";
      }
      var hidden = evaluate(tree, function (name) {
        var v;
        if (itemBase) v = valueOf(form, prefix, itemBase + name);
        if (v === undefined) v = valueOf(form, prefix, name);
        return v === undefined ? null : v;
      }) === true;
      el.hidden = hidden;
      el.querySelectorAll("input,select,textarea").forEach(function (c) { c.disabled = hidden; });
    });
  }
  function renumber(rep) {
    var path = rep.getAttribute("data-path"), prefix = rep.getAttribute("data-prefix");
    rep.querySelectorAll(":scope > .dg-repeat-items > .dg-repeat-item").forEach(function (item, i) {
      var old = item.getAttribute("data-index");
      item.setAttribute("data-index", String(i));
      var num = item.querySelector("[data-number]");
      if (num) num.textContent = String(i + 1);
      var from = path + "." + old + ".", to = path + "." + i + ".";
      item.querySelectorAll("[name],[id],[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.split(from).join(to).split(from.replace(/\./g, "-")).join(to.replace(/\./g, "-")));
        });
      });
    });
  }
  function init(form) {
    form.addEventListener("click", function (e) {
      var add = e.target.closest("[data-repeat-add]"), remove = e.target.closest("[data-repeat-remove]");
      if (add) {
        var rep = add.closest(".dg-repeat"), tpl = rep.querySelector(":scope > template");
        var items = rep.querySelector(":scope > .dg-repeat-items");
        var html = tpl.innerHTML.split("__i__").join(String(items.children.length));
        items.insertAdjacentHTML("beforeend", html);
        renumber(rep);
        refresh(form);
        var first = items.lastElementChild.querySelector("input,select,textarea");
        if (first) first.focus();
      } else if (remove) {
        var rep2 = remove.closest(".dg-repeat");
        remove.closest(".dg-repeat-item").remove();
        renumber(rep2);
        refresh(form);
      }
    });
    form.addEventListener("input", function () { refresh(form); });
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  }
  window.DigiGovForms = {init: init};
  function start() { document.querySelectorAll("[data-dg-form]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
