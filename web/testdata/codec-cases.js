// The calls TestCodecNode and TestCodecBrowsers make of the page's codec
// (globalThis.qrtcCodec, from codec.wasm), as the page makes them: for each
// case, encode its SDP, decode its token and its link, and derive the phrase
// of two descriptions. Loaded by codec-node.js under node and by
// codec-browser.html in a browser.
"use strict";
function runCodecCases(c, cases) {
  return cases.map((k) => {
    const r = { name: k.name };
    const enc = c.encode(k.type, k.sdp);
    r.token = enc.value || "";
    r.encodeError = enc.error || "";
    const dec = c.decode(k.token);
    r.decodedType = dec.value ? dec.value.type : "";
    r.decodedSDP = dec.value ? dec.value.sdp : "";
    r.decodeError = dec.error || "";
    if (k.link) {
      const l = c.decode(k.link);
      r.linkSDP = l.value ? l.value.sdp : "";
    }
    if (k.fpA) r.phrase = c.phrase(k.fpA, k.fpB).value || "";
    return r;
  });
}
if (typeof module !== "undefined") module.exports = runCodecCases;
