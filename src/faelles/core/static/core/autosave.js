// Autosave of drafts for forms marked data-autosave="<key>" (see faelles.accounts.drafts).
// Progressive enhancement only: without this file the form works as before.
//
// - While the person types, the text fields are kept in localStorage (after a short pause) and,
//   when the form has data-autosave-url (logged in), sent to the server every few seconds.
// - When the page opens with an empty form, a kept draft is filled in again.
// - A short status line (role=status) says when the draft was saved. Its texts come from the
//   page (data-autosave-text-*), so they are translated with the rest of the site.
// - After a successful send the draft is forgotten: the next time the form opens empty and the
//   server has no draft, the browser copy is removed too.
(function () {
  "use strict";

  var PREFIX = "faelles:draft:";
  var LOCAL_DELAY = 700;
  var SERVER_DELAY = 3000;
  var SKIP = { csrfmiddlewaretoken: true, idempotency_key: true };

  function storage() {
    try {
      var s = window.localStorage;
      var probe = PREFIX + "probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null; // private mode, blocked or full: the server copy still works
    }
  }

  var store = storage();

  function read(name) {
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(name) || "null");
    } catch (e) {
      return null;
    }
  }

  function write(name, entry) {
    if (!store) return false;
    try {
      store.setItem(name, JSON.stringify(entry));
      return true;
    } catch (e) {
      return false;
    }
  }

  function removeAll(key) {
    // Every person's copy of this form: used when the draft is discarded or sent.
    if (!store) return;
    var suffix = ":" + key;
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0 && name.slice(-suffix.length) === suffix) {
        store.removeItem(name);
      }
    }
  }

  function textFields(form) {
    var out = [];
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || SKIP[el.name] || el.disabled || el.hasAttribute("data-autosave-skip")) continue;
      var tag = el.tagName.toLowerCase();
      var type = (el.getAttribute("type") || "text").toLowerCase();
      if (tag === "textarea" || (tag === "input" && (type === "text" || type === "search"))) {
        out.push(el);
      }
    }
    return out;
  }

  function valuesOf(form) {
    var values = {};
    textFields(form).forEach(function (el) {
      values[el.name] = el.value;
    });
    return values;
  }

  function isEmpty(values) {
    for (var name in values) {
      if (Object.prototype.hasOwnProperty.call(values, name) && String(values[name]).trim()) {
        return false;
      }
    }
    return true;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function fill(form, values) {
    textFields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(values, el.name)) el.value = values[el.name];
    });
  }

  function clock(date) {
    var lang = document.documentElement.lang || "da";
    try {
      return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    } catch (e) {
      return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
    }
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      return headers["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function statusLine(form) {
    var el = form.querySelector("[data-autosave-status]");
    if (el) return el;
    el = document.createElement("p");
    el.className = "help autosave-status";
    el.setAttribute("role", "status");
    el.setAttribute("data-autosave-status", "");
    var submit = form.querySelector("button[type=submit], input[type=submit]");
    if (submit && submit.parentNode) {
      submit.parentNode.insertBefore(el, submit);
    } else {
      form.appendChild(el);
    }
    return el;
  }

  function init(form) {
    var key = form.getAttribute("data-autosave");
    if (!key) return;
    var owner = form.getAttribute("data-autosave-owner") || "anon";
    var name = PREFIX + owner + ":" + key;
    var url = form.getAttribute("data-autosave-url");
    var serverSaved = Date.parse(form.getAttribute("data-autosave-server-saved") || "") || 0;
    var status = statusLine(form);
    var localTimer = null;
    var serverTimer = null;
    var serverDirty = false;
    var submitted = false;

    function say(kind, date) {
      var template = form.getAttribute("data-autosave-text-" + kind) || "";
      var text = template.replace("{time}", clock(date));
      // Only a changed text is announced: at most once a minute while typing.
      if (status.textContent !== text) status.textContent = text;
    }

    // Another person's copy of this form (a shared computer) is never shown; their draft is
    // still on the server under their own account.
    if (store) {
      var suffix = ":" + key;
      for (var i = store.length - 1; i >= 0; i--) {
        var other = store.key(i);
        if (other && other !== name && other.indexOf(PREFIX) === 0 &&
            other.slice(-suffix.length) === suffix) {
          store.removeItem(other);
        }
      }
    }

    var current = valuesOf(form);
    var entry = read(name);
    if (entry && entry.submitted) {
      if (isEmpty(current) && !serverSaved) {
        // Sent successfully: the server deleted its copy and the form opens empty again.
        store.removeItem(name);
        entry = null;
      } else {
        // The form came back (an error to correct) or the send failed: keep the draft.
        delete entry.submitted;
        write(name, entry);
      }
    }
    if (entry && entry.fields && !isEmpty(entry.fields) && !same(entry.fields, current)) {
      // The browser copy wins over an empty form, and over an older server copy.
      if (isEmpty(current) || (serverSaved && entry.savedAt > serverSaved)) {
        fill(form, entry.fields);
        say("restored", new Date(entry.savedAt));
        if (url && entry.savedAt > serverSaved) {
          serverDirty = true;
          scheduleServer();
        }
      }
    }

    function saveLocal() {
      localTimer = null;
      var values = valuesOf(form);
      var now = Date.now();
      if (isEmpty(values)) {
        if (store) store.removeItem(name);
        return;
      }
      if (write(name, { fields: values, savedAt: now, submitted: submitted || undefined })) {
        if (!url) say("saved", new Date(now));
      }
    }

    function saveServer(keepalive) {
      serverTimer = null;
      if (!url || !serverDirty || submitted) return;
      serverDirty = false;
      var body = JSON.stringify({ key: key, fields: valuesOf(form) });
      var options = {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
        body: body,
      };
      if (keepalive && body.length < 60000) options.keepalive = true;
      if (!window.fetch) return;
      window.fetch(url, options).then(function (response) {
        if (response.ok) {
          say("saved", new Date());
        } else {
          say("local", new Date());
        }
      }).catch(function () {
        serverDirty = true; // try again with the next change
        say("local", new Date());
      });
    }

    function scheduleServer() {
      if (!url) return;
      if (serverTimer) clearTimeout(serverTimer);
      serverTimer = setTimeout(saveServer, SERVER_DELAY);
    }

    function changed() {
      if (localTimer) clearTimeout(localTimer);
      localTimer = setTimeout(saveLocal, LOCAL_DELAY);
      serverDirty = true;
      scheduleServer();
    }

    form.addEventListener("input", changed);

    form.addEventListener("submit", function () {
      submitted = true;
      if (localTimer) clearTimeout(localTimer);
      if (serverTimer) clearTimeout(serverTimer);
      saveLocal();
    });

    // Leaving the page (closing the tab): keep what was typed in the last moments.
    window.addEventListener("pagehide", function () {
      if (submitted) return;
      if (localTimer) {
        clearTimeout(localTimer);
        saveLocal();
      }
      if (serverTimer) {
        clearTimeout(serverTimer);
        saveServer(true);
      }
    });
  }

  function initDiscard(form) {
    form.addEventListener("submit", function () {
      removeAll(form.getAttribute("data-autosave-discard"));
    });
  }

  // Like the server (accounts.drafts.DRAFT_DAYS): a copy untouched for 30 days is forgotten,
  // also one left behind by a form that was sent and never opened again.
  var MAX_AGE = 30 * 24 * 3600 * 1000;

  function purgeOld() {
    if (!store) return;
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (!name || name.indexOf(PREFIX) !== 0) continue;
      var entry = read(name);
      if (!entry || !entry.savedAt || now - entry.savedAt > MAX_AGE) store.removeItem(name);
    }
  }

  function start() {
    purgeOld();
    var forms = document.querySelectorAll("form[data-autosave]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
    var discards = document.querySelectorAll("form[data-autosave-discard]");
    for (var j = 0; j < discards.length; j++) initDiscard(discards[j]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
