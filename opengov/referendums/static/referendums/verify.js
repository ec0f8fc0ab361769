/* Receipt verifier for referendum signatures, run entirely in the browser with WebCrypto.
 * Checks the checkpoint's signed note (C2SP, Ed25519 via crypto.subtle where the browser has
 * it), the leaf's RFC 9162 inclusion proof against the checkpoint's root (SHA-256 via
 * crypto.subtle.digest), and the leaf's commitment to the signed statement.
 * No network: everything needed is in the receipt and the trusted keys on the page. */
(function () {
  "use strict";
  var enc = new TextEncoder();

  function b64(text) {
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function unhex(text) {
    if (!/^([0-9a-f]{2})*$/i.test(text)) throw new Error("not hex");
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }
  function concat() {
    var n = 0, i, parts = arguments;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n), at = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], at); at += parts[i].length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  async function leafHash(data) { return sha256(concat(new Uint8Array([0]), data)); }
  async function nodeHash(l, r) { return sha256(concat(new Uint8Array([1]), l, r)); }

  /* RFC 9162 §2.1.3.2 */
  async function verifyInclusion(hash, index, size, proof, root) {
    if (index >= size) return false;
    var fn = index, sn = size - 1, r = hash;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) return false;
      if ((fn % 2 === 1) || fn === sn) {
        r = await nodeHash(proof[i], r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  function parseVkey(vkey) {
    var parts = vkey.split("+");
    if (parts.length !== 3) throw new Error("malformed verifier key");
    var key = b64(parts[2]);
    if (key.length !== 33 || key[0] !== 1) throw new Error("not an Ed25519 verifier key");
    return { name: parts[0], hash: unhex(parts[1]), key: key.slice(1) };
  }

  function splitNote(note) {
    var at = note.lastIndexOf("\n\n");
    if (at < 0) throw new Error("malformed signed note");
    var text = note.slice(0, at + 1), sigs = [];
    note.slice(at + 2).split("\n").forEach(function (line) {
      if (!line) return;
      var m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error("malformed signature line");
      var raw = b64(m[2]);
      sigs.push({ name: m[1], hash: raw.slice(0, 4), sig: raw.slice(4) });
    });
    return { text: text, sigs: sigs };
  }

  async function checkSignature(note, vkey) {
    var v = parseVkey(vkey);
    var expect = (await sha256(concat(enc.encode(v.name + "\n"), new Uint8Array([1]), v.key))).slice(0, 4);
    if (!equal(expect, v.hash)) throw new Error("verifier key hash does not match its key");
    var sig = note.sigs.find(function (s) { return s.name === v.name && equal(s.hash, v.hash); });
    if (!sig) return { ok: false, message: "no signature by " + v.name };
    var key;
    try {
      key = await crypto.subtle.importKey("raw", v.key, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return { ok: null, message: "this browser has no Ed25519 in WebCrypto: signature by " + v.name + " not checked" };
    }
    var good = await crypto.subtle.verify({ name: "Ed25519" }, key, sig.sig, enc.encode(note.text));
    return { ok: good, message: (good ? "checkpoint signed by " : "BAD signature by ") + v.name };
  }

  async function verifyReceipt(receipt, keys) {
    var steps = [];
    var note = splitNote(receipt.checkpoint);
    for (var i = 0; i < keys.length; i++) {
      var s = await checkSignature(note, keys[i]);
      steps.push(s.message);
      if (s.ok === false) return { ok: false, steps: steps };
    }
    var lines = note.text.split("\n");
    var origin = lines[0], size = parseInt(lines[1], 10), root = b64(lines[2]);
    if (!/^\d+$/.test(lines[1]) || root.length !== 32) throw new Error("malformed checkpoint");
    if (origin.slice(-(receipt.log.length + 1)) !== "/" + receipt.log) {
      steps.push("the checkpoint is of another log: " + origin);
      return { ok: false, steps: steps };
    }
    steps.push("checkpoint of " + origin + " at size " + size);
    var leaf = b64(receipt.leaf);
    var proof = receipt.inclusion_proof.map(unhex);
    var included = await verifyInclusion(await leafHash(leaf), receipt.leaf_index, size, proof, root);
    steps.push(included ? "leaf " + receipt.leaf_index + " included in the tree of " + size + " leaves"
      : "leaf " + receipt.leaf_index + " is NOT included in the checkpoint's tree");
    if (!included) return { ok: false, steps: steps };
    if (typeof receipt.statement === "string") {
      var commit = hex(await sha256(concat(unhex(receipt.salt), enc.encode(receipt.statement))));
      var leafLines = new TextDecoder().decode(leaf).split("\n");
      var good = leafLines[1] === "sign" && leafLines[3] === commit;
      steps.push(good ? "the leaf commits to the signed statement" : "the leaf does NOT commit to the statement");
      if (!good) return { ok: false, steps: steps };
    }
    return { ok: true, steps: steps };
  }

  window.opengovVerifyReceipt = verifyReceipt;

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("receipt-form");
    if (!form || !window.crypto || !crypto.subtle) return;
    var out = document.getElementById("receipt-result");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var keys = Array.prototype.map.call(
        document.querySelectorAll("[data-verifier-key]"), function (el) { return el.getAttribute("data-verifier-key"); });
      out.textContent = "";
      var list = document.createElement("ul"), verdict = document.createElement("p");
      try {
        var receipt = JSON.parse(document.getElementById("id_receipt").value);
        if (!keys.length) keys = receipt.verifier_keys || [];
        var result = await verifyReceipt(receipt, keys);
        result.steps.forEach(function (s) { var li = document.createElement("li"); li.textContent = s; list.appendChild(li); });
        verdict.textContent = result.ok ? out.getAttribute("data-ok") : out.getAttribute("data-fail");
        verdict.setAttribute("data-verdict", result.ok ? "ok" : "fail");
      } catch (e) {
        verdict.textContent = out.getAttribute("data-fail") + " " + e.message;
        verdict.setAttribute("data-verdict", "fail");
      }
      verdict.className = "verdict";
      out.appendChild(verdict);
      out.appendChild(list);
    });
  });
})();
