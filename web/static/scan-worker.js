// The qrtc page's QR codes: scan.wasm in a Web Worker, so that decoding a
// picture never blocks the page. Messages: {wasm: ArrayBuffer} once, then
// {id, kind: "frame", data, w, h, thorough}, {id, kind: "file", data} or
// {id, kind: "svg", text};
// each answer is {id, value} or {id, error}.
"use strict";
if (typeof Go === "undefined") importScripts("wasm_exec.js");
self.onmessage = async (e) => {
  const m = e.data;
  if (m.wasm) {
    const go = new Go();
    const ready = new Promise((resolve) => { self.qrtcScanReady = resolve; });
    const { instance } = await WebAssembly.instantiate(m.wasm, go.importObject);
    go.run(instance);
    await ready;
    self.postMessage({ ready: true });
    return;
  }
  let r;
  if (m.kind === "frame") r = self.qrtcScan.frame(m.data, m.w, m.h, m.thorough);
  else if (m.kind === "svg") r = self.qrtcScan.svg(m.text);
  else r = self.qrtcScan.file(m.data);
  self.postMessage({ id: m.id, value: r.value, error: r.error });
};
