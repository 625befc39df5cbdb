// mpcsign approval page: WebAuthn ceremonies with the node, no framework, nothing from outside.
"use strict";

const b64urlToBuf = s => {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(b, c => c.charCodeAt(0)).buffer;
};
const bufToB64url = buf => {
  let s = "";
  for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

function credentialJson(c) {
  if (typeof c.toJSON === "function") return c.toJSON();
  const r = c.response, o = { id: c.id, rawId: bufToB64url(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(), response: {} };
  for (const k of ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"])
    if (r[k]) o.response[k] = bufToB64url(r[k]);
  if (r.getTransports) o.response.transports = r.getTransports();
  return o;
}

async function post(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}), credentials: "same-origin" });
  let data = {};
  try { data = await res.json(); } catch { data = { error: "the node answered " + res.status + " without a message" }; }
  if (!res.ok) throw new Error(data.error || ("refused (" + res.status + ")"));
  return data;
}

function say(text, ok) {
  const m = document.getElementById("message");
  m.textContent = text;
  m.className = ok ? "ok" : "error";
  m.setAttribute("role", ok ? "status" : "alert");
}

function ceremonyError(e) {
  if (e && e.name === "NotAllowedError") return "the passkey prompt was cancelled or timed out; nothing was sent";
  if (e && e.name === "InvalidStateError") return "this authenticator is already registered";
  return e && e.message ? e.message : String(e);
}

async function enrol(main) {
  const token = main.dataset.token, button = document.getElementById("register");
  button.disabled = true;
  say("Waiting for your passkey...", true);
  try {
    const start = await post("/enrol/" + encodeURIComponent(token) + "/options");
    const pk = start.options;
    pk.challenge = b64urlToBuf(pk.challenge);
    pk.user.id = b64urlToBuf(pk.user.id);
    pk.excludeCredentials = (pk.excludeCredentials || []).map(c => ({ ...c, id: b64urlToBuf(c.id) }));
    const cred = await navigator.credentials.create({ publicKey: pk });
    const done = await post("/enrol/" + encodeURIComponent(token) + "/complete", { ceremonyId: start.ceremonyId, credential: credentialJson(cred) });
    say(done.message, true);
    if (done.session && /^[0-9a-f]{32}$/.test(done.session)) {
      // enrolment proposed as a trust policy change: link to the session its stewards approve
      const p = document.createElement("p"), a = document.createElement("a");
      a.href = "/sessions/" + done.session;
      a.id = "proposal";
      a.textContent = "The stewards approve it here: session " + done.session;
      p.appendChild(a);
      document.getElementById("message").after(p);
    }
  } catch (e) {
    say("Registration refused: " + ceremonyError(e), false);
    button.disabled = false;
  }
}

const phaseNames = { awaitingapprovals: "waiting for approvals", signing: "signing", completed: "signed", failed: "failed", expired: "expired" };

function render(s) {
  document.getElementById("phase").textContent = (phaseNames[s.phase] || s.phase) + (s.logIndex != null ? " (log index " + s.logIndex + ")" : "");
  document.getElementById("expires").textContent = s.expires;
  document.getElementById("needed").textContent = s.closed ? "nobody" : s.engineersNeeded + " engineer(s), " + s.stewardsNeeded + " steward(s)";
  const list = document.getElementById("approvers");
  list.replaceChildren(...(s.approvers.length ? s.approvers.map(a => {
    const li = document.createElement("li");
    li.textContent = a.name + " <" + a.email + "> as " + a.role;
    return li;
  }) : [Object.assign(document.createElement("li"), { textContent: "nobody yet" })]));
  document.getElementById("approve").disabled = !!s.closed;
  document.getElementById("session").dataset.phase = s.phase;
}

async function poll(id) {
  try {
    const res = await fetch("/sessions/" + id + "/status", { credentials: "same-origin" });
    const data = await res.json();
    if (res.ok) render(data); else say(data.error, false);
    if (res.ok && (data.phase === "completed" || data.phase === "failed" || data.phase === "expired")) return;
  } catch (e) { /* the node may restart: keep polling */ }
  setTimeout(() => poll(id), 1000);
}

async function approve(main) {
  const id = main.dataset.session, button = document.getElementById("approve");
  button.disabled = true;
  say("Waiting for your passkey...", true);
  try {
    const start = await post("/sessions/" + id + "/options");
    const pk = start.options;
    pk.challenge = b64urlToBuf(pk.challenge);
    pk.allowCredentials = (pk.allowCredentials || []).map(c => ({ ...c, id: b64urlToBuf(c.id) }));
    const cred = await navigator.credentials.get({ publicKey: pk });
    const done = await post("/sessions/" + id + "/approve", { credential: credentialJson(cred) });
    say(done.message, true);
    render(done.status);
  } catch (e) {
    say("Approval refused: " + ceremonyError(e), false);
    button.disabled = false;
  }
}

async function signIn() {
  const button = document.getElementById("signin-button");
  button.disabled = true;
  say("Waiting for your passkey...", true);
  try {
    const start = await post("/signin/options");
    const pk = start.options;
    pk.challenge = b64urlToBuf(pk.challenge);
    pk.allowCredentials = (pk.allowCredentials || []).map(c => ({ ...c, id: b64urlToBuf(c.id) }));
    const cred = await navigator.credentials.get({ publicKey: pk });
    const done = await post("/signin", { credential: credentialJson(cred) });
    say(done.message, true);
    window.location.assign(done.location);
  } catch (e) {
    say("Sign-in refused: " + ceremonyError(e), false);
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.getElementById("signin")) document.getElementById("signin-button").addEventListener("click", signIn);
  const enrolMain = document.getElementById("enrol");
  if (enrolMain) document.getElementById("register").addEventListener("click", () => enrol(enrolMain));
  const sessionMain = document.getElementById("session");
  if (sessionMain) {
    document.getElementById("approve").addEventListener("click", () => approve(sessionMain));
    poll(sessionMain.dataset.session);
  }
});
