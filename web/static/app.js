// The qrtc page: a thin layer of plain JavaScript around two Go WebAssembly
// modules built from the same packages as the qrtc command (see package web).
// codec.wasm (loaded at once) holds sdpcompact and phrase; scan.wasm (loaded
// in a Web Worker when a session starts or a scan begins) holds package qr,
// which draws and reads QR codes.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const app = $("app");
  const params = new URLSearchParams(location.search);
  const t0 = performance.now();

  // The published page: links in offer codes point here when this copy is
  // not itself served over https (a file, or qrtc web on loopback).
  const DEFAULT_URL = "https://qrtc.github.io/qrtc/";
  // The same public STUN servers as the qrtc command; ?stun=URL (repeatable)
  // replaces them and ?stun=none leaves host candidates only.
  const DEFAULT_STUN = ["stun:stun.l.google.com:19302", "stun:stun.cloudflare.com:3478"];
  // How long to wait for STUN servers before showing a code (as qrtc's
  // --gather-timeout), and the longest wait for a first candidate.
  const GATHER_TIMEOUT = 1500;
  const GATHER_MAX = 8000;
  // Every Nth camera frame gets the thorough decoder at a larger size.
  const THOROUGH_EVERY = 8;

  // ---- test hook: ?hook=URL reports events to a test server and takes
  // commands from it (see package web's documentation).
  // Only a server on this machine's loopback may drive the page: a link
  // with a hook elsewhere must not read the page's codes or type into it.
  const hookBase = (() => {
    const h = params.get("hook");
    if (!h) return "";
    try {
      const u = new URL(h);
      if (u.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname)) return u.href;
    } catch (e) { /* not a URL */ }
    return "";
  })();
  let hookQueue = Promise.resolve();
  function report(kind, value) {
    if (!hookBase) return;
    const body = JSON.stringify({ kind: kind, value: value === undefined ? null : value });
    hookQueue = hookQueue.then(() => fetch(hookBase + "event", { method: "POST", body: body })).catch(() => {});
  }

  // ---- state and words for people
  let codec = null;
  let pc = null;
  let dc = null;
  let role = "";
  let offerSDP = "";
  let answerApplied = false;

  function setState(s) {
    app.dataset.state = s;
    report("state", s);
  }
  function status(text) {
    $("status").textContent = text;
    report("status", text);
  }
  function showError(text) {
    const e = $("error");
    e.textContent = text;
    e.hidden = false;
    report("error", text);
  }
  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
  }
  function info(text) {
    addMessage("info", text);
  }
  function addMessage(from, text) {
    const li = document.createElement("li");
    li.dataset.from = from;
    li.textContent = text;
    $("messages").append(li);
    li.scrollIntoView({ block: "nearest" });
  }
  window.addEventListener("error", (e) => report("error", "page: " + (e.error && e.error.stack ? e.error.stack : e.message)));
  window.addEventListener("unhandledrejection", (e) => report("error", "page: " + (e.reason && e.reason.stack ? e.reason.stack : String(e.reason))));

  // ---- WebAssembly
  async function gunzip(buf) {
    const b = new Uint8Array(buf);
    if (b[0] !== 0x1f || b[1] !== 0x8b) return b.buffer; // a server already decompressed it
    if (typeof DecompressionStream === "undefined") throw new Error("this browser cannot decompress the page's code (no DecompressionStream); use a current Chrome, Firefox or Safari");
    return new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }
  // wasmBytes returns a module's bytes: inlined in the single-file page, or
  // fetched beside it.
  async function wasmBytes(name) {
    const el = $("wasm-" + name);
    if (el) {
      const s = atob(el.textContent.trim());
      const b = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
      return gunzip(b.buffer);
    }
    const r = await fetch(name + ".wasm.gz");
    if (!r.ok) throw new Error("loading " + name + ".wasm.gz: HTTP " + r.status);
    return gunzip(await r.arrayBuffer());
  }
  async function runGo(bytes, readyName) {
    const go = new Go();
    const ready = new Promise((resolve) => { globalThis[readyName] = resolve; });
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    go.run(instance);
    await ready;
  }
  function call(name, ...args) {
    const r = codec[name](...args);
    if (r.error) throw new Error(r.error);
    return r.value;
  }

  // The scanner runs scan.wasm in a worker (or, where workers fail, here).
  let scanner = null;
  function getScanner() {
    if (!scanner) scanner = makeScanner().catch((e) => { scanner = null; throw e; });
    return scanner;
  }
  async function makeScanner() {
    const started = performance.now();
    const bytes = await wasmBytes("scan");
    let worker = null;
    try {
      const inl = $("src-scan-worker");
      if (inl) {
        const src = [$("src-wasm-exec").textContent, "\n", inl.textContent];
        worker = new Worker(URL.createObjectURL(new Blob(src, { type: "text/javascript" })));
      } else {
        worker = new Worker("scan-worker.js");
      }
    } catch (e) {
      worker = null;
    }
    let s;
    if (worker) {
      let next = 1;
      const waiting = new Map();
      const ready = new Promise((resolve, reject) => {
        worker.onmessage = (e) => {
          const m = e.data;
          if (m.ready) return resolve();
          const w = waiting.get(m.id);
          waiting.delete(m.id);
          if (w) w(m);
        };
        worker.onerror = (e) => reject(new Error("scanner: " + (e.message || "worker failed")));
      });
      worker.postMessage({ wasm: bytes }, [bytes]);
      await ready;
      const ask = (msg, transfer) => new Promise((resolve) => {
        msg.id = next++;
        waiting.set(msg.id, resolve);
        worker.postMessage(msg, transfer);
      });
      s = {
        frame: (data, w, h, thorough) => ask({ kind: "frame", data: data, w: w, h: h, thorough: thorough }, [data.buffer]),
        file: (data) => ask({ kind: "file", data: data }, [data.buffer]),
        svg: (text) => ask({ kind: "svg", text: text }, []),
      };
    } else {
      await runGo(bytes, "qrtcScanReady");
      s = {
        frame: async (data, w, h, thorough) => globalThis.qrtcScan.frame(data, w, h, thorough),
        file: async (data) => globalThis.qrtcScan.file(data),
        svg: async (text) => globalThis.qrtcScan.svg(text),
      };
    }
    report("scanner", { ms: Math.round(performance.now() - started), worker: !!worker });
    return s;
  }

  // ---- WebRTC
  function iceServers() {
    const urls = params.getAll("stun");
    if (urls.includes("none")) return [];
    return (urls.length ? urls : DEFAULT_STUN).map((u) => ({ urls: u }));
  }

  function newPeer() {
    closePeer();
    answerApplied = false;
    const p = new RTCPeerConnection({ iceServers: iceServers() });
    p.addEventListener("connectionstatechange", () => {
      if (p !== pc) return;
      report("connection", p.connectionState);
      if (p.connectionState === "failed" && !(dc && dc.readyState === "open")) {
        // Browsers report "failed" early (Chromium at about 15 s) and then
        // connect: never give up here.
        status("No connection yet; still trying. Keep this page open.");
      }
    });
    p.addEventListener("iceconnectionstatechange", () => { if (p === pc) report("ice", p.iceConnectionState); });
    pc = p;
    return p;
  }
  function closePeer() {
    if (dc) dc.close();
    if (pc) pc.close();
    pc = null;
    dc = null;
  }

  // gathered resolves when ICE gathering is complete, or GATHER_TIMEOUT
  // after it started once at least one candidate is known (a STUN server that
  // never answers is not waited for).
  function gathered(p) {
    return new Promise((resolve) => {
      const start = performance.now();
      const done = () => { clearInterval(timer); resolve(); };
      const check = () => {
        if (p.iceGatheringState === "complete") return done();
        const sdp = p.localDescription ? p.localDescription.sdp : "";
        const waited = performance.now() - start;
        if ((waited >= GATHER_TIMEOUT && sdp.includes("a=candidate")) || waited >= GATHER_MAX) done();
      };
      const timer = setInterval(check, 100);
      p.addEventListener("icegatheringstatechange", check);
      check();
    });
  }

  function wire(channel) {
    dc = channel;
    channel.addEventListener("open", () => {
      if (channel !== dc) return;
      const ms = Math.round(performance.now() - t0);
      setState("connected");
      status("Connected.");
      $("chat").hidden = false;
      $("mine").hidden = true;
      $("read").hidden = true;
      $("start").hidden = true;
      stopCamera();
      report("open", { ms: ms });
      let words = "";
      try {
        words = call("phrase", pc.localDescription.sdp, pc.remoteDescription.sdp);
      } catch (e) {
        showError("Cannot derive the verification phrase: " + e.message);
      }
      $("phrase").textContent = words;
      report("phrase", words);
      $("message").focus();
    });
    channel.addEventListener("message", (e) => {
      let text = e.data;
      if (typeof text !== "string") text = "[binary message, " + (text.byteLength || text.size || 0) + " bytes]";
      addMessage("peer", text);
      report("message", text);
    });
    channel.addEventListener("close", () => {
      if (channel !== dc) return;
      setState("ended");
      status("The session has ended.");
      info("The session has ended.");
      $("send-form").hidden = true;
      report("closed");
    });
  }

  // showOwn shows this side's token: as a QR code (an offer's code is a link
  // that opens this page, so a phone's camera app can join) and as text.
  async function showOwn(token, kind) {
    let content = token;
    if (kind === "offer") {
      const base = location.protocol === "https:" ? location.href.split("#")[0] : DEFAULT_URL;
      try { content = call("link", base, token); } catch (e) { content = token; }
    }
    $("qr").textContent = "";
    try {
      const r = await (await getScanner()).svg(content);
      if (r.error) throw new Error(r.error);
      $("qr").innerHTML = r.value;
    } catch (e) {
      showError("Cannot draw the QR code (" + e.message + "); give the other side the text instead.");
    }
    $("token").value = token;
    $("token-size").textContent = "(" + token.length + " characters)";
    $("mine").hidden = app.dataset.state === "connected"; // a one-scan answer can connect first
    $("share").hidden = !navigator.share;
    $("share").dataset.text = content;
    $("mine-hint").textContent = kind === "offer"
      ? "Show this to the other side: they scan it with this page (or their camera app), or run qrtc answer with it. Then read their answer below."
      : "Show this answer to the other side; the connection comes up once they have read it.";
    report("token", { kind: kind, token: token, qr: content, ms: Math.round(performance.now() - t0) });
  }

  async function startOffer() {
    clearError();
    getScanner().catch(() => {}); // drawing the code needs it: load it while gathering
    const p = newPeer();
    role = "offer";
    setState("offering");
    status("Making your code…");
    wire(p.createDataChannel("qrtc", { ordered: true }));
    await p.setLocalDescription(await p.createOffer());
    await gathered(p);
    if (p !== pc) return;
    offerSDP = p.localDescription.sdp;
    await showOwn(call("encode", "offer", offerSDP), "offer");
    $("start").hidden = true;
    $("read-h").textContent = "Read their answer";
    status("Waiting for the other side's answer. Take your time: this page waits.");
  }

  async function answerOffer(sdp) {
    getScanner().catch(() => {});
    const p = newPeer();
    role = "answer";
    setState("answering");
    status("Answering…");
    p.addEventListener("datachannel", (e) => wire(e.channel));
    await p.setRemoteDescription({ type: "offer", sdp: sdp });
    const answer = await p.createAnswer();
    // An offer from a maker that takes one-scan answers (a=qrtc-one-scan,
    // package onescan): this page's ICE credentials carry its answer inside
    // its first connectivity check, so the other side may connect without
    // reading the answer code. Where that cannot be, answer the ordinary way.
    let oneScan = false;
    let local = { type: "answer", sdp: answer.sdp };
    try {
      local = { type: "answer", sdp: call("oneScanAnswer", sdp, answer.sdp) };
      oneScan = true;
    } catch (e) { /* not a one-scan offer, or an answer it cannot describe */ }
    try {
      await p.setLocalDescription(local);
    } catch (e) {
      if (!oneScan) throw e;
      oneScan = false; // this browser refused the credentials: the ordinary way
      await p.setLocalDescription(answer);
    }
    report("onescan", oneScan);
    await gathered(p);
    if (p !== pc) return;
    await showOwn(call("encodeAnswer", p.localDescription.sdp, sdp), "answer");
    $("start").hidden = true;
    $("read").hidden = true;
    if (app.dataset.state === "connected") return;
    if (oneScan) {
      $("mine-hint").textContent = "The other side may connect without this answer, from this page's first connectivity check. If it does not, show it this answer.";
      status("Waiting for the other side to connect (or to read your answer).");
    } else {
      status("Waiting for the other side to read your answer and connect.");
    }
  }

  async function acceptAnswer(text, sdp) {
    if (role !== "offer" || !pc) {
      showError("This is an answer code. An answer only fits the offer it was made for: start a session here, show your code, and read the answer to it.");
      return;
    }
    if (answerApplied) return;
    try {
      call("checkAnswer", text, offerSDP);
    } catch (e) {
      showError(e.message + ". Read the answer to the code this page shows.");
      return;
    }
    answerApplied = true;
    setState("connecting");
    status("Connecting…");
    await pc.setRemoteDescription({ type: "answer", sdp: sdp });
  }

  // readText takes a code from any source: camera, photo, paste or link.
  async function readText(text, source) {
    clearError();
    let d;
    try {
      d = call("decode", text);
    } catch (e) {
      showError(e.message);
      return false;
    }
    report("read", { source: source, type: d.type, ms: Math.round(performance.now() - t0) });
    try {
      if (d.type === "offer") {
        if (role === "offer") info("You read an offer: answering it instead of your own.");
        await answerOffer(d.sdp);
      } else {
        await acceptAnswer(text, d.sdp);
      }
    } catch (e) {
      showError("WebRTC refused the code: " + e.message);
    }
    return true;
  }

  // ---- camera
  let stream = null;
  let testFrames = null; // the test hook's pictures, in place of a camera
  async function openCamera() {
    if (testFrames) {
      const c = document.createElement("canvas");
      const imgs = await Promise.all(testFrames.map((u) => new Promise((res, rej) => {
        const i = new Image();
        i.onload = () => res(i);
        i.onerror = rej;
        i.src = u;
      })));
      c.width = imgs[0].naturalWidth;
      c.height = imgs[0].naturalHeight;
      const ctx = c.getContext("2d");
      let k = 0;
      const draw = () => { ctx.drawImage(imgs[k++ % imgs.length], 0, 0, c.width, c.height); };
      draw();
      const s = c.captureStream(10);
      const timer = setInterval(draw, 100);
      s.getVideoTracks()[0].addEventListener("ended", () => clearInterval(timer));
      s.stopDrawing = () => clearInterval(timer);
      return s;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("this page has no camera here: browsers give one only to https pages, http://127.0.0.1 and files. Use a photo or paste the code");
    }
    return navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  }

  function setupControls(track) {
    const caps = track.getCapabilities ? track.getCapabilities() : {};
    const torch = $("torch");
    torch.hidden = !caps.torch;
    torch.onclick = async () => {
      const on = torch.getAttribute("aria-pressed") !== "true";
      try {
        await track.applyConstraints({ advanced: [{ torch: on }] });
        torch.setAttribute("aria-pressed", String(on));
      } catch (e) { /* the torch is busy or gone */ }
    };
    const zoom = $("zoom");
    $("zoom-label").hidden = !caps.zoom;
    if (caps.zoom) {
      zoom.min = caps.zoom.min;
      zoom.max = caps.zoom.max;
      zoom.step = caps.zoom.step || 0.1;
      zoom.value = (track.getSettings().zoom || caps.zoom.min);
      zoom.oninput = () => track.applyConstraints({ advanced: [{ zoom: Number(zoom.value) }] }).catch(() => {});
    }
  }

  async function barcodeDetector() {
    if (typeof BarcodeDetector === "undefined" || params.has("nodetector")) return null;
    try {
      const formats = await BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch (e) {
      return null;
    }
  }

  function nextFrame(video) {
    return new Promise((resolve) => {
      if (video.requestVideoFrameCallback) {
        const t = setTimeout(resolve, 200);
        video.requestVideoFrameCallback(() => { clearTimeout(t); resolve(); });
      } else {
        setTimeout(resolve, 40);
      }
    });
  }

  async function startCamera() {
    clearError();
    if (stream) return;
    const video = $("video");
    try {
      stream = await openCamera();
    } catch (e) {
      showError("Camera: " + (e.message || e.name) + ".");
      return;
    }
    const started = performance.now();
    video.srcObject = stream;
    $("scanner").hidden = false;
    $("camera").hidden = true;
    setupControls(stream.getVideoTracks()[0]);
    try { await video.play(); } catch (e) { /* autoplay rules: frames still arrive */ }
    report("camera", "started");
    status("Point the camera at the other side's code.");
    const detector = await barcodeDetector();
    let scan;
    try {
      scan = await getScanner();
    } catch (e) {
      if (!detector) {
        showError("Cannot start the QR decoder: " + e.message);
        stopCamera();
        return;
      }
    }
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    let frames = 0;
    let busyMs = 0;
    let warned = "";
    const mine = stream;
    while (stream === mine) {
      await nextFrame(video);
      if (stream !== mine) break;
      const vw = video.videoWidth;
      const vh = video.videoHeight;
      if (!vw || !vh) continue;
      let text = "";
      if (detector) {
        try {
          const codes = await detector.detect(video);
          if (codes.length) text = codes[0].rawValue;
        } catch (e) { /* try the wasm decoder */ }
      }
      if (!text && scan) {
        frames++;
        const thorough = frames % THOROUGH_EVERY === 0;
        const max = thorough ? 1280 : 640;
        const k = Math.min(1, max / Math.max(vw, vh));
        canvas.width = Math.round(vw * k);
        canvas.height = Math.round(vh * k);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const t = performance.now();
        const r = await scan.frame(new Uint8Array(img.data.buffer), canvas.width, canvas.height, thorough);
        busyMs += performance.now() - t;
        text = r.value || "";
      }
      if (!text || stream !== mine) continue;
      let ok = true;
      try { call("decode", text); } catch (e) { ok = false; if (warned !== text) { warned = text; status("That QR code is not a qrtc code (" + e.message + "); keep looking."); } }
      if (!ok) continue;
      report("scan", { ms: Math.round(performance.now() - started), frames: frames, fps: frames && busyMs ? Math.round(1000 * frames / busyMs) : 0, detector: !!detector });
      stopCamera();
      await readText(text, "camera");
      return;
    }
  }

  function stopCamera() {
    if (!stream) return;
    const s = stream;
    stream = null;
    s.getTracks().forEach((t) => t.stop());
    if (s.stopDrawing) s.stopDrawing();
    $("video").srcObject = null;
    $("scanner").hidden = true;
    $("camera").hidden = false;
  }

  async function readPhoto(file) {
    clearError();
    status("Reading the photo…");
    let text = "";
    const det = await barcodeDetector();
    if (det) {
      try {
        const codes = await det.detect(await createImageBitmap(file));
        if (codes.length) text = codes[0].rawValue;
      } catch (e) { /* the wasm decoder tries harder */ }
    }
    if (!text) {
      let r;
      try {
        const scan = await getScanner();
        r = await scan.file(new Uint8Array(await file.arrayBuffer()));
      } catch (e) {
        r = { error: e.message };
      }
      if (r.error) {
        showError("Photo: " + r.error);
        status("");
        return;
      }
      text = r.value;
    }
    await readText(text, "photo");
  }

  // ---- links: a code in the URL's fragment goes straight to its session.
  function readFragment() {
    const h = location.hash.slice(1);
    if (!h) return;
    history.replaceState(null, "", location.pathname + location.search);
    readText(decodeURIComponent(h), "link");
  }

  // ---- wiring
  function bind() {
    $("offer").addEventListener("click", () => startOffer().catch((e) => showError("Cannot start a session: " + e.message)));
    $("camera").addEventListener("click", () => startCamera());
    $("stop-camera").addEventListener("click", () => stopCamera());
    $("photo").addEventListener("change", (e) => {
      const f = e.target.files[0];
      e.target.value = "";
      if (f) readPhoto(f);
    });
    $("paste-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = $("paste").value.trim();
      if (!text) return showError("Paste the other side's code first.");
      if (await readText(text, "paste")) $("paste").value = "";
    });
    $("copy").addEventListener("click", async () => {
      const t = $("token");
      try {
        await navigator.clipboard.writeText(t.value);
        status("Copied.");
      } catch (e) {
        t.select();
        document.execCommand("copy");
      }
    });
    $("share").addEventListener("click", () => navigator.share({ text: $("share").dataset.text }).catch(() => {}));
    $("send-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const m = $("message");
      if (!m.value || !dc || dc.readyState !== "open") return;
      dc.send(m.value);
      addMessage("me", m.value);
      m.value = "";
    });
    $("leave").addEventListener("click", () => {
      if (dc) dc.close();
      setTimeout(() => { if (pc) pc.close(); }, 1000);
    });
    window.addEventListener("hashchange", readFragment);
    // Where the browser offers to install the page as an app (Chromium,
    // once the manifest and the service worker qualify), a button says so.
    let install = null;
    window.addEventListener("beforeinstallprompt", (e) => {
      e.preventDefault();
      install = e;
      $("install").hidden = false;
      report("installable", true);
    });
    $("install").addEventListener("click", () => {
      if (!install) return;
      install.prompt();
      install.userChoice.finally(() => { install = null; $("install").hidden = true; });
    });
    window.addEventListener("appinstalled", () => { install = null; $("install").hidden = true; });
  }

  async function hookLoop() {
    for (;;) {
      let r;
      try {
        r = await fetch(hookBase + "command");
      } catch (e) {
        await new Promise((res) => setTimeout(res, 500));
        continue;
      }
      if (r.status !== 200) {
        if (r.status !== 204) await new Promise((res) => setTimeout(res, 500));
        continue;
      }
      const c = await r.json();
      if (c.paste !== undefined) {
        $("paste").value = c.paste;
        $("paste-form").requestSubmit();
      } else if (c.send !== undefined) {
        $("message").value = c.send;
        $("send-form").requestSubmit();
      } else if (c.click) {
        $(c.click).click();
      } else if (c.photo) {
        // A file chosen in the photo input, as a person's file picker gives it.
        const blob = await (await fetch(c.photo)).blob();
        const dt = new DataTransfer();
        dt.items.add(new File([blob], "photo", { type: blob.type }));
        $("photo").files = dt.files;
        $("photo").dispatchEvent(new Event("change", { bubbles: true }));
      } else if (c.frames) {
        testFrames = c.frames;
      } else if (c.hash) {
        location.hash = c.hash;
      } else if (c.reload) {
        location.reload();
        return; // the reloaded page polls; this one must not take its commands
      }
    }
  }

  async function main() {
    bind();
    if (hookBase) hookLoop();
    if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
      navigator.serviceWorker.register("sw.js")
        .then(() => navigator.serviceWorker.ready)
        .then(() => report("offline", "ready"))
        .catch((e) => report("offline", "unavailable: " + e.message));
    }
    try {
      await runGo(await wasmBytes("codec"), "qrtcCodecReady");
      codec = globalThis.qrtcCodec;
    } catch (e) {
      setState("broken");
      showError("This page could not load its code: " + e.message);
      return;
    }
    setState("ready");
    status("Ready.");
    report("loaded", { ms: Math.round(performance.now() - t0), controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller) });
    readFragment();
  }
  main();
})();
